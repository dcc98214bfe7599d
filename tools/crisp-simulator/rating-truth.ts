/**
 * Every rating visitors gave, with its time. Crisp publishes no REST route for ratings (a pull
 * request adding one to crisp-im/python-crisp-api, #19, was closed by Crisp as "an internal API
 * route"), so `session:sync:rating` events are a mirror's only source and this list is what a test
 * compares the mirror against.
 */

/** Crisp's star scale; the UI shows 5 stars (range UNVERIFIED beyond that, Go types it `uint8`). */
export const RATING_STARS_MIN = 1;
export const RATING_STARS_MAX = 5;

export interface SimRating {
  website_id: string;
  session_id: string;
  stars: number;
  /** Left out when the visitor wrote none (crisp-api types it `comment?: string`). */
  comment?: string;
  /** When it was given: the conversation's updated_at after the rating (ms). */
  at: number;
}

export class RatingTruth {
  /** Every rating, in the order given (a visitor may rate again; the last one counts). */
  readonly all: SimRating[] = [];
  private readonly latest = new Map<string, SimRating>();

  record(rating: SimRating): SimRating {
    if (
      !Number.isInteger(rating.stars) ||
      rating.stars < RATING_STARS_MIN ||
      rating.stars > RATING_STARS_MAX
    ) {
      throw new Error(`RatingTruth: stars must be an integer from 1 to 5 (got ${rating.stars})`);
    }
    const stored = { ...rating };
    this.all.push(stored);
    this.latest.set(key(rating.website_id, rating.session_id), stored);
    return { ...stored };
  }

  /** The latest rating of a conversation, if it was ever rated (removal does not erase it). */
  ratingOf(websiteId: string, sessionId: string): SimRating | undefined {
    const rating = this.latest.get(key(websiteId, sessionId));
    return rating ? { ...rating } : undefined;
  }

  /** Every rating of a conversation, oldest first. */
  ratingsOf(websiteId: string, sessionId: string): SimRating[] {
    return this.all
      .filter((r) => r.website_id === websiteId && r.session_id === sessionId)
      .map((r) => ({ ...r }));
  }
}

function key(websiteId: string, sessionId: string): string {
  return `${websiteId}/${sessionId}`;
}

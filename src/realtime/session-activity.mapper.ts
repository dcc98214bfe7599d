import type { ActorKind } from '../history/conversation-event-kinds';
import {
  changes,
  conversationStub,
  setAside,
  timeSourceOf,
  type EventContext,
  type EventMapping,
} from './mirror-change';
import {
  INVALID,
  isRecord,
  member,
  readNumber,
  readString,
  type JsonRecord,
} from '../common/payload-readers';

/** smallint holds it; Crisp's widget sends 1 to 5, but another number is kept as sent. */
const isStoredStars = (stars: number) => Number.isInteger(stars) && Math.abs(stars) <= 32_767;

/**
 * `session:sync:rating`: `rating: { stars, comment? }` (crisp-api `EventsSessionSyncRating`).
 * A rating without stars says nothing to keep, so it is set aside rather than guessed.
 */
export function mapRating(payload: JsonRecord, context: EventContext): EventMapping {
  const rating = member(payload, 'rating');
  if (rating === undefined || rating === null) return setAside('missing:rating');
  if (!isRecord(rating)) return setAside('invalid:rating');
  const stars = readNumber(member(rating, 'stars'));
  const comment = readString(member(rating, 'comment'));
  if (stars === undefined || stars === null) return setAside('missing:rating.stars');
  if (stars === INVALID || !isStoredStars(stars)) return setAside('invalid:rating.stars');
  if (comment === INVALID) return setAside('invalid:rating.comment');
  const { website_id, session_id, sync_source, at } = context;
  return changes([
    conversationStub(context),
    {
      kind: 'rating',
      rating: {
        website_id,
        session_id,
        stars,
        comment: comment || null,
        rated_at: at.toISOString(),
        time_source: timeSourceOf(context),
        door: sync_source,
      },
    },
  ]);
}

/**
 * `session:set_opened` / `session:set_closed`: `operator: { user_id, nickname?, avatar? }`
 * (crisp-api `EventsSessionSetOpened`). Without an operator the change is still logged, by nobody.
 */
export function mapOperatorActivity(kind: ActorKind) {
  return (payload: JsonRecord, context: EventContext): EventMapping => {
    const operator = member(payload, 'operator');
    if (operator !== undefined && operator !== null && !isRecord(operator)) {
      return setAside('invalid:operator');
    }
    const userId = isRecord(operator) ? readString(member(operator, 'user_id')) : null;
    if (userId === INVALID) return setAside('invalid:operator.user_id');
    const { website_id, session_id, sync_source, at } = context;
    return changes([
      conversationStub(context),
      {
        kind: 'actor-event',
        event: {
          website_id,
          session_id,
          kind,
          actor_user_id: userId || null,
          happened_at: at.toISOString(),
          time_source: timeSourceOf(context),
          door: sync_source,
        },
      },
    ]);
  };
}

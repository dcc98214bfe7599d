import { isAvailabilityStatus } from '../directory/directory-kinds';
import type { CrispEvent } from './crisp-events';
import { changes, setAside, type EventMapping } from './mirror-change';
import { idOf, INVALID, isRecord, member, readString } from '../common/payload-readers';

/**
 * `website:update_operators_availability`: `{website_id, user_id, availability: {type}}`
 * (crisp-api `EventsWebsiteUpdateOperatorsAvailability`, Crisp's Go client alike). It names no
 * conversation. crisp-api types `type` online|offline; the REST availability also says `away`,
 * which is taken too (UNVERIFIED on the event). Any other value is set aside rather than guessed.
 * The status begins at the event's time: Crisp's for a Web Hook, the arrival for RTM.
 */
export function mapOperatorAvailability(event: CrispEvent): EventMapping {
  const payload = event.payload;
  if (!isRecord(payload)) return setAside('missing_ids');
  const website_id = idOf(member(payload, 'website_id'));
  const user_id = idOf(member(payload, 'user_id'));
  if (!website_id || !user_id) return setAside('missing_ids');
  const availability = member(payload, 'availability');
  if (availability === undefined || availability === null) return setAside('missing:availability');
  if (!isRecord(availability)) return setAside('invalid:availability');
  const type = readString(member(availability, 'type'));
  if (type === undefined || type === null) return setAside('missing:availability.type');
  if (type === INVALID || !isAvailabilityStatus(type)) return setAside('invalid:availability.type');
  return changes([
    {
      kind: 'operator-availability',
      availability: {
        website_id,
        user_id,
        status: type,
        started_at: event.at.toISOString(),
        source: 'event',
        door: event.door,
        ...(event.twinAt && { twin_observed_at: event.twinAt.toISOString() }),
      },
    },
  ]);
}

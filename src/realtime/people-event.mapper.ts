import {
  changes,
  patch,
  setAside,
  type EventContext,
  type EventMapping,
  type MirrorChange,
} from './mirror-change';
import { idOf, INVALID, member, readString, type JsonRecord } from '../common/payload-readers';

/** What a website-level event needs: no session (crisp-api `EventsWebsiteGeneric`). */
export interface WebsiteContext {
  website_id: string;
  sync_source: 'rtm' | 'webhook';
  at: Date;
}

function hint(context: WebsiteContext, peopleId: string, email: string | null, removed: boolean) {
  const { website_id, at } = context;
  const change: MirrorChange = {
    kind: 'people-hint',
    hint: { website_id, people_id: peopleId, email, removed, at: at.toISOString() },
  };
  return change;
}

/**
 * `people:profile:created` / `updated` / `removed`: `{website_id, people_id, email?}` (crisp-api
 * `EventsPeopleProfileCreated`, `…Updated` with `update: {updated_at, person}`, `…Removed`).
 * The profile is read again from REST (one call, debounced) rather than rebuilt from the event:
 * `updated` carries only part of it.
 */
export function mapPeopleProfileEvent(removed: boolean) {
  return (payload: JsonRecord, context: WebsiteContext): EventMapping => {
    const peopleId = idOf(member(payload, 'people_id'));
    if (!peopleId) return setAside('missing:people_id');
    const email = readString(member(payload, 'email'));
    if (email === INVALID) return setAside('invalid:email');
    return changes([hint(context, peopleId, email || null, removed)]);
  };
}

/** `people:bind:session`: the conversation's `people_id`, and that profile to read. */
export function mapPeopleBind(payload: JsonRecord, context: EventContext): EventMapping {
  const peopleId = readString(member(payload, 'people_id'));
  if (peopleId === INVALID) return setAside('invalid:people_id');
  if (peopleId === undefined) return setAside('missing:people_id');
  const bound = patch(context, { people_id: peopleId || null });
  if (bound.outcome !== 'changes' || !peopleId) return bound;
  return changes([...bound.changes, hint(context, peopleId, null, false)]);
}

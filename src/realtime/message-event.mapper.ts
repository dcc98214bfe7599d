import type { MessagePatch } from '../conversations/conversation-patches';
import {
  contentAsText,
  isoFromEpochMs,
  messageRecordFromCrisp,
} from '../conversations/crisp-record.mapper';
import {
  changes,
  conversationStub,
  patchBase,
  setAside,
  type EventContext,
  type EventMapping,
} from './mirror-change';
import {
  fingerprintsOf,
  INVALID,
  isFingerprint,
  isRecord,
  member,
  readString,
  type JsonRecord,
} from '../common/payload-readers';

/** `message:send` / `message:received`: the message as sent, a snapshot of itself. */
export function mapMessage(payload: JsonRecord, context: EventContext): EventMapping {
  const fingerprint = member(payload, 'fingerprint');
  if (!isFingerprint(fingerprint)) return setAside('invalid:fingerprint');
  const sent = member(payload, 'timestamp');
  if (sent !== undefined && isoFromEpochMs(sent) === null) return setAside('invalid:timestamp');
  // A message without a timestamp of its own is dated when its event happened.
  const timestamp = typeof sent === 'number' ? sent : context.at.getTime();
  const { website_id, session_id, sync_source } = context;
  const record = messageRecordFromCrisp(
    { ...payload, website_id, session_id, fingerprint, timestamp },
    // Its own time orders it against later edits: a replay cannot undo one.
    new Date(timestamp),
    sync_source,
  );
  // The writer derives the conversation placeholder from the record: one queued change per event.
  return changes([{ kind: 'message', record }]);
}

/**
 * A picker answered by the visitor: Crisp reports the selection as an update of the picker
 * message, which is not an edit of what anyone wrote (docs/RTM_IMPLEMENTATION.md).
 */
function isPickerAnswer(content: unknown): boolean {
  if (!isRecord(content)) return false;
  const choices = member(content, 'choices');
  return (
    Array.isArray(choices) &&
    choices.some((choice) => isRecord(choice) && member(choice, 'selected') === true)
  );
}

export function mapMessageUpdated(payload: JsonRecord, context: EventContext): EventMapping {
  const fingerprint = member(payload, 'fingerprint');
  if (!isFingerprint(fingerprint)) return setAside('invalid:fingerprint');
  const content = member(payload, 'content');
  const columns: MessagePatch['columns'] = isPickerAnswer(content)
    ? { content: contentAsText(content) }
    : { content: contentAsText(content), edited: true };
  return changes([
    conversationStub(context),
    { kind: 'message-patch', patch: { ...patchBase(context), fingerprint, columns } },
  ]);
}

export function mapMessageRemoved(payload: JsonRecord, context: EventContext): EventMapping {
  const fingerprint = member(payload, 'fingerprint');
  if (!isFingerprint(fingerprint)) return setAside('invalid:fingerprint');
  return changes([
    conversationStub(context),
    { kind: 'message-removed', removal: { ...patchBase(context), fingerprint } },
  ]);
}

type Receipt = 'read' | 'unread' | 'delivered';

/**
 * Receipts name the messages they cover in `fingerprints`, which an unread receipt may leave out
 * (crisp-protocol.md §9): one that names none still tells the conversation exists. An origin that
 * is missing is stored as `unknown`: the message was read, by a channel Crisp did not say.
 */
export function mapReceipt(
  receipt: Receipt,
  payload: JsonRecord,
  context: EventContext,
): EventMapping {
  const fingerprints = fingerprintsOf(member(payload, 'fingerprints'));
  if (fingerprints === INVALID) return setAside('invalid:fingerprints');
  const origin = readString(member(payload, 'origin'));
  if (origin === INVALID) return setAside('invalid:origin');
  const channel = origin || 'unknown';
  const columns: MessagePatch['columns'] =
    receipt === 'read'
      ? { read: channel }
      : receipt === 'unread'
        ? { read: '' }
        : { delivered: channel };
  return changes([
    conversationStub(context),
    ...fingerprints.map((fingerprint) => ({
      kind: 'message-patch' as const,
      patch: { ...patchBase(context), fingerprint, columns },
    })),
  ]);
}

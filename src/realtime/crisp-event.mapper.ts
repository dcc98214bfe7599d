import type {
  ConversationPatch,
  MessagePatch,
  Removal,
} from '../conversations/conversation-patches';
import type { MessageRecord } from '../conversations/conversation-records';
import type { ConversationStub } from '../conversations/conversations.repository';
import { contentAsText, messageRecordFromCrisp } from '../conversations/crisp-record.mapper';
import type { CrispEvent } from './crisp-events';

/** What one event changes in the mirror; the writer applies a batch of these in one transaction. */
export type MirrorChange =
  | { kind: 'conversation'; stub: ConversationStub; initiated: boolean }
  | { kind: 'message'; record: MessageRecord }
  | { kind: 'conversation-patch'; patch: ConversationPatch }
  | { kind: 'message-patch'; patch: MessagePatch }
  | { kind: 'conversation-removed'; removal: Removal }
  | { kind: 'message-removed'; removal: Removal };

/** Crisp's numeric status for each state (1 = unresolved is documented; the others inferred). */
const STATUS_OF_STATE: Record<string, number> = { pending: 0, unresolved: 1, resolved: 2 };

/** Pure: the mirror changes an event carries. Events this service does not mirror map to none. */
export function mirrorChangesOf(event: CrispEvent): MirrorChange[] {
  const { website_id, session_id } = event.payload;
  const sync_source = event.door;
  const observed_at = event.at.toISOString();
  const base = { website_id, session_id, sync_source, observed_at };
  const conversation = (initiated = false): MirrorChange => ({
    kind: 'conversation',
    stub: { website_id, session_id, sync_source },
    initiated,
  });
  const patch = (columns: ConversationPatch['columns']): MirrorChange[] => [
    conversation(),
    { kind: 'conversation-patch', patch: { ...base, columns } },
  ];
  const receipts = (fingerprints: number[], columns: MessagePatch['columns']): MirrorChange[] =>
    fingerprints.map((fingerprint) => ({
      kind: 'message-patch',
      patch: { ...base, fingerprint, columns },
    }));

  switch (event.name) {
    case 'session:request:initiated':
      return [conversation(true)];
    case 'message:send':
    case 'message:received': {
      const message = event.payload;
      // A message is a snapshot of itself as sent: its own time orders it against later edits.
      const record = messageRecordFromCrisp(
        { ...message, fingerprint: message.fingerprint, timestamp: message.timestamp },
        new Date(message.timestamp),
        sync_source,
      );
      // The writer derives the conversation placeholder from the record: one queued change per event.
      return [{ kind: 'message', record }];
    }
    case 'message:updated':
      return [
        conversation(),
        {
          kind: 'message-patch',
          patch: {
            ...base,
            fingerprint: event.payload.fingerprint,
            columns: { content: contentAsText(event.payload.content), edited: true },
          },
        },
      ];
    case 'message:removed':
      return [
        conversation(),
        { kind: 'message-removed', removal: { ...base, fingerprint: event.payload.fingerprint } },
      ];
    case 'message:acknowledge:read:send':
    case 'message:acknowledge:read:received':
      return [
        conversation(),
        ...receipts(event.payload.fingerprints, { read: event.payload.origin }),
      ];
    case 'message:acknowledge:unread:send':
      return [conversation(), ...receipts(event.payload.fingerprints, { read: '' })];
    case 'message:acknowledge:delivered':
      return [
        conversation(),
        ...receipts(event.payload.fingerprints, { delivered: event.payload.origin }),
      ];
    case 'session:set_state':
      return patch({
        state: event.payload.state,
        status: STATUS_OF_STATE[event.payload.state] ?? null,
      });
    case 'session:set_block':
      return patch({ is_blocked: event.payload.is_blocked });
    case 'session:set_email':
      return patch({ meta_email: event.payload.email });
    case 'session:set_phone':
      return patch({ meta_phone: event.payload.phone });
    case 'session:set_nickname':
      return patch({ meta_nickname: event.payload.nickname });
    case 'session:set_avatar':
      return patch({ meta_avatar: event.payload.avatar });
    case 'session:set_subject':
      return patch({ meta_subject: event.payload.subject });
    case 'session:set_origin':
      return patch({ meta_origin: event.payload.origin });
    case 'session:set_address':
      return patch({ meta_address: event.payload.address });
    case 'session:set_data':
      return patch({ meta_data: event.payload.data });
    case 'session:set_segments':
      return patch({ meta_segments: event.payload.segments });
    case 'session:set_participants':
      return patch({ participants: event.payload.participants });
    case 'session:set_mentions':
      return patch({ mentions: event.payload.mentions });
    case 'session:set_routing':
      return patch({ assigned_user_id: event.payload.routing_id ?? null });
    case 'session:set_inbox':
      return patch({ inbox_id: event.payload.inbox_id ?? null });
    case 'session:update_availability':
      return patch({ availability: event.payload.availability });
    case 'session:update_verify':
      return patch({
        is_verified: event.payload.is_verified,
        verifications: event.payload.verifications ?? null,
      });
    case 'session:sync:geolocation':
      return patch({ 'meta_device.geolocation': event.payload.geolocation });
    case 'session:sync:system':
      return patch({ 'meta_device.system': event.payload.system });
    case 'session:sync:timezone':
      return patch({ 'meta_device.timezone': event.payload.timezone.offset });
    case 'session:sync:locales':
      return patch({ 'meta_device.locales': event.payload.locales.locales });
    case 'session:sync:capabilities': {
      const { capabilities } = event.payload;
      return patch({
        'meta_device.capabilities': Array.isArray(capabilities)
          ? capabilities
          : capabilities.capabilities,
      });
    }
    case 'session:sync:network':
      return patch({
        meta_ip: event.payload.network.ip,
        ...(event.payload.network.connection && {
          meta_connection: event.payload.network.connection,
        }),
      });
    case 'session:removed':
      return [conversation(), { kind: 'conversation-removed', removal: base }];
  }
}

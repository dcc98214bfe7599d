import { IntersectionType } from '@nestjs/swagger';
import {
  BigintColumn,
  JsonArray,
  JsonObject,
  NullableBoolean,
  NullableInteger,
  NullableText,
  TextColumn,
  TimeColumn,
} from '../../common/dto/column-properties';
import { SyncMetadataDto } from './sync-metadata.dto';

class ConversationColumnsDto {
  @BigintColumn('Surrogate key; lists are newest first by it', '42')
  id: string;

  @TextColumn('Crisp session id', 'session_8a3c1f52-5d0e-4b8e-9f7a-2d1c3b4a5e6f')
  sessionId: string;

  @TextColumn('Crisp website id', '11111111-1111-4111-8111-111111111111')
  websiteId: string;

  @NullableText('Inbox the conversation is in')
  inboxId: string | null;

  @NullableText('Crisp contact (people profile) id')
  peopleId: string | null;

  @NullableText('`pending`, `unresolved` or `resolved`', 'resolved')
  state: string | null;

  @NullableInteger("Crisp's numeric status (0 pending, 1 unresolved, 2 resolved)", 2)
  status: number | null;

  @NullableBoolean('Visitor blocked')
  isBlocked: boolean | null;

  @NullableBoolean('Visitor identity verified')
  isVerified: boolean | null;

  @NullableText('Visitor `online` or `offline`', 'offline')
  availability: string | null;

  @NullableBoolean('Visitor active now')
  activeNow: boolean | null;

  @TimeColumn('Visitor last active')
  activeLast: string | null;

  @NullableText('Operator the conversation is assigned to')
  assignedUserId: string | null;

  @JsonArray('Participants, as Crisp sends them')
  participants: unknown;

  @JsonArray('Mentioned operator ids', 'string')
  mentions: unknown;

  @JsonArray('Identity verifications, as Crisp sends them')
  verifications: unknown;

  @JsonObject('Who is composing, as Crisp sends it')
  compose: unknown;

  @NullableInteger('Messages the operators have not read')
  unreadOperator: number | null;

  @NullableInteger('Messages the visitor has not read')
  unreadVisitor: number | null;

  @NullableText('Excerpt of the last message')
  lastMessage: string | null;

  @NullableText('Type of the last message', 'text')
  previewMessageType: string | null;

  @NullableText('Author of the last message: `user` or `operator`', 'user')
  previewMessageFrom: string | null;

  @NullableText('Excerpt of the last message, as Crisp previews it')
  previewMessageExcerpt: string | null;

  @BigintColumn('Fingerprint of the last message', '170000000000001', true)
  previewMessageFingerprint: string | null;

  @TimeColumn('Since when the visitor waits for an answer')
  waitingSince: string | null;

  @NullableText('Visitor nickname')
  metaNickname: string | null;

  @NullableText('Visitor email')
  metaEmail: string | null;

  @NullableText('Visitor phone')
  metaPhone: string | null;

  @NullableText('Visitor avatar URL')
  metaAvatar: string | null;

  @NullableText('Visitor IP address')
  metaIp: string | null;

  @NullableText('Where the conversation started (`chat`, `email`, `urn:…`)', 'chat')
  metaOrigin: string | null;

  @NullableText('Conversation subject')
  metaSubject: string | null;

  @NullableText('Visitor postal address')
  metaAddress: string | null;

  @JsonArray('Segment names', 'string')
  metaSegments: unknown;

  @JsonObject('Custom data (key → string, number or boolean)')
  metaData: unknown;

  @JsonObject('Geolocation, system, locales, timezone, capabilities')
  metaDevice: unknown;

  @JsonObject('ISP and ASN')
  metaConnection: unknown;

  @TimeColumn('Creation time in Crisp (null on a placeholder)')
  createdAtCrisp: string | null;

  @TimeColumn('Last update time in Crisp (null on a placeholder)')
  updatedAtCrisp: string | null;

  @TimeColumn('The Crisp `updated_at` up to which every message is stored')
  messagesSyncedThrough: string | null;
}

/**
 * A row of `conversations` as the API serves it: every column but `raw`, camelCase. A conversation
 * known only from a message event is a placeholder: ids and sync columns set, the rest null.
 */
export class ConversationDto extends IntersectionType(ConversationColumnsDto, SyncMetadataDto) {}

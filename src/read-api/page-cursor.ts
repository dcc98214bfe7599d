import { BadRequestException } from '@nestjs/common';

export interface ConversationCursor {
  id: string;
}

export interface MessageCursor {
  timestamp: string;
  fingerprint: string;
}

const INVALID = 'cursor is not a cursor this API returned';
const DIGITS = /^\d{1,19}$/;
const BIGINT_MAX = 9_223_372_036_854_775_807n;
/** As `Date.toISOString()` writes it: anything else (`'1'`, a weekday) PostgreSQL may refuse. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A value PostgreSQL takes as a bigint: out of range, it would fail the query (a 500). */
const isBigint = (value: unknown): value is string =>
  typeof value === 'string' && DIGITS.test(value) && BigInt(value) <= BIGINT_MAX;

const isIsoTime = (value: unknown): value is string =>
  typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));

export function encodeCursor(position: ConversationCursor | MessageCursor): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decode(cursor: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object') return value as Record<string, unknown>;
  } catch {
    // falls through to the same 400 as any other foreign cursor
  }
  throw new BadRequestException(INVALID);
}

export function decodeConversationCursor(cursor: string): ConversationCursor {
  const { id } = decode(cursor);
  if (isBigint(id)) return { id };
  throw new BadRequestException(INVALID);
}

export function decodeMessageCursor(cursor: string): MessageCursor {
  const { timestamp, fingerprint } = decode(cursor);
  if (isIsoTime(timestamp) && isBigint(fingerprint)) return { timestamp, fingerprint };
  throw new BadRequestException(INVALID);
}

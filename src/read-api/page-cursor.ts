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
  if (typeof id === 'string' && DIGITS.test(id)) return { id };
  throw new BadRequestException(INVALID);
}

export function decodeMessageCursor(cursor: string): MessageCursor {
  const { timestamp, fingerprint } = decode(cursor);
  if (
    typeof timestamp === 'string' &&
    !Number.isNaN(Date.parse(timestamp)) &&
    typeof fingerprint === 'string' &&
    DIGITS.test(fingerprint)
  ) {
    return { timestamp, fingerprint };
  }
  throw new BadRequestException(INVALID);
}

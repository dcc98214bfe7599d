import { BadRequestException } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/** JSON text starts, after RFC 8259 whitespace, with an object or an array (body-parser's strict). */
const OBJECT_OR_ARRAY = /^[ \t\n\r]*[[{]/;

/**
 * A Web Hook's body exactly as sent, read by the route itself: the global JSON parser skips Web
 * Hook routes (http-app.ts), so that the signature or key is checked before anything is parsed.
 * Every chunk goes to `onChunk` (the signature's HMAC) as it arrives; at most `limit` bytes are
 * kept. Null when the body was larger: the caller answers 413 once the signature has been judged,
 * so an unsigned body of any size is a 401, never a 413.
 */
export async function readHookBody(
  request: IncomingMessage,
  limit: number,
  onChunk: (chunk: Buffer) => void = () => undefined,
): Promise<Buffer | null> {
  // A parser in front would have emptied the stream: its signature would be over nothing.
  if (request.readableEnded) throw new Error('The Web Hook body was read before its check');
  const kept: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      onChunk(chunk);
      size += chunk.length;
      if (size <= limit) kept.push(chunk);
      else kept.length = 0;
    }
  } catch {
    throw new BadRequestException('The request body was cut short');
  }
  return size <= limit ? Buffer.concat(kept) : null;
}

/**
 * An authenticated hook's body as the global parser would have read it: JSON when the request
 * says `application/json` (a 400 when it is not an object or an array), nothing otherwise, in
 * which case the intake sets the raw body aside.
 */
export function parseHookBody(bytes: Buffer, contentType: string | undefined): unknown {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'application/json' || bytes.length === 0) return undefined;
  const text = bytes.toString('utf8');
  if (!OBJECT_OR_ARRAY.test(text)) throw new BadRequestException('Request body is not valid JSON');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequestException('Request body is not valid JSON');
  }
}

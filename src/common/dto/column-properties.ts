import { ApiProperty } from '@nestjs/swagger';

/*
 * Property decorators for documenting mirrored rows: every column is always present in an answer,
 * null when Crisp did not send it.
 */

export const TextColumn = (description: string, example?: string) =>
  ApiProperty({ type: 'string', description, example });

export const NullableText = (description: string, example?: string) =>
  ApiProperty({ type: 'string', nullable: true, description, example });

/** PostgreSQL bigint, sent as a decimal string so that no digit is lost in JavaScript. */
export const BigintColumn = (description: string, example: string, nullable = false) =>
  ApiProperty({ type: 'string', pattern: '^\\d+$', nullable, description, example });

export const TimeColumn = (description: string, nullable = true) =>
  ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable,
    description,
    example: '2026-01-27T08:20:34.617Z',
  });

export const NullableBoolean = (description: string) =>
  ApiProperty({ type: 'boolean', nullable: true, description });

export const NullableInteger = (description: string, example?: number) =>
  ApiProperty({ type: 'integer', nullable: true, description, example });

/** A jsonb column kept as Crisp sent it. */
export const JsonObject = (description: string) =>
  ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description });

export const JsonArray = (description: string, items: 'object' | 'string' = 'object') =>
  ApiProperty({
    type: 'array',
    items: items === 'object' ? { type: 'object', additionalProperties: true } : { type: items },
    nullable: true,
    description,
  });

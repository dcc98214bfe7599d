import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { toPositiveInteger } from './query-transforms';

export const MAX_PAGE_SIZE = 100;
export const MAX_PAGE_NUMBER = 1_000_000;
const PAGE_MESSAGE = `page must be an integer between 1 and ${MAX_PAGE_NUMBER}`;
const LIMIT_MESSAGE = `limit must be an integer between 1 and ${MAX_PAGE_SIZE}`;

/** `page` and `limit` as in the seed, plus an opaque keyset `cursor` for deep paging. */
export class PageQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_NUMBER,
    default: 1,
    description:
      'Page number (offset paging; deep pages cost more: prefer `cursor`). Not with `cursor`.',
  })
  @IsOptional()
  @Transform(toPositiveInteger)
  @IsInt({ message: PAGE_MESSAGE })
  @Min(1, { message: PAGE_MESSAGE })
  @Max(MAX_PAGE_NUMBER, { message: PAGE_MESSAGE })
  page?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: 10,
    description: 'Page size',
  })
  @IsOptional()
  @Transform(toPositiveInteger)
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(MAX_PAGE_SIZE, { message: LIMIT_MESSAGE })
  limit: number = 10;

  @ApiPropertyOptional({
    type: 'string',
    maxLength: 200,
    pattern: '^[A-Za-z0-9_-]+$',
    description:
      'The `pagination.nextCursor` of the previous page (keyset paging: every page costs the same). Not with `page`.',
  })
  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @MaxLength(200, { message: 'cursor is not a cursor this API returned' })
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not a cursor this API returned' })
  cursor?: string;
}

import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { toPositiveInteger } from './query-transforms';

export const MAX_PAGE_SIZE = 100;
export const MAX_PAGE_NUMBER = 1_000_000;
const PAGE_MESSAGE = `page must be an integer between 1 and ${MAX_PAGE_NUMBER}`;
const LIMIT_MESSAGE = `limit must be an integer between 1 and ${MAX_PAGE_SIZE}`;

/** `page` and `limit` as in the seed, plus an opaque keyset `cursor` for deep paging. */
export class PageQueryDto {
  @IsOptional()
  @Transform(toPositiveInteger)
  @IsInt({ message: PAGE_MESSAGE })
  @Min(1, { message: PAGE_MESSAGE })
  @Max(MAX_PAGE_NUMBER, { message: PAGE_MESSAGE })
  page?: number;

  @IsOptional()
  @Transform(toPositiveInteger)
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(MAX_PAGE_SIZE, { message: LIMIT_MESSAGE })
  limit: number = 10;

  @IsOptional()
  @IsString({ message: 'cursor must be a string' })
  @MaxLength(200, { message: 'cursor is not a cursor this API returned' })
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not a cursor this API returned' })
  cursor?: string;
}

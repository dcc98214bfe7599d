import { ApiProperty } from '@nestjs/swagger';
import type { Pagination } from '../api-response';

/** `pagination` of the seed's envelope, for the OpenAPI document. */
export class PaginationDto implements Pagination {
  @ApiProperty({
    type: 'integer',
    description: 'Rows matching the request, over all pages',
    example: 150,
  })
  total: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The page served; null when the request paged by cursor',
    example: 1,
  })
  page: number | null;

  @ApiProperty({
    type: 'integer',
    description: "The page size (the seed's spelling, kept because clients parse it)",
    example: 10,
  })
  pageParRecord: number;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as `cursor` to get the next page by keyset; null on the last page',
    example: 'eyJpZCI6IjMzIn0',
  })
  nextCursor: string | null;
}

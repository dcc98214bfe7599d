import { ApiProperty } from '@nestjs/swagger';
import { TimeColumn } from '../../common/dto/column-properties';
import { SYNC_SOURCES, type SyncSource } from '../sync-source';

/** The sync bookkeeping columns every mirrored row carries (docs/SCHEMA.md). */
export class SyncMetadataDto {
  @TimeColumn("The version of Crisp's state this row holds (the ordering guard)", false)
  observedAt: string;

  @ApiProperty({ enum: SYNC_SOURCES, description: 'Which door wrote the row last' })
  syncSource: SyncSource;

  @TimeColumn('When a sync last wrote the row', false)
  syncedAt: string;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'Set when removed in Crisp; always null here (removed rows are not served)',
    example: null,
  })
  deletedAt: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', format: 'date-time' },
    description: 'For each field an event changed, when that change was observed',
    example: { state: '2026-01-27T08:21:02.120Z' },
  })
  fieldObservedAt: Record<string, string>;

  @TimeColumn('When the row was first written', false)
  createdAt: string;

  @TimeColumn('When the row was last written', false)
  updatedAt: string;
}

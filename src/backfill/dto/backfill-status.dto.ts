import { ApiProperty } from '@nestjs/swagger';
import { BACKFILL_STATUSES } from '../backfill-job.entity';
import type { BackfillStatus } from '../backfill-status';

class BackfillProgressDto {
  @ApiProperty({
    type: 'integer',
    description: 'Conversation list pages read from Crisp',
    example: 9,
  })
  listPagesRead: number;

  @ApiProperty({ type: 'integer', description: 'Conversations listed so far', example: 400 })
  conversationsListed: number;

  @ApiProperty({
    type: 'integer',
    description: 'Listed conversations already complete, not read again',
    example: 0,
  })
  conversationsSkipped: number;

  @ApiProperty({
    type: 'integer',
    description: 'Conversations whose messages are all stored',
    example: 120,
  })
  conversationsDone: number;

  @ApiProperty({ type: 'integer', description: 'Listed conversations still to read', example: 280 })
  conversationsLeft: number;

  @ApiProperty({ type: 'integer', description: 'Messages stored by this job', example: 10321 })
  messagesStored: number;

  @ApiProperty({ type: 'integer', description: 'Crisp requests this job spent', example: 350 })
  requestsSpent: number;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Crisp requests still needed; null while listing (Crisp gives no total)',
    example: 760,
  })
  estimatedRequestsLeft: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'Seconds left at the rate so far; null while listing or when not running',
    example: 76,
  })
  estimatedSecondsLeft: number | null;
}

const time = (description: string, nullable = true) =>
  ApiProperty({ type: 'string', format: 'date-time', nullable, description });

/** What `GET /crisp/backfill/:jobId` answers in `data`, for the OpenAPI document. */
export class BackfillStatusDto implements Record<keyof BackfillStatus, unknown> {
  @ApiProperty({
    format: 'uuid',
    description: 'Job id',
    example: '7b0c5a4e-8f4f-4c55-9d2e-5f0b8c1a2b3c',
  })
  id: string;

  @ApiProperty({
    description: 'Crisp website id',
    example: '11111111-1111-4111-8111-111111111111',
  })
  websiteId: string;

  @ApiProperty({
    enum: BACKFILL_STATUSES,
    description:
      "`paused`: the day's Crisp budget is spent, resumes at `resumeAt`; `failed`: see `error`",
    example: 'running',
  })
  status: string;

  @ApiProperty({
    enum: ['listing', 'messages', 'done'],
    description: 'Listing conversations, then reading their messages',
    example: 'messages',
  })
  phase: string;

  @ApiProperty({ type: BackfillProgressDto })
  progress: BackfillProgressDto;

  @ApiProperty({ type: 'string', nullable: true, description: 'Why the job failed' })
  error: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description:
      'When Crisp failed the job, how: `not_subscribed` (the plugin is not installed on the website), `not_found`, `unauthorized` (credentials refused), `client`, `rate_limited`, `quota_exhausted`, `server` or `network` (after every retry)',
    example: null,
  })
  errorKind: string | null;

  @time('When a paused job may run again')
  resumeAt: string | null;

  @time('When the job was created', false)
  createdAt: string;

  @time('When a worker first started it')
  startedAt: string | null;

  @time('When it completed or failed')
  finishedAt: string | null;
}

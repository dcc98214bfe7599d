import { FRESH_ENTITIES } from '../../freshness/entity-freshness.service';
import { ApiProperty } from '@nestjs/swagger';
import { BACKFILL_STATUSES } from '../../backfill/backfill-job.entity';
import { EnvelopeDto } from '../../common/dto/envelope.dto';
import type { BackfillJobSummary, StatusReport } from '../status-report';

type Shape<T> = Record<keyof T, unknown>;

const time = (description: string, nullable = false) =>
  ApiProperty({ type: 'string', format: 'date-time', nullable, description });
const integer = (description: string, nullable = false) =>
  ApiProperty({ type: 'integer', nullable, description });

class InstanceDto implements Shape<StatusReport['instance']> {
  @time('When this instance started')
  startedAt: string;

  @ApiProperty({ description: 'The service version', example: '0.1.0' })
  version: string;

  @ApiProperty({
    type: 'boolean',
    nullable: true,
    description: 'Whether this instance holds RTM; null when RTM is off here',
  })
  leader: boolean | null;
}

class RtmDto implements Shape<StatusReport['rtm']> {
  @ApiProperty({
    enum: [
      'disabled',
      'standby',
      'connecting',
      'connected',
      'disconnected',
      'unauthorized',
      'stopped',
    ],
    description: '`standby`: another instance holds RTM',
    example: 'connected',
  })
  state: string;

  @time('When RTM last connected', true)
  connectedAt: string | null;

  @time('When the last event arrived (RTM or Web Hook)', true)
  lastEventAt: string | null;
}

class WatermarkDto {
  @ApiProperty({ description: 'Crisp website id' })
  websiteId: string;

  @time('Start of the last successful catch-up')
  watermark: string;

  @integer('How old the watermark is, in seconds')
  ageSeconds: number;
}

class ReconcilerDto implements Shape<StatusReport['reconciler']> {
  @ApiProperty({ type: [WatermarkDto] })
  websites: WatermarkDto[];
}

class EventsDto implements Shape<StatusReport['events']> {
  @integer('Events in the last 60 seconds, RTM and Web Hooks')
  perMinute: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Events since start, by Crisp event name',
    example: { 'message:send': 1200 },
  })
  totalByType: Record<string, number>;
}

class QuotaDto implements Shape<StatusReport['quota']> {
  @ApiProperty({ description: 'The UTC day', example: '2026-01-27' })
  day: string;

  @integer('Crisp requests taken today by every instance')
  usedToday: number;

  @integer('Crisp requests allowed per UTC day')
  dailyBudget: number;

  @integer('Requests left today')
  left: number;

  @integer('Crisp calls this instance made since it started (each retry counts)')
  callsThisInstance: number;
}

class BackfillJobSummaryDto implements Shape<BackfillJobSummary> {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'Crisp website id' })
  websiteId: string;

  @ApiProperty({ enum: BACKFILL_STATUSES })
  state: string;

  @ApiProperty({ enum: ['listing', 'messages', 'done'] })
  phase: string;

  @integer('Conversations whose messages are all stored')
  conversationsDone: number;

  @integer('Conversations to read; while listing, those listed so far (a lower bound)')
  conversationsTotal: number;

  @ApiProperty({ description: 'Whether `conversationsTotal` is final (listing is over)' })
  totalKnown: boolean;

  @integer('Messages stored')
  messagesDone: number;

  @integer('Crisp requests spent')
  requestsSpent: number;

  @integer('Seconds left at the rate so far', true)
  estimatedSecondsLeft: number | null;

  @ApiProperty({
    type: 'number',
    nullable: true,
    minimum: 0,
    maximum: 1,
    description: 'Share done; null while listing',
  })
  progress: number | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Why the job failed' })
  error: string | null;

  @time('When a paused job may run again', true)
  resumeAt: string | null;

  @time('When the job was created')
  createdAt: string;

  @time('When it completed or failed', true)
  finishedAt: string | null;
}

class BackfillJobsDto implements Shape<StatusReport['backfill']> {
  @ApiProperty({ type: [BackfillJobSummaryDto], description: 'Recent backfill jobs' })
  jobs: BackfillJobSummaryDto[];
}

class FreshnessDto implements Shape<StatusReport['freshness'][number]> {
  @ApiProperty({ enum: FRESH_ENTITIES, description: 'The table the figures are about' })
  entity: string;

  @time('When this instance last stored an event for it (null: none since it started)', true)
  lastEventAt: string | null;

  @time('When this instance last refreshed it from the Crisp REST API (null: never)', true)
  lastRefreshAt: string | null;
}

class StatusReportDto implements Shape<StatusReport> {
  @time('When this snapshot was taken')
  generatedAt: string;

  @ApiProperty({ type: InstanceDto })
  instance: InstanceDto;

  @ApiProperty({ type: RtmDto })
  rtm: RtmDto;

  @ApiProperty({ type: ReconcilerDto })
  reconciler: ReconcilerDto;

  @ApiProperty({ type: EventsDto })
  events: EventsDto;

  @ApiProperty({ type: QuotaDto })
  quota: QuotaDto;

  @ApiProperty({ type: BackfillJobsDto })
  backfill: BackfillJobsDto;

  @ApiProperty({
    type: [FreshnessDto],
    description: 'Each entity beside conversations and messages',
  })
  freshness: FreshnessDto[];
}

/** `GET /status`, for the OpenAPI document. */
export class StatusResponseDto extends EnvelopeDto {
  @ApiProperty({ example: 'Service status' })
  message: string;

  @ApiProperty({ type: StatusReportDto })
  data: StatusReportDto;
}

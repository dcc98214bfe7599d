import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { SESSION_ID_PATTERN, WEBSITE_ID_PATTERN } from '../../common/crisp-identifiers';

export class WebsiteIdParamDto {
  @ApiProperty({
    pattern: WEBSITE_ID_PATTERN.source,
    description: 'Crisp website id',
    example: '11111111-1111-4111-8111-111111111111',
  })
  @Matches(WEBSITE_ID_PATTERN, { message: 'websiteId must be a Crisp website id (a UUID)' })
  websiteId: string;
}

export class WebsiteSessionParamsDto extends WebsiteIdParamDto {
  @ApiProperty({
    pattern: SESSION_ID_PATTERN.source,
    description: 'Crisp session id of the conversation',
    example: 'session_8a3c1f52-5d0e-4b8e-9f7a-2d1c3b4a5e6f',
  })
  @Matches(SESSION_ID_PATTERN, { message: 'sessionId must be a Crisp session id (session_<uuid>)' })
  sessionId: string;
}

export class JobIdParamDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Backfill job id, as a start answered it',
    example: '7b0c5a4e-8f4f-4c55-9d2e-5f0b8c1a2b3c',
  })
  @IsUUID('all', { message: 'jobId must be a UUID' })
  jobId: string;
}

export class SyncWebsiteQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: '`true`: answer 202 with the job at once instead of waiting for the backfill',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'async must be true or false' })
  async?: 'true' | 'false';

  /** The seed accepted `page` and ignored it; kept so that old clients get no 400. */
  @ApiPropertyOptional({
    type: 'string',
    deprecated: true,
    description: 'Ignored; accepted because the seed accepted it',
  })
  @Allow()
  page?: unknown;
}

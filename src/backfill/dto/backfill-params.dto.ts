import { Allow, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { SESSION_ID_PATTERN, WEBSITE_ID_PATTERN } from '../../common/crisp-identifiers';

export class WebsiteIdParamDto {
  @Matches(WEBSITE_ID_PATTERN, { message: 'websiteId must be a Crisp website id (a UUID)' })
  websiteId: string;
}

export class WebsiteSessionParamsDto extends WebsiteIdParamDto {
  @Matches(SESSION_ID_PATTERN, { message: 'sessionId must be a Crisp session id (session_<uuid>)' })
  sessionId: string;
}

export class JobIdParamDto {
  @IsUUID('all', { message: 'jobId must be a UUID' })
  jobId: string;
}

export class SyncWebsiteQueryDto {
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'async must be true or false' })
  async?: 'true' | 'false';

  /** The seed accepted `page` and ignored it; kept so that old clients get no 400. */
  @Allow()
  page?: unknown;
}

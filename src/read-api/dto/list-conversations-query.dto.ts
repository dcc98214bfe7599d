import { IsOptional, IsString, Matches } from 'class-validator';
import { WEBSITE_ID_PATTERN } from '../../common/crisp-identifiers';
import { PageQueryDto } from './page-query.dto';

export class ListConversationsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString({ message: 'websiteId must be a string' })
  @Matches(WEBSITE_ID_PATTERN, { message: 'websiteId must be a Crisp website id (a UUID)' })
  websiteId?: string;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { WEBSITE_ID_PATTERN } from '../../common/crisp-identifiers';
import { PageQueryDto } from './page-query.dto';

export class ListConversationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    pattern: WEBSITE_ID_PATTERN.source,
    description: 'Only the conversations of this Crisp website',
    example: '11111111-1111-4111-8111-111111111111',
  })
  @IsOptional()
  @IsString({ message: 'websiteId must be a string' })
  @Matches(WEBSITE_ID_PATTERN, { message: 'websiteId must be a Crisp website id (a UUID)' })
  websiteId?: string;
}

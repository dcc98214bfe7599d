import { Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import type { ApiResponse } from '../common/api-response';
import { BackfillService } from './backfill.service';
import type { BackfillStatus } from './backfill-status';
import { JobIdParamDto, WebsiteIdParamDto } from './dto/backfill-params.dto';

@Controller('crisp/backfill')
export class BackfillController {
  constructor(private readonly backfill: BackfillService) {}

  /** Starts a backfill of the website, or joins the one already under way. */
  @Post(':websiteId')
  @HttpCode(HttpStatus.ACCEPTED)
  async start(@Param() { websiteId }: WebsiteIdParamDto): Promise<ApiResponse<BackfillStatus>> {
    const { status, created } = await this.backfill.startOrJoin(websiteId);
    return {
      code: HttpStatus.ACCEPTED,
      message: created ? 'Backfill started' : 'Backfill already under way; joined it',
      data: status,
    };
  }

  @Get(':jobId')
  async status(@Param() { jobId }: JobIdParamDto): Promise<ApiResponse<BackfillStatus>> {
    return {
      code: HttpStatus.OK,
      message: 'Backfill status',
      data: await this.backfill.status(jobId),
    };
  }
}

import { Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApiResponse } from '../common/api-response';
import { ApiErrors } from '../openapi/api-error-responses';
import { BackfillService } from './backfill.service';
import type { BackfillStatus } from './backfill-status';
import { JobIdParamDto, WebsiteIdParamDto } from './dto/backfill-params.dto';
import { BackfillJobResponseDto } from './dto/backfill-responses.dto';
import { AdminOnly } from '../auth/access.decorator';

@ApiTags('Backfill')
@Controller('crisp/backfill')
export class BackfillController {
  constructor(private readonly backfill: BackfillService) {}

  /** Starts a backfill of the website, or joins the one already under way. */
  @AdminOnly()
  @Post(':websiteId')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Start a backfill of a website',
    description:
      'Starts a durable backfill of the website (every conversation, every message), or joins the one under way: one active job per website. Answers at once; follow the job at `GET /crisp/backfill/{jobId}`.',
  })
  @ApiAcceptedResponse({
    type: BackfillJobResponseDto,
    description: '`Backfill started`, or `Backfill already under way; joined it`',
  })
  @ApiErrors({ 400: 'A `websiteId` that is not a Crisp website id' })
  async start(@Param() { websiteId }: WebsiteIdParamDto): Promise<ApiResponse<BackfillStatus>> {
    const { status, created } = await this.backfill.startOrJoin(websiteId);
    return {
      code: HttpStatus.ACCEPTED,
      message: created ? 'Backfill started' : 'Backfill already under way; joined it',
      data: status,
    };
  }

  @Get(':jobId')
  @ApiOperation({
    summary: 'Follow a backfill job',
    description:
      "Where the job is (`status`, `phase`), what it did, and an estimate of what is left. `paused`: the day's Crisp request budget is spent, it resumes at `resumeAt`; `failed`: `error` says why.",
  })
  @ApiOkResponse({ type: BackfillJobResponseDto, description: 'The job' })
  @ApiErrors({ 400: 'A `jobId` that is not a UUID', 404: 'No backfill job has this id' })
  async status(@Param() { jobId }: JobIdParamDto): Promise<ApiResponse<BackfillStatus>> {
    return {
      code: HttpStatus.OK,
      message: 'Backfill status',
      data: await this.backfill.status(jobId),
    };
  }
}

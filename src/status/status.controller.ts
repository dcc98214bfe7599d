import { Controller, Get, Header, HttpStatus } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/access.decorator';
import type { ApiResponse } from '../common/api-response';
import { STATUS_PAGE } from './status-page';
import type { StatusReport } from './status-report';
import { StatusResponseDto } from './dto/status-report.dto';
import { StatusService } from './status.service';

@ApiTags('Status')
@Controller()
export class StatusController {
  constructor(private readonly status: StatusService) {}

  /** The page shell holds no data (it asks `GET /status` with the viewer's token), so it is public. */
  @Public()
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', STATUS_PAGE.contentSecurityPolicy)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({
    summary: 'Status page',
    description:
      'An HTML page for people: RTM state, events per minute, Crisp quota, catch-up watermarks and backfill jobs, refreshed every 3 seconds. It holds no data: its script reads `GET /status` with the token given as `/#token=<token>` or typed in.',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page', schema: { type: 'string' } })
  page(): string {
    return STATUS_PAGE.html;
  }

  @Get('status')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Service status',
    description:
      "One snapshot of every moving part, the figures of the status page: this instance, RTM, catch-up watermarks, events per minute, today's Crisp quota, recent backfill jobs.",
  })
  @ApiOkResponse({ type: StatusResponseDto, description: 'The snapshot' })
  async report(): Promise<ApiResponse<StatusReport>> {
    return { code: HttpStatus.OK, message: 'Service status', data: await this.status.report() };
  }
}

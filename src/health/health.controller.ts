import { Controller, Get, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Response } from 'express';
import { Public } from '../auth/access.decorator';
import type { ApiResponse } from '../common/api-response';
import { LivenessResponseDto, ReadinessResponseDto } from './dto/health-responses.dto';
import { MigrationsHealthIndicator } from './migrations.health';
import { MirrorWriterHealthIndicator } from './mirror-writer.health';
import { RtmHealthIndicator } from './rtm.health';

const DATABASE_TIMEOUT_MS = 2_000;
/** The answer shape is the service's envelope, not terminus's: no generated API docs for it. */
const PROBE = { noCache: true, swaggerDocumentation: false };

/**
 * Probes for orchestrators and load balancers; they carry no token, and no rate limit counts
 * them (isExemptFromRateLimits; `@SkipThrottle()` says so to the API docs).
 */
@ApiTags('Health')
@Controller('health')
@Public()
@SkipThrottle()
export class HealthController {
  private readonly logger = new Logger(HealthController.name);
  private lastFailing: string | null = null;

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly migrations: MigrationsHealthIndicator,
    private readonly rtm: RtmHealthIndicator,
    private readonly writer: MirrorWriterHealthIndicator,
  ) {}

  /** Liveness: answering at all is the proof. Nothing is checked, so a slow database never restarts the process. */
  @Get()
  @HealthCheck(PROBE)
  @ApiOperation({
    summary: 'Liveness probe',
    description: 'Answers while the process serves HTTP; checks nothing else.',
  })
  @ApiOkResponse({ type: LivenessResponseDto, description: 'Alive' })
  live(): ApiResponse<{ status: 'ok' }> {
    return { code: 200, message: 'Alive', data: { status: 'ok' } };
  }

  /** Readiness: 503 names every failing check (`database`, `migrations`, `rtm`, `writer`) in `message`. */
  @Get('ready')
  @HealthCheck(PROBE)
  @ApiOperation({
    summary: 'Readiness probe',
    description:
      'Ready when the database answers, every migration is applied, and RTM is connected, deliberately off, or held by another instance (standby).',
  })
  @ApiOkResponse({ type: ReadinessResponseDto, description: 'Ready' })
  @ApiServiceUnavailableResponse({
    type: ReadinessResponseDto,
    description: 'Not ready: `message` names the failing checks, `data` has every check',
  })
  async ready(
    @Res({ passthrough: true }) response: Response,
  ): Promise<ApiResponse<HealthCheckResult>> {
    const result = await this.check();
    const failing = Object.keys(result.error ?? {});
    this.logChange(failing.join(', '), result);
    if (failing.length === 0) return { code: 200, message: 'Ready', data: result };
    response.status(503);
    return { code: 503, message: `Not ready: ${failing.join(', ')}`, data: result };
  }

  /** Probes come every few seconds: only a change of readiness is worth a log line. */
  private logChange(failing: string, result: HealthCheckResult) {
    if (failing === this.lastFailing) return;
    if (failing) this.logger.warn(`Not ready: ${JSON.stringify(result.error)}`);
    else if (this.lastFailing !== null) this.logger.log('Ready again');
    this.lastFailing = failing;
  }

  /** Terminus throws a 503 carrying the result; the result, not the exception, is the answer. */
  private async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database').withTimeout(DATABASE_TIMEOUT_MS),
        () => this.migrations.check('migrations'),
        () => this.rtm.check('rtm'),
        () => this.writer.check('writer'),
      ]);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        return error.getResponse() as HealthCheckResult;
      }
      throw error;
    }
  }
}

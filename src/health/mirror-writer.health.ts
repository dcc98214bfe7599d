import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { MirrorWriterService } from '../realtime/mirror-writer.service';

/**
 * Down when changes have waited longer than `MIRROR_STALL_MS` without any commit: events are
 * arriving but none reaches the database (unreachable, locked, or a write that never ends).
 */
@Injectable()
export class MirrorWriterHealthIndicator {
  constructor(
    private readonly writer: MirrorWriterService,
    private readonly config: AppConfig,
    private readonly health: HealthIndicatorService,
  ) {}

  check<const Key extends string>(key: Key) {
    const stalledMs = this.writer.stalledMs;
    const details = { waiting: this.writer.depth, stalledMs };
    const session = this.health.check(key);
    return stalledMs > this.config.realtime.stallMs ? session.down(details) : session.up(details);
  }
}

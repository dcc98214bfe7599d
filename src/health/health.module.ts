import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RealtimeModule } from '../realtime/realtime.module';
import { HealthController } from './health.controller';
import { MigrationsHealthIndicator } from './migrations.health';
import { MirrorWriterHealthIndicator } from './mirror-writer.health';
import { RtmHealthIndicator } from './rtm.health';

/** `GET /health` (liveness) and `GET /health/ready` (database, migrations, RTM, mirror writer). */
@Module({
  // Probes come every few seconds; the controller logs changes of readiness, not every failure.
  imports: [TerminusModule.forRoot({ logger: false }), RealtimeModule],
  controllers: [HealthController],
  providers: [MigrationsHealthIndicator, RtmHealthIndicator, MirrorWriterHealthIndicator],
})
export class HealthModule {}

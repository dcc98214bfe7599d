import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RealtimeModule } from '../realtime/realtime.module';
import { HealthController } from './health.controller';
import { MigrationsHealthIndicator } from './migrations.health';
import { RtmHealthIndicator } from './rtm.health';

/** `GET /health` (liveness) and `GET /health/ready` (database, migrations, RTM). */
@Module({
  // Probes come every few seconds; the controller logs changes of readiness, not every failure.
  imports: [TerminusModule.forRoot({ logger: false }), RealtimeModule],
  controllers: [HealthController],
  providers: [MigrationsHealthIndicator, RtmHealthIndicator],
})
export class HealthModule {}

import { Module } from '@nestjs/common';
import { CrispModule } from '../crisp/crisp.module';
import { StateMetricsService } from './state-metrics.service';

/**
 * The metrics read from other modules' state. Kept apart from the global MetricsModule, which
 * those modules depend on, so that no module imports one that depends on it.
 */
@Module({
  imports: [CrispModule],
  providers: [StateMetricsService],
})
export class StateMetricsModule {}

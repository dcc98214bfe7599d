import { Global, Module } from '@nestjs/common';
import { EntityFreshnessService } from './entity-freshness.service';

/**
 * Global, like MetricsModule: every door and refresher notes what it stored, and the status page
 * and metrics read it, without a chain of imports between them.
 */
@Global()
@Module({
  providers: [EntityFreshnessService],
  exports: [EntityFreshnessService],
})
export class FreshnessModule {}

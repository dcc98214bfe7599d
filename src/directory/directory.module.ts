import { Module } from '@nestjs/common';
import { DirectoryRepository } from './directory.repository';
import { OperatorAvailabilityRepository } from './operator-availability.repository';

/**
 * Owns `operators`, `inboxes` and `operator_availability`. The mirror writer (RealtimeModule)
 * applies availability events through it; the refresh from REST lives in DirectoryRefreshModule,
 * which needs RealtimeModule in turn, hence two modules rather than one import cycle.
 */
@Module({
  providers: [DirectoryRepository, OperatorAvailabilityRepository],
  exports: [DirectoryRepository, OperatorAvailabilityRepository],
})
export class DirectoryModule {}

import { Module } from '@nestjs/common';
import { BackfillModule } from '../backfill/backfill.module';
import { CrispModule } from '../crisp/crisp.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { PeopleStoreModule } from '../people/people-store.module';
import { PeopleSyncService } from './people-sync.service';

/** Reads contact profiles from Crisp: once per website, then those events tell changed. */
@Module({
  imports: [PeopleStoreModule, CrispModule, RealtimeModule, BackfillModule],
  providers: [PeopleSyncService],
  exports: [PeopleSyncService],
})
export class PeopleSyncModule {}

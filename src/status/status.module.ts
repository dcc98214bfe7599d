import { Module } from '@nestjs/common';
import { BackfillModule } from '../backfill/backfill.module';
import { CrispModule } from '../crisp/crisp.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';

/** `GET /`: a page that shows at a glance how the sync is doing; `GET /status`: its data. */
@Module({
  imports: [RealtimeModule, CrispModule, BackfillModule],
  controllers: [StatusController],
  providers: [StatusService],
})
export class StatusModule {}

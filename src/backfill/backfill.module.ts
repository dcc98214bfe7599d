import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { CrispModule } from '../crisp/crisp.module';
import { SetAsideModule } from '../set-aside/set-aside.module';
import { BackfillBatchStore } from './backfill-batch-store';
import { BackfillJobsRepository } from './backfill-jobs.repository';
import { BackfillMetricsService } from './backfill-metrics.service';
import { BackfillRunnerService } from './backfill-runner.service';
import { BackfillController } from './backfill.controller';
import { BackfillService } from './backfill.service';
import { ConversationSnapshotWriterService } from './conversation-snapshot-writer.service';
import { ConversationSyncService } from './conversation-sync.service';
import { CrispController } from './crisp.controller';
import { WebsiteLockService } from './website-lock.service';

/** Copies a website's whole history from Crisp's REST API: durable, resumable, quota-aware. */
@Module({
  imports: [ConversationsModule, CrispModule, SetAsideModule],
  controllers: [BackfillController, CrispController],
  providers: [
    BackfillService,
    BackfillRunnerService,
    BackfillBatchStore,
    BackfillJobsRepository,
    BackfillMetricsService,
    ConversationSyncService,
    ConversationSnapshotWriterService,
    WebsiteLockService,
  ],
  exports: [
    BackfillService,
    BackfillJobsRepository,
    ConversationSyncService,
    ConversationSnapshotWriterService,
    WebsiteLockService,
  ],
})
export class BackfillModule {}

import { Module } from '@nestjs/common';
import { BackfillModule } from '../backfill/backfill.module';
import { ConversationsModule } from '../conversations/conversations.module';
import { CrispModule } from '../crisp/crisp.module';
import { SetAsideModule } from '../set-aside/set-aside.module';
import { HistoryModule } from '../history/history.module';
import { RatingsModule } from '../ratings/ratings.module';
import { PeopleStoreModule } from '../people/people-store.module';
import { DirectoryModule } from '../directory/directory.module';
import { MirrorBatchApplier } from './mirror-batch-applier.service';
import { CatchUpWebsitesService } from './catch-up-websites.service';
import { ConversationCatchUpService } from './conversation-catch-up.service';
import { ConversationMetadataService } from './conversation-metadata.service';
import { CrispEventIngestService } from './crisp-event-ingest.service';
import { MirrorWriterService } from './mirror-writer.service';
import { ReconcilerService } from './reconciler.service';
import { RealtimeMetricsService } from './realtime-metrics.service';
import { RtmLeaderElectionService } from './rtm-leader-election.service';
import { RtmListenerService } from './rtm-listener.service';
import { SyncStateRepository } from './sync-state.repository';
import { WebhookIntakeService } from './webhook-intake.service';
import { WebhooksController } from './webhooks.controller';

/** Keeps the mirror current: RTM events, signed Web Hooks, and the catch-up reconciler. */
@Module({
  imports: [
    ConversationsModule,
    CrispModule,
    BackfillModule,
    SetAsideModule,
    HistoryModule,
    RatingsModule,
    PeopleStoreModule,
    DirectoryModule,
  ],
  controllers: [WebhooksController],
  providers: [
    MirrorWriterService,
    MirrorBatchApplier,
    CrispEventIngestService,
    ConversationMetadataService,
    ConversationCatchUpService,
    CatchUpWebsitesService,
    RtmListenerService,
    RtmLeaderElectionService,
    ReconcilerService,
    SyncStateRepository,
    WebhookIntakeService,
    RealtimeMetricsService,
  ],
  exports: [
    RtmListenerService,
    ReconcilerService,
    MirrorWriterService,
    CrispEventIngestService,
    WebhookIntakeService,
    CatchUpWebsitesService,
    SyncStateRepository,
  ],
})
export class RealtimeModule {}

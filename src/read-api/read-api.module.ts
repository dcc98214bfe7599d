import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { CrispDbController } from './crisp-db.controller';
import { ReadApiService } from './read-api.service';

/** Serves the mirrored data over HTTP (`/crisp-db/...`). */
@Module({
  imports: [ConversationsModule],
  controllers: [CrispDbController],
  providers: [ReadApiService],
})
export class ReadApiModule {}

import { Module } from '@nestjs/common';
import { ConversationRatingsRepository } from './conversation-ratings.repository';

/** Owns `conversation_ratings`, the visitors' ratings of conversations. */
@Module({
  providers: [ConversationRatingsRepository],
  exports: [ConversationRatingsRepository],
})
export class RatingsModule {}

import { Module } from '@nestjs/common';
import { ConversationEventsRepository } from './conversation-events.repository';

/** Owns `conversation_events`, the log of every change of a conversation. */
@Module({
  providers: [ConversationEventsRepository],
  exports: [ConversationEventsRepository],
})
export class HistoryModule {}

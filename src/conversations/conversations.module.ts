import { Module } from '@nestjs/common';
import { ConversationMessagesRepository } from './conversation-messages.repository';
import { ConversationsRepository } from './conversations.repository';

/** Owns the mirrored conversations and messages: the only module that writes or reads them. */
@Module({
  providers: [ConversationsRepository, ConversationMessagesRepository],
  exports: [ConversationsRepository, ConversationMessagesRepository],
})
export class ConversationsModule {}

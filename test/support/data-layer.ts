import { DataSource } from 'typeorm';
import { ConversationMessagesRepository } from '../../src/conversations/conversation-messages.repository';
import { ConversationsRepository } from '../../src/conversations/conversations.repository';
import type { DatabaseConnection } from '../../src/database/database-connection';
import { typeOrmOptions } from '../../src/schema/typeorm-options';

/** The repositories on a test database, without the HTTP layer. */
export async function openDataLayer(connection: DatabaseConnection, poolSize = 10) {
  const dataSource = new DataSource(typeOrmOptions(connection, { poolSize, runMigrations: false }));
  await dataSource.initialize();
  const conversations = new ConversationsRepository(dataSource);
  const messages = new ConversationMessagesRepository(dataSource, conversations);
  return { dataSource, conversations, messages };
}

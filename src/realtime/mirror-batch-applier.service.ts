import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConversationMessagesRepository } from '../conversations/conversation-messages.repository';
import { ConversationsRepository } from '../conversations/conversations.repository';
import { ConversationEventsRepository } from '../history/conversation-events.repository';
import { ConversationRatingsRepository } from '../ratings/conversation-ratings.repository';
import { PeopleRepository } from '../people/people.repository';
import { OperatorAvailabilityRepository } from '../directory/operator-availability.repository';
import type { MirrorChange } from './mirror-change';

export type CreatedConversation = { websiteId: string; sessionId: string };

/**
 * What one batch of changes does to the database, inside the writer's transaction: conversations
 * first (every other row needs one), then messages, patches, removals, ratings, the change log and operators' availability.
 * Answers the conversations the batch created.
 */
@Injectable()
export class MirrorBatchApplier {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: ConversationMessagesRepository,
    private readonly history: ConversationEventsRepository,
    private readonly ratings: ConversationRatingsRepository,
    private readonly people: PeopleRepository,
    private readonly availability: OperatorAvailabilityRepository,
  ) {}

  async apply(manager: EntityManager, changes: MirrorChange[]): Promise<CreatedConversation[]> {
    const of = <K extends MirrorChange['kind']>(kind: K) =>
      changes.filter(
        (change): change is Extract<MirrorChange, { kind: K }> => change.kind === kind,
      );
    const messages = of('message').map((change) => change.record);
    const stubs = [
      ...of('conversation').map((change) => change.stub),
      ...messages.map(({ session_id, website_id, sync_source }) => ({
        session_id,
        website_id,
        sync_source,
      })),
    ];
    const createdIds = new Set(await this.conversations.ensureExist(stubs, manager));
    if (messages.length > 0) await this.messages.upsertWithin(manager, messages, true);
    const messagePatches = of('message-patch').map((change) => change.patch);
    const messageRemovals = of('message-removed').map((change) => change.removal);
    await this.messages.ensurePlaceholders(manager, [...messagePatches, ...messageRemovals]);
    await this.messages.applyPatches(manager, messagePatches);
    await this.messages.markRemoved(manager, messageRemovals);
    const patches = of('conversation-patch').map((change) => change.patch);
    const removals = of('conversation-removed').map((change) => change.removal);
    await this.history.recordToldChanges(manager, patches);
    await this.conversations.applyPatches(manager, patches);
    await this.conversations.markRemoved(manager, removals);
    await this.history.refineTimes(manager, patches, removals);
    await this.history.recordActorEvents(
      manager,
      of('actor-event').map((change) => change.event),
    );
    await this.people.applyHints(
      manager,
      of('people-hint').map((change) => change.hint),
    );
    await this.ratings.upsert(
      manager,
      of('rating').map((change) => change.rating),
    );
    // In event order: each status closes the one before it.
    await this.availability.apply(
      manager,
      of('operator-availability').map((change) => change.availability),
    );
    return stubs
      .filter((stub) => createdIds.delete(stub.session_id))
      .map((stub) => ({ websiteId: stub.website_id, sessionId: stub.session_id }));
  }
}

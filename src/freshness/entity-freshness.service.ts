import { Injectable } from '@nestjs/common';

/** What the mirror keeps besides conversations and messages, each fed by events or refreshes. */
export const FRESH_ENTITIES = [
  'conversation_events',
  'conversation_ratings',
  'operators',
  'inboxes',
  'operator_availability',
  'people',
] as const;
export type FreshEntity = (typeof FRESH_ENTITIES)[number];

export interface Freshness {
  entity: FreshEntity;
  /** The last event this instance stored for it (null: none since it started). */
  lastEventAt: Date | null;
  /** The last time this instance refreshed it from the REST API (null: never). */
  lastRefreshAt: Date | null;
}

/**
 * How fresh each entity is, as this instance saw it: the status page and `/metrics` show it, so
 * that a dashboard built on ratings or operators can tell an empty day from a stopped feed.
 * In memory, like the other per-instance figures: a restart starts from "none yet".
 */
@Injectable()
export class EntityFreshnessService {
  private readonly events = new Map<FreshEntity, Date>();
  private readonly refreshes = new Map<FreshEntity, Date>();

  noteEvents(entities: Iterable<FreshEntity>, at = new Date()) {
    for (const entity of entities) this.events.set(entity, at);
  }

  noteRefresh(entity: FreshEntity, at = new Date()) {
    this.refreshes.set(entity, at);
  }

  snapshot(): Freshness[] {
    return FRESH_ENTITIES.map((entity) => ({
      entity,
      lastEventAt: this.events.get(entity) ?? null,
      lastRefreshAt: this.refreshes.get(entity) ?? null,
    }));
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AvailabilityDoor, AvailabilitySource, AvailabilityStatus } from './directory-kinds';

/** What one event or snapshot entry says of an operator's availability. */
export interface AvailabilityRecord {
  website_id: string;
  user_id: string;
  status: AvailabilityStatus;
  /** When the status began, as exactly as known (ISO). */
  started_at: string;
  /**
   * A snapshot's read time (ISO): used when `started_at` is older than the open interval's start,
   * since a snapshot is current when read. Events have none: an older event is stale.
   */
  fallback_at?: string;
  source: AvailabilitySource;
  door: AvailabilityDoor;
  /** RTM's arrival time of this event's twin, when RTM told it first (see TwinEvents). */
  twin_observed_at?: string;
}

interface OpenInterval {
  id: string;
  status: AvailabilityStatus;
  started_at: Date;
  door: AvailabilityDoor;
  source: AvailabilitySource;
}

/**
 * Owns every statement on `operator_availability`, inside the caller's transaction: the mirror
 * writer's batch for events, one of its own for a snapshot.
 */
@Injectable()
export class OperatorAvailabilityRepository {
  /**
   * Each record in turn, under a per-operator transaction lock: every instance and both doors
   * then see one open interval at a time. The same status again changes nothing (the other
   * door's copy, a replay, a snapshot that agrees), except that a Web Hook's exact time replaces
   * the RTM arrival time its twin opened the interval with. Locks are taken in key order, so two
   * transactions touching the same operators cannot deadlock.
   */
  async apply(manager: EntityManager, records: AvailabilityRecord[]) {
    const keys = [...new Set(records.map((r) => `${r.website_id}\u0001${r.user_id}`))].sort();
    for (const key of keys) {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `operator_availability:${key}`,
      ]);
    }
    for (const record of records) await this.applyOne(manager, record);
  }

  private async applyOne(manager: EntityManager, record: AvailabilityRecord) {
    const [open]: OpenInterval[] = await manager.query(
      `SELECT id, status, started_at, door, source FROM operator_availability
       WHERE website_id = $1 AND user_id = $2 AND ended_at IS NULL`,
      [record.website_id, record.user_id],
    );
    if (!open) return this.open(manager, record, record.started_at);
    const startedAt = new Date(record.started_at);
    if (open.status === record.status) return this.refineTwin(manager, open, record, startedAt);
    let start = record.started_at;
    if (startedAt < open.started_at) {
      // An event older than the interval it would close is stale: a newer change is stored.
      if (!record.fallback_at || new Date(record.fallback_at) < open.started_at) return;
      start = record.fallback_at;
    }
    await manager.query(`UPDATE operator_availability SET ended_at = $2 WHERE id = $1`, [
      open.id,
      start,
    ]);
    await this.open(manager, record, start);
  }

  private async open(manager: EntityManager, record: AvailabilityRecord, startedAt: string) {
    await manager.query(
      `INSERT INTO operator_availability (website_id, user_id, status, started_at, source, door)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [record.website_id, record.user_id, record.status, startedAt, record.source, record.door],
    );
  }

  /**
   * RTM told the change first and opened the interval at its arrival; its Web Hook twin names
   * Crisp's own time, which replaces it (and the end of the interval before, at the same instant).
   */
  private async refineTwin(
    manager: EntityManager,
    open: OpenInterval,
    record: AvailabilityRecord,
    startedAt: Date,
  ) {
    const twinOpened =
      record.door === 'webhook' &&
      open.door === 'rtm' &&
      open.source === 'event' &&
      record.twin_observed_at !== undefined &&
      new Date(record.twin_observed_at).getTime() === open.started_at.getTime();
    if (!twinOpened || startedAt.getTime() === open.started_at.getTime()) return;
    const [previous]: { id: string; started_at: Date }[] = await manager.query(
      `SELECT id, started_at FROM operator_availability
       WHERE website_id = $1 AND user_id = $2 AND ended_at = $3 ORDER BY id DESC LIMIT 1`,
      [record.website_id, record.user_id, open.started_at],
    );
    if (previous && previous.started_at > startedAt) return;
    if (previous) {
      await manager.query(`UPDATE operator_availability SET ended_at = $2 WHERE id = $1`, [
        previous.id,
        record.started_at,
      ]);
    }
    await manager.query(
      `UPDATE operator_availability SET started_at = $2, door = 'webhook' WHERE id = $1`,
      [open.id, record.started_at],
    );
  }
}

/**
 * The interval rules of `operator_availability`, event by event through the twin pairing, the
 * mapper and the writer's batch as the ingest runs them: one open interval per operator, the
 * same status again no change, the Web Hook's time replacing RTM's arrival whichever door came
 * first, a stale event ignored, and a snapshot agreeing or correcting.
 */
import type { DataSource } from 'typeorm';
import { OperatorAvailabilityRepository } from '../../src/directory/operator-availability.repository';
import { readAvailabilities } from '../../src/directory-refresh/directory-listing.mapper';
import { mapCrispEvent } from '../../src/realtime/crisp-event.mapper';
import { TwinEvents, withTwinTime } from '../../src/realtime/twin-events';
import { openDataLayer } from '../support/data-layer';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const EVENT = 'website:update_operators_availability';

describe('operator availability intervals', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const repository = new OperatorAvailabilityRepository();
  const twins = new TwinEvents();

  beforeAll(async () => {
    database = await createTestDatabase();
    ({ dataSource } = await openDataLayer(database.connection));
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  async function deliver(door: 'rtm' | 'webhook', user_id: string, type: string, ms: number) {
    const mapping = mapCrispEvent(
      withTwinTime(twins, {
        name: EVENT,
        payload: { website_id: 'website-1', user_id, availability: { type } },
        at: new Date(ms),
        door,
      }),
    );
    if (mapping.outcome !== 'changes') throw new Error(`not stored: ${JSON.stringify(mapping)}`);
    const records = mapping.changes.flatMap((c) =>
      c.kind === 'operator-availability' ? [c.availability] : [],
    );
    await dataSource.transaction((manager) => repository.apply(manager, records));
  }

  const intervals = (userId: string) =>
    dataSource
      .query<
        { status: string; started_at: Date; ended_at: Date | null; source: string; door: string }[]
      >(
        `SELECT status, started_at, ended_at, source, door FROM operator_availability
         WHERE user_id = $1 ORDER BY started_at, id`,
        [userId],
      )
      .then((rows) =>
        rows.map((r) => ({
          ...r,
          started_at: r.started_at.getTime() - T0,
          ended_at: r.ended_at && r.ended_at.getTime() - T0,
        })),
      );

  it('opens, closes at the next status’s start, and ignores the same status again', async () => {
    await deliver('webhook', 'u1', 'online', T0);
    await deliver('webhook', 'u1', 'online', T0 + 10);
    await deliver('webhook', 'u1', 'away', T0 + 100);
    await deliver('webhook', 'u1', 'away', T0 + 200);
    expect(await intervals('u1')).toEqual([
      { status: 'online', started_at: 0, ended_at: 100, source: 'event', door: 'webhook' },
      { status: 'away', started_at: 100, ended_at: null, source: 'event', door: 'webhook' },
    ]);
  });

  it('takes the Web Hook’s time whichever door told the change first', async () => {
    await deliver('rtm', 'u2', 'online', T0 + 150);
    await deliver('webhook', 'u2', 'online', T0);
    await deliver('rtm', 'u2', 'offline', T0 + 1_150);
    await deliver('webhook', 'u2', 'offline', T0 + 1_000);
    await deliver('webhook', 'u2', 'away', T0 + 2_000);
    await deliver('rtm', 'u2', 'away', T0 + 2_150);
    expect(await intervals('u2')).toEqual([
      { status: 'online', started_at: 0, ended_at: 1_000, source: 'event', door: 'webhook' },
      { status: 'offline', started_at: 1_000, ended_at: 2_000, source: 'event', door: 'webhook' },
      { status: 'away', started_at: 2_000, ended_at: null, source: 'event', door: 'webhook' },
    ]);
  });

  it('ignores an event older than the open interval, which a newer change opened', async () => {
    await deliver('webhook', 'u3', 'online', T0 + 500);
    await deliver('webhook', 'u3', 'offline', T0 + 100);
    expect(await intervals('u3')).toEqual([
      { status: 'online', started_at: 500, ended_at: null, source: 'event', door: 'webhook' },
    ]);
  });

  it('keeps a snapshot that agrees out, and dates one that disagrees at its since or its read', async () => {
    await deliver('webhook', 'u4', 'online', T0);
    const snapshot = (type: string, since: number, readAt: number) =>
      readAvailabilities(
        'website-1',
        [{ user_id: 'u4', type, time: { for: 300, since: T0 + since } }],
        new Date(T0 + readAt),
      ).rows;
    await dataSource.transaction((m) => repository.apply(m, snapshot('online', -50, 1_000)));
    await dataSource.transaction((m) => repository.apply(m, snapshot('away', 400, 1_000)));
    // A since older than what is stored is contradicted by it: the read time dates the change.
    await dataSource.transaction((m) => repository.apply(m, snapshot('offline', 300, 2_000)));
    expect(await intervals('u4')).toEqual([
      { status: 'online', started_at: 0, ended_at: 400, source: 'event', door: 'webhook' },
      { status: 'away', started_at: 400, ended_at: 2_000, source: 'snapshot', door: 'rest' },
      { status: 'offline', started_at: 2_000, ended_at: null, source: 'snapshot', door: 'rest' },
    ]);
  });

  it('sets aside a status it does not know rather than guessing', () => {
    const mapping = mapCrispEvent({
      name: EVENT,
      payload: { website_id: 'website-1', user_id: 'u5', availability: { type: 'busy' } },
      at: new Date(T0),
      door: 'webhook',
    });
    expect(mapping).toEqual({ outcome: 'set-aside', reason: 'invalid:availability.type' });
  });
});

/**
 * Issue 13 item 5: contact profiles imported once, then read again one by one when events tell
 * they changed, within their share of the daily budget.
 */
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { CrispRestService } from '../../src/crisp/crisp-rest.service';
import type { CrispSimulator, GroundTruth } from '../../tools/crisp-simulator';
import { createAppOnSimulator, eventually } from '../support/crisp-test-setup';
import { startSimulatedWebsite } from '../support/simulated-website';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';

jest.setTimeout(60_000);

const SECRET = 'people-webhook-secret';
const PROFILE_READ = 'GET /website/:website_id/people/profile/:people_id';
const PAGE_READ = 'GET /website/:website_id/people/profiles/:page';

async function startOnSimulator(seed: number, variables: Record<string, string>) {
  const site = await startSimulatedWebsite(seed, 45, () => 1);
  const database = await createTestDatabase();
  const app = await createAppOnSimulator(database.connection, site.simulator.restUrl, {
    CRISP_WEBHOOK_SECRET: SECRET,
    CRISP_WEBSITE_IDS: site.websiteId,
    RECONCILE_INTERVAL_MS: '0',
    PEOPLE_REFRESH_DEBOUNCE_MS: '200',
    ...variables,
  });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  site.simulator.configureWebhook({
    url: `http://127.0.0.1:${port}/crisp/webhooks`,
    secret: SECRET,
  });
  return { ...site, database, app, dataSource: app.get(DataSource) };
}

const callsTo = (app: INestApplication, route: string) =>
  app.get(CrispRestService).stats.snapshot()[route]?.ok ?? 0;

describe('people profiles', () => {
  let truth: GroundTruth;
  let websiteId: string;
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let app: INestApplication;
  let dataSource: DataSource;

  beforeAll(async () => {
    ({ truth, websiteId, simulator, database, app, dataSource } = await startOnSimulator(71, {}));
  });
  afterAll(async () => {
    await app?.close();
    await simulator?.stop();
    await database?.drop();
  });

  const stored = () =>
    dataSource.query<{ people_id: string; email: string; nickname: string; removed: boolean }[]>(
      `SELECT people_id, email, nickname, removed_at IS NOT NULL AS removed FROM people
       WHERE website_id = $1 ORDER BY people_id`,
      [websiteId],
    );

  it('imports every profile of the website once, page by page', async () => {
    const expected = truth.people
      .list(websiteId, 'created_at')
      .map((p) => ({
        people_id: p.people_id,
        email: p.email,
        nickname: p.person.nickname,
        removed: false,
      }))
      .sort((a, b) => (a.people_id < b.people_id ? -1 : 1));
    expect(expected.length).toBeGreaterThan(20);
    await eventually(async () => expect(await stored()).toEqual(expected));
    // Two pages of 20 and the empty one that ends the list.
    expect(callsTo(app, PAGE_READ)).toBe(Math.ceil(expected.length / 20) + 1);
  });

  it('reads a profile again once for a burst of changes, and marks a removed one', async () => {
    const [first, second] = truth.people.list(websiteId, 'created_at');
    const before = callsTo(app, PROFILE_READ);
    for (const nickname of ['Ana', 'Ana B.', 'Ana Berg']) {
      simulator.mutate((t) => t.people.updateProfile(websiteId, first.people_id, { nickname }));
    }
    simulator.mutate((t) => t.people.removeProfile(websiteId, second.people_id));
    await eventually(async () => {
      const rows = await stored();
      expect(rows.find((row) => row.people_id === first.people_id)?.nickname).toBe('Ana Berg');
      expect(rows.find((row) => row.people_id === second.people_id)?.removed).toBe(true);
    });
    expect(callsTo(app, PROFILE_READ) - before).toBe(1);
  });
});

describe('people within their share of the daily budget', () => {
  it('stop when their share is spent, while messages still sync', async () => {
    // 100 requests a day, 1 % for people: one page, then the import waits for the next day.
    const site = await startOnSimulator(72, {
      CRISP_DAILY_REQUEST_BUDGET: '100',
      CRISP_PEOPLE_BUDGET_SHARE: '1',
    });
    try {
      await eventually(async () =>
        expect(await site.dataSource.query('SELECT count(*)::int AS n FROM people')).toEqual([
          { n: 20 },
        ]),
      );
      const [session] = [...site.truth.getWebsite(site.websiteId)!.conversations.keys()];
      site.simulator.mutate((t) =>
        t.addMessage(site.websiteId, session, { from: 'user', content: 'still synced' }),
      );
      await eventually(async () =>
        expect(
          await site.dataSource.query(
            `SELECT count(*)::int AS n FROM conversation_messages WHERE content = 'still synced'`,
          ),
        ).toEqual([{ n: 1 }]),
      );
      expect(callsTo(site.app, PAGE_READ)).toBe(1);
    } finally {
      await site.app.close();
      await site.simulator.stop();
      await site.database.drop();
    }
  });
});

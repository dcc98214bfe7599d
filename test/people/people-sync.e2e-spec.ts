/**
 * Issue 13 item 5: contact profiles imported once, then read again one by one when events tell
 * they changed, within their share of the daily budget.
 */
import { startAppOnSimulator, type AppOnSimulator } from '../support/app-on-simulator';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CrispRestService } from '../../src/crisp/crisp-rest.service';
import type { CrispSimulator, GroundTruth } from '../../tools/crisp-simulator';
import { eventually } from '../support/crisp-test-setup';

jest.setTimeout(60_000);

const PROFILE_READ = 'GET /website/:website_id/people/profile/:people_id';
const PAGE_READ = 'GET /website/:website_id/people/profiles/:page';

const startOnSimulator = (seed: number, variables: Record<string, string>) =>
  startAppOnSimulator(
    { seed, conversations: 45, messagesOf: () => 1 },
    { PEOPLE_REFRESH_DEBOUNCE_MS: '200', CRISP_PEOPLE_BUDGET_SHARE: '20', ...variables },
  );

const callsTo = (app: INestApplication, route: string) =>
  app.get(CrispRestService).stats.snapshot()[route]?.ok ?? 0;

describe('people profiles', () => {
  let site: AppOnSimulator | undefined;
  let truth: GroundTruth;
  let websiteId: string;
  let simulator: CrispSimulator;
  let app: INestApplication;
  let dataSource: DataSource;

  beforeAll(async () => {
    site = await startOnSimulator(71, {});
    ({ truth, websiteId, simulator, app, dataSource } = site);
  });
  afterAll(() => site?.close());

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
      await site.close();
    }
  });
});

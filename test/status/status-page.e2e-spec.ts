import { FRESH_ENTITIES } from '../../src/freshness/entity-freshness.service';
import type { INestApplication } from '@nestjs/common';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import type { App } from 'supertest/types';
import { RtmListenerService } from '../../src/realtime/rtm-listener.service';
import type { StatusReport } from '../../src/status/status-report';
import { CrispSimulator, GroundTruth } from '../../tools/crisp-simulator';
import { createAppOnSimulator, eventually } from '../support/crisp-test-setup';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { launchHeadlessChromium } from '../support/chromium-executable';

jest.setTimeout(120_000);

const SCREENSHOT = resolve('test-output/status-page.png');
/** The simulator's name for the route (its own template, not the service's). */
const MESSAGES_ROUTE = 'GET /website/:id/conversation/:sid/messages';
const BACKFILL_CONVERSATIONS = 40;

/** The value with every leaf replaced by its type: the JSON's shape, to compare exactly. */
function typesOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(typesOf);
  if (value === null) return 'null';
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, typesOf(inner)]));
  }
  return typeof value;
}

describe('status page (GET / in headless Chromium, GET /status)', () => {
  let truth: GroundTruth;
  let liveWebsiteId: string;
  let backfillWebsiteId: string;
  let simulator: CrispSimulator;
  let database: TestDatabase;
  let app: INestApplication;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    truth = new GroundTruth({ seed: 53 });
    liveWebsiteId = truth.addWebsite().website_id;
    backfillWebsiteId = truth.addWebsite().website_id;
    for (let i = 0; i < 3; i += 1) {
      truth.addSyntheticConversation(liveWebsiteId, {
        messageCount: 2,
        createdAt: Date.now() - 600_000 + i * 1000,
      });
    }
    for (let i = 0; i < BACKFILL_CONVERSATIONS; i += 1) {
      truth.addSyntheticConversation(backfillWebsiteId, {
        messageCount: 3,
        createdAt: Date.UTC(2025, 0, 1) + i * 60_000,
      });
    }
    simulator = new CrispSimulator({ seed: 53, truth });
    await simulator.start();
    database = await createTestDatabase();
    app = await createAppOnSimulator(database.connection, simulator.restUrl, {
      CRISP_RTM_ENABLED: 'true',
      CRISP_WEBSITE_IDS: liveWebsiteId,
      RECONCILE_INTERVAL_MS: '0',
      RECONCILE_LOOKBACK_MS: '3600000',
    });
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    await eventually(() => expect(app.get(RtmListenerService).state).toBe('connected'));
    browser = await launchHeadlessChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await simulator?.stop();
    await database?.drop();
  });

  const server = () => app.getHttpServer() as App;
  const status = async () => {
    const response = await request(server()).get('/status').expect(200);
    return (response.body as { data: StatusReport }).data;
  };

  /** A page that fails the test on any script error or CSP violation it reports. */
  async function openPage(path = '/'): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    await page.goto(`${baseUrl}${path}`);
    return { page, problems };
  }

  /** Live events over RTM on the reconciled website: a new conversation and a few messages. */
  function driveLiveEvents(): number {
    const { session_id: sessionId } = simulator.mutate((t) => t.newConversation(liveWebsiteId));
    for (let i = 0; i < 4; i += 1) {
      simulator.mutate((t) =>
        t.addMessage(liveWebsiteId, sessionId, {
          from: i % 2 ? 'operator' : 'user',
          content: `<b>message ${i}</b>`,
        }),
      );
    }
    return 5;
  }

  it('GET / serves the page shell to anyone, locked down by its content security policy', async () => {
    const response = await request(server()).get('/').expect(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toMatch(
      /default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'/,
    );
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.text).toContain('<title>Crisp mirror status</title>');
  });

  it('GET /status reports RTM, the reconciler watermark, events, quota and backfill jobs', async () => {
    const before = await status();
    const driven = driveLiveEvents();
    await eventually(async () => {
      const report = await status();
      expect(report.events.perMinute).toBeGreaterThanOrEqual(before.events.perMinute + driven);
      expect(report.reconciler.websites.map((website) => website.websiteId)).toEqual([
        liveWebsiteId,
      ]);
    });
    const report = await status();
    expect(
      typesOf({ ...report, events: { ...report.events, totalByType: {} }, freshness: [] }),
    ).toEqual({
      generatedAt: 'string',
      instance: { startedAt: 'string', version: 'string', leader: 'boolean' },
      rtm: { state: 'string', connectedAt: 'string', lastEventAt: 'string' },
      reconciler: {
        websites: [{ websiteId: 'string', watermark: 'string', ageSeconds: 'number' }],
      },
      events: { perMinute: 'number', totalByType: {} },
      quota: {
        day: 'string',
        usedToday: 'number',
        dailyBudget: 'number',
        left: 'number',
        callsThisInstance: 'number',
      },
      backfill: { jobs: [] },
      freshness: [],
    });
    expect(report.freshness.map((row) => row.entity)).toEqual([...FRESH_ENTITIES]);
    expect(report.instance.leader).toBe(true);
    expect(report.rtm.state).toBe('connected');
    expect(report.reconciler.websites[0].websiteId).toBe(liveWebsiteId);
    expect(report.quota).toMatchObject({
      day: new Date().toISOString().slice(0, 10),
      dailyBudget: 5000,
      left: 5000 - report.quota.usedToday,
    });
    expect(report.events.totalByType['message:send']).toBeGreaterThanOrEqual(2);
    expect(report.events.totalByType['message:received']).toBeGreaterThanOrEqual(2);
    // The catch-up at connect spent requests; they were taken from the shared daily budget.
    expect(report.quota.callsThisInstance).toBeGreaterThan(0);
    expect(report.quota.usedToday).toBeGreaterThanOrEqual(report.quota.callsThisInstance);
    expect(Date.parse(report.rtm.lastEventAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('renders live values in headless Chromium, with a moving backfill progress bar', async () => {
    driveLiveEvents();
    // Slow message reads so the backfill is still running when the page is looked at.
    simulator.faults.setLatency(1_000, MESSAGES_ROUTE);
    await request(server()).post(`/crisp/backfill/${backfillWebsiteId}`).expect(202);
    const { page, problems } = await openPage();
    const job = page.locator(`tr.job[data-job-id]`, { hasText: backfillWebsiteId });
    const jobBar = job.locator('[role=progressbar]');
    try {
      // Polled from here: the page's policy forbids the eval that in-page polling would need.
      await page.waitForSelector('#rtm-state.state-connected', { timeout: 30_000 });
      await eventually(
        async () => {
          expect(Number(await page.textContent('#events-per-minute'))).toBeGreaterThan(0);
          const done = Number(await jobBar.getAttribute('aria-valuenow', { timeout: 1_000 }));
          expect(done).toBeGreaterThan(0);
          expect(done).toBeLessThan(1);
        },
        60_000,
        200,
      );
      const report = await status();
      expect(await page.textContent('#rtm-state')).toBe('connected');
      expect(await page.getAttribute('#rtm-state', 'class')).toContain('state-connected');
      expect(await page.textContent('#rtm-last-event')).toMatch(/^\d+ s ago$/);
      expect(Number(await page.textContent('#events-per-minute'))).toBeGreaterThanOrEqual(5);
      expect(await page.textContent('#quota-budget')).toBe('5,000');
      const quotaUsed = Number((await page.textContent('#quota-used'))!.replace(/,/g, ''));
      expect(quotaUsed).toBeGreaterThan(0);
      expect(quotaUsed).toBeLessThanOrEqual(report.quota.usedToday);
      expect(await page.textContent('#reconciler-rows')).toContain(liveWebsiteId);
      expect(await job.getAttribute('data-state')).toBe('running');
      expect(await job.textContent()).toMatch(new RegExp(`\\d+ / ${BACKFILL_CONVERSATIONS}`));

      await mkdir(resolve('test-output'), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      console.log(`Status page screenshot: ${SCREENSHOT}`);

      simulator.faults.setLatency(null);
      await page.waitForSelector('tr.job[data-state=completed]', { timeout: 60_000 });
      expect(await jobBar.getAttribute('aria-valuenow')).toBe('1.000');
      expect(await job.textContent()).toContain(
        `${BACKFILL_CONVERSATIONS} / ${BACKFILL_CONVERSATIONS}`,
      );
      expect(problems).toEqual([]);
    } finally {
      simulator.faults.setLatency(null);
      await page.close();
    }
  });

  it('takes a token from the URL fragment, sends it as a bearer token and drops it from the URL', async () => {
    const authorizations: (string | undefined)[] = [];
    const page = await browser.newPage();
    page.on('request', (sent) => {
      if (new URL(sent.url()).pathname === '/status') {
        authorizations.push(sent.headers()['authorization']);
      }
    });
    try {
      await page.goto(`${baseUrl}/#token=read%20token`);
      await page.waitForSelector('#rtm-state.state-connected');
      expect(authorizations[0]).toBe('Bearer read token');
      expect(new URL(page.url()).hash).toBe('');
    } finally {
      await page.close();
    }
  });

  it('renders every value as text, never as markup', async () => {
    const hostile = '<img src=x onerror="document.title=1">';
    const report = await status();
    const page = await browser.newPage();
    await page.route('**/status', (route) =>
      route.fulfill({
        json: {
          code: 200,
          message: 'Service status',
          data: {
            ...report,
            reconciler: { websites: [{ websiteId: hostile, watermark: hostile, ageSeconds: 1 }] },
            backfill: {
              jobs: [
                {
                  id: hostile,
                  websiteId: hostile,
                  state: 'failed',
                  phase: 'messages',
                  conversationsDone: 1,
                  conversationsTotal: 2,
                  totalKnown: true,
                  messagesDone: 3,
                  requestsSpent: 4,
                  estimatedSecondsLeft: null,
                  progress: 0.5,
                  error: hostile,
                  resumeAt: null,
                  createdAt: report.generatedAt,
                  finishedAt: report.generatedAt,
                },
              ],
            },
          },
        },
      }),
    );
    try {
      await page.goto(`${baseUrl}/`);
      await page.waitForSelector('tr.job[data-state=failed]');
      expect(await page.locator('img').count()).toBe(0);
      expect(await page.textContent('#reconciler-rows')).toContain(hostile);
      expect(await page.textContent('tr.job')).toContain(hostile);
      expect(await page.getAttribute('tr.job [role=progressbar]', 'aria-valuenow')).toBe('0.500');
    } finally {
      await page.close();
    }
  });

  it('says a token is needed when /status answers 401, and retries with the one typed in', async () => {
    const page = await browser.newPage();
    const sent: (string | undefined)[] = [];
    await page.route('**/status', async (route) => {
      const authorization = route.request().headers()['authorization'];
      sent.push(authorization);
      if (authorization === 'Bearer good') await route.continue();
      else await route.fulfill({ status: 401, json: { code: 401, message: 'no', data: null } });
    });
    try {
      await page.goto(`${baseUrl}/`);
      await page.waitForSelector('#message:not([hidden])');
      expect(await page.textContent('#message')).toContain('needs an API token');
      expect(await page.isVisible('#token-form')).toBe(true);
      await page.fill('#token-input', 'good');
      await page.click('#token-form button[type=submit]');
      await page.waitForSelector('#rtm-state.state-connected');
      expect(await page.isHidden('#message')).toBe(true);
      expect(await page.isHidden('#token-form')).toBe(true);
      expect(sent[0]).toBeUndefined();
      expect(sent).toContain('Bearer good');
    } finally {
      await page.close();
    }
  });
});

/**
 * The directory's scheduled refresh, and a spent Crisp budget pausing it: no request at all,
 * explicit or scheduled, while the message mirror goes on (events cost no request and are
 * stored as ever, availability events included).
 */
import { DirectoryRefreshService } from '../../src/directory-refresh/directory-refresh.service';
import { DEFAULT_CREDENTIAL } from '../../tools/crisp-simulator';
import { eventually } from '../support/crisp-test-setup';
import { startDirectoryApp, type DirectoryApp } from './directory-start';

jest.setTimeout(120_000);

const BUDGET = 1_000;
const SCHEDULE_MS = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DIRECTORY_ROUTES = [
  'GET /website/:id/operators/list',
  'GET /website/:id/inboxes/list/:page',
  'GET /website/:id/availability/operators',
];

describe('the directory refresh with the day’s budget spent', () => {
  let d: DirectoryApp;

  beforeAll(async () => {
    d = await startDirectoryApp(89, {
      CRISP_DAILY_REQUEST_BUDGET: String(BUDGET),
      DIRECTORY_REFRESH_MS: String(SCHEDULE_MS),
    });
  });

  afterAll(() => d?.close());

  const directoryRequests = () =>
    DIRECTORY_ROUTES.reduce((sum, route) => sum + d.simulator.faults.count(route), 0);

  it('lists operators and inboxes again on schedule', async () => {
    await eventually(() =>
      expect(d.simulator.faults.count('GET /website/:id/operators/list')).toBeGreaterThanOrEqual(3),
    );
  });

  it('pauses the refresh without a request while messages still sync', async () => {
    // Every instance's share of today's budget, spent.
    await d.dataSource.query(
      `UPDATE crisp_request_budget SET used = $1 WHERE day = current_date AND scope = $2`,
      [BUDGET, `plugin:${DEFAULT_CREDENTIAL.identifier}`],
    );
    const [{ used }]: { used: number }[] = await d.dataSource.query(
      `SELECT used FROM crisp_request_budget WHERE scope = $1`,
      [`plugin:${DEFAULT_CREDENTIAL.identifier}`],
    );
    expect(used).toBe(BUDGET);
    // Queued behind any scheduled refresh under way, so nothing is in flight once it answers.
    const refresh = d.app.get(DirectoryRefreshService);
    await expect(refresh.refresh('test', ['operators', 'inboxes', 'availability'])).resolves.toBe(
      'paused',
    );
    const before = directoryRequests();
    // Neither the explicit refresh nor the scheduled ones (several periods) made a request.
    await sleep(5 * SCHEDULE_MS);
    expect(directoryRequests()).toBe(before);
    expect(
      d.logs.lines.some((line) => String(line.msg).startsWith('Directory refresh paused')),
    ).toBe(true);

    const [sessionId] = d.truth.getWebsite(d.websiteId)!.conversations.keys();
    const { message } = d.simulator.mutate((truth) =>
      truth.addMessage(d.websiteId, sessionId, { from: 'user', content: 'still mirrored' }),
    );
    await eventually(async () =>
      expect(
        await d.dataSource.query(
          `SELECT content FROM conversation_messages WHERE session_id = $1 AND fingerprint = $2`,
          [sessionId, message.fingerprint],
        ),
      ).toEqual([{ content: 'still mirrored' }]),
    );
    // An availability event is still applied: only the REST reads pause.
    const [first] = d.truth.directory.availabilities(d.websiteId);
    const next = first.type === 'online' ? 'offline' : 'online';
    d.simulator.mutate((truth) =>
      truth.directory.setAvailability(d.websiteId, first.user_id, next),
    );
    await eventually(async () =>
      expect(
        await d.dataSource.query(
          `SELECT status FROM operator_availability WHERE user_id = $1 AND ended_at IS NULL`,
          [first.user_id],
        ),
      ).toEqual([{ status: next }]),
    );
    expect(directoryRequests()).toBe(before);
  });
});

/**
 * The service reads `GET …/messages` and the catch-up's listing with a request of its own
 * (src/crisp/crisp-http-request.ts), to see the status and `Bloom-Status` that crisp-api hides.
 * Whatever Crisp answers, it must resolve to what crisp-api resolves and fail as crisp-api
 * fails, once both are classified, so that retries, budgets and errors behave alike.
 */
import type { Crisp } from 'crisp-api';
import { classifyCrispFailure, type CrispApiError } from '../../src/crisp/crisp-api-error';
import { crispGet } from '../../src/crisp/crisp-http-request';
import {
  CrispSimulator,
  DEFAULT_CREDENTIAL,
  GroundTruth,
  type ScriptStep,
} from '../../tools/crisp-simulator';
import { createClient } from './crisp-client-helpers';

const ROUTE = 'GET /website/:id/conversation/:sid/messages';

describe('the service’s own Crisp request against crisp-api', () => {
  const truth = new GroundTruth({ seed: 51 });
  const { website_id: websiteId } = truth.addWebsite();
  const sessionId = truth.addSyntheticConversation(websiteId, {
    messageCount: 45,
    createdAt: Date.UTC(2025, 1, 1),
    rng: truth.rng,
  }).session_id;
  const sim = new CrispSimulator({ seed: 51, truth });
  let client: Crisp;
  const auth = {
    tier: DEFAULT_CREDENTIAL.tier,
    identifier: DEFAULT_CREDENTIAL.identifier,
    key: DEFAULT_CREDENTIAL.key,
  };
  const own = (session = sessionId, before?: number) =>
    crispGet<unknown[]>(
      sim.restUrl,
      auth,
      ['website', websiteId, 'conversation', session, 'messages'],
      { timestamp_before: before },
    );
  const official = (session = sessionId, before?: number) =>
    client.website.getMessagesInConversation(websiteId, session, before);

  beforeAll(async () => {
    await sim.start();
    client = createClient(sim.restUrl);
  });
  afterAll(() => sim.stop());

  async function failureOf(call: () => Promise<unknown>): Promise<Partial<CrispApiError>> {
    try {
      await call();
    } catch (rejection) {
      const { kind, status, reason } = classifyCrispFailure(rejection, ROUTE);
      return { kind, status, reason };
    }
    throw new Error('expected the call to fail');
  }

  it('resolves the same messages, with the status crisp-api drops', async () => {
    const latest = await own();
    expect(latest.data).toEqual(await official());
    expect(latest.status).toBe(206);
    const older = await own(sessionId, (latest.data[0] as { timestamp: number }).timestamp);
    expect(older.data).toEqual(
      await official(sessionId, (latest.data[0] as { timestamp: number }).timestamp),
    );
    expect(older.status).toBe(200);
  });

  const faults: [string, ScriptStep][] = [
    ['429 with a JSON body', 429],
    ['429 with a text body', { kind: 'status', status: 429, body: 'text' }],
    ['420', 420],
    ['500 with an empty body', { kind: 'status', status: 500, body: 'empty' }],
    ['503', 503],
    ['a dropped connection', { kind: 'timeout', hangMs: 50 }],
  ];
  it.each(faults)('fails like crisp-api on %s', async (_name, step) => {
    sim.faults.script([step], ROUTE);
    const expected = await failureOf(() => official());
    sim.faults.script([step], ROUTE);
    expect(await failureOf(() => own())).toEqual(expected);
  });

  it('fails like crisp-api for a conversation that does not exist, and for bad credentials', async () => {
    const missing = 'session_00000000-0000-4000-8000-000000000000';
    expect(await failureOf(() => own(missing))).toEqual(await failureOf(() => official(missing)));
    const wrong = { ...auth, key: 'wrong' };
    const refused = await failureOf(() =>
      crispGet(sim.restUrl, wrong, ['website', websiteId, 'conversation', sessionId, 'messages']),
    );
    expect(refused).toMatchObject({ kind: 'unauthorized', status: 401 });
  });
});

/**
 * Issue 12 item 8: a Web Hook's signature (Plugin Hooks) or key (Website Hooks) is checked
 * before its body is parsed, so an unverified body costs no parsing, whatever it holds or weighs.
 */
import { signHook } from '../../tools/crisp-simulator';
import { useSuiteApp } from '../support/suite-app';

jest.setTimeout(60_000);

const SECRET = 'parse-after-signature-hook-secret';
const KEY = 'parse-after-key-website-hook-key-0123456789';
const NOT_JSON = '{"website_id": "w", "event": ';
const OVER_A_MEGABYTE = JSON.stringify({
  event: 'message:send',
  data: { big: 'x'.repeat(1_200_000) },
});
const POLLUTING =
  '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}';
const DEEP = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
/** Well-formed hex, the right length, signed with another secret. */
const forged = (timestamp: string, body: string) => signHook('another-secret', timestamp, body);

describe('Web Hooks: signature or key before the body is parsed', () => {
  const { http } = useSuiteApp({ CRISP_WEBHOOK_SECRET: SECRET, CRISP_WEBSITE_HOOK_KEY: KEY });
  afterAll(() => jest.restoreAllMocks());

  const pluginHook = (
    body: string,
    signature?: (timestamp: string) => string,
    path = '/crisp/webhooks',
  ) => {
    const timestamp = String(Date.now());
    let call = http().post(path).set('Content-Type', 'application/json');
    if (signature) {
      call = call
        .set('X-Crisp-Request-Timestamp', timestamp)
        .set('X-Crisp-Signature', signature(timestamp));
    }
    return call.send(body);
  };
  const signed = (body: string) => (timestamp: string) => signHook(SECRET, timestamp, body);
  const websiteHook = (key: string, body: string) =>
    http()
      .post(`/crisp/webhooks/website?key=${key}`)
      .set('Content-Type', 'application/json')
      .send(body);

  it('answers 401, not 400, to an unsigned or badly signed body that is not JSON', async () => {
    for (const signature of [undefined, (timestamp: string) => forged(timestamp, NOT_JSON)]) {
      const response = await pluginHook(NOT_JSON, signature);
      expect(response.status).toBe(401);
      expect((response.body as { message: string }).message).toMatch(/^Web Hook signature /);
    }
    expect((await websiteHook(`${KEY}x`, NOT_JSON)).status).toBe(401);
  });

  it('answers 401, not 413, to an unsigned or badly signed body above 1 MB', async () => {
    expect((await pluginHook(OVER_A_MEGABYTE)).status).toBe(401);
    const forgedBig = await pluginHook(OVER_A_MEGABYTE, (timestamp) =>
      forged(timestamp, OVER_A_MEGABYTE),
    );
    expect(forgedBig.status).toBe(401);
    expect((await websiteHook('wrong', OVER_A_MEGABYTE)).status).toBe(401);
  });

  it('never hands an unverified body to JSON.parse, however it is crafted', async () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      for (const body of [POLLUTING, DEEP]) {
        expect((await pluginHook(body)).status).toBe(401);
        expect((await pluginHook(body, (timestamp) => forged(timestamp, body))).status).toBe(401);
        expect((await websiteHook('wrong', body)).status).toBe(401);
        // Express routes any case and a trailing slash to the same controller.
        expect((await pluginHook(body, undefined, '/CRISP/Webhooks/')).status).toBe(401);
      }
      const parsed = parse.mock.calls.map(([text]) => text);
      expect(parsed).not.toContain(POLLUTING);
      expect(parsed).not.toContain(DEEP);
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    } finally {
      parse.mockRestore();
    }
  });

  it('still takes a signed hook, and judges its body only then: 200, 400 when not JSON, 413 above 1 MB', async () => {
    const hook = JSON.stringify({ website_id: 'w', event: 'website:users:available', data: {} });
    expect((await pluginHook(hook, signed(hook))).status).toBe(200);
    expect((await pluginHook(hook, signed(hook), '/CRISP/Webhooks/')).status).toBe(200);
    const notJson = await pluginHook(NOT_JSON, signed(NOT_JSON));
    expect(notJson.status).toBe(400);
    expect((notJson.body as { message: string }).message).toBe('Request body is not valid JSON');
    const big = await pluginHook(OVER_A_MEGABYTE, signed(OVER_A_MEGABYTE));
    expect(big.status).toBe(413);
    // A signature over other bytes than those sent is refused, however well-formed.
    expect((await pluginHook(`${hook} `, signed(hook))).status).toBe(401);
    expect((await websiteHook(KEY, hook)).status).toBe(200);
    expect((await websiteHook(KEY, NOT_JSON)).status).toBe(400);
    expect((await websiteHook(KEY, OVER_A_MEGABYTE)).status).toBe(413);
  });

  it('keeps the global JSON parser for every other route', async () => {
    const response = await http()
      .post('/crisp/backfill/website-1')
      .set('Content-Type', 'application/json')
      .send(NOT_JSON);
    expect(response.status).toBe(400);
  });
});

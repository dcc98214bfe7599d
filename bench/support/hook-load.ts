import { Agent, request } from 'node:http';
import { signHook } from '../../tools/crisp-simulator';

/** Crisp gives up on a hook at some point too; an answer that never comes counts as status 0. */
const ANSWER_TIMEOUT_MS = 10_000;

export interface HookLoad {
  port: number;
  path: string;
  secret: string;
  websiteId: string;
  /** The conversation of the i-th hook (known already, so no hook costs a Crisp call). */
  sessionOf: (i: number) => string;
  rate: number;
  seconds: number;
  /** > 0: every n-th hook carries a NUL byte. */
  poisonEvery?: number;
}

export interface HookLoadResult {
  sent: number;
  non2xx: number;
  /** Answers other than 2xx, by status (0: no answer). */
  others: Map<number, number>;
  p50: number;
  p99: number;
  max: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(load: HookLoad, body: string, timestamp: string): Promise<number> {
  return new Promise((done) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: load.port,
        path: load.path,
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/json',
          'X-Crisp-Request-Timestamp': timestamp,
          'X-Crisp-Signature': signHook(load.secret, timestamp, body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => done(response.statusCode ?? 0));
      },
    );
    req.setTimeout(ANSWER_TIMEOUT_MS, () => req.destroy());
    req.on('error', () => done(0));
    req.end(body);
  });
}

let nextFingerprint = 170_000_000_000_000;

function messageHook(load: HookLoad, i: number, poisoned: boolean, now: number): string {
  return JSON.stringify({
    website_id: load.websiteId,
    event: 'message:send',
    data: {
      website_id: load.websiteId,
      session_id: load.sessionOf(i),
      type: 'text',
      from: 'user',
      origin: 'chat',
      content: poisoned ? `hook ${i} \u0000 nul` : `hook ${i}`,
      fingerprint: (nextFingerprint += 1),
      timestamp: now,
      user: { user_id: load.sessionOf(i), nickname: 'Bench' },
      stamped: true,
    },
    timestamp: now,
  });
}

/**
 * Signed `message:send` hooks at `rate` per second for `seconds`, open loop (each leaves at its
 * scheduled time whatever the answers do, as Crisp sends them); the service answers after the
 * commit, so the answer time is the commit time a sender sees.
 */
export async function sendHooks(load: HookLoad): Promise<HookLoadResult> {
  const total = load.rate * load.seconds;
  const poisonEvery = load.poisonEvery ?? 0;
  const latencies: number[] = [];
  const others = new Map<number, number>();
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const wait = started + (i * 1000) / load.rate - performance.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    const now = Date.now();
    const body = messageHook(load, i, poisonEvery > 0 && i % poisonEvery === poisonEvery - 1, now);
    const sent = performance.now();
    pending.push(
      post(load, body, String(now)).then((status) => {
        if (status < 200 || status > 299) others.set(status, (others.get(status) ?? 0) + 1);
        latencies.push(performance.now() - sent);
      }),
    );
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))];
  const non2xx = [...others.values()].reduce((sum, count) => sum + count, 0);
  return { sent: total, non2xx, others, p50: at(0.5), p99: at(0.99), max: at(1) };
}

/** Closes the keep-alive connections, so that the bench process can exit. */
export function closeHookConnections(): void {
  agent.destroy();
}

/**
 * Delivers events as Crisp Plugin Hooks (crisp-protocol.md §1.4 and §6 item 11), or as Website
 * Hooks, which Crisp does not sign: no `X-Crisp-Signature`, the receiver's own `?key=` in `url`
 * (docs.crisp.chat/guides/web-hooks/website-hooks; crisp-protocol.md §9).
 *
 * The body is the compact `JSON.stringify` of `{website_id, event, data, timestamp}` because the
 * official Node client verifies by re-serialising the parsed body; any other spacing would make
 * `verifyHook()` fail. Uses node:http with a non-pooled agent so no keep-alive socket outlives a test.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { WireEvent } from './simulator-types';

export interface WebhookSenderOptions {
  /** Where hooks go; for Website Hooks, with the `?key=` the receiver configured. */
  url: string;
  /** 'plugin' (default): signed with `secret`. 'website': unsigned. */
  kind?: 'plugin' | 'website';
  /** The Plugin Hooks secret; unused by Website Hooks. */
  secret?: string;
  /** Total attempts per event, first one included (retry policy UNVERIFIED upstream). Default 3. */
  attempts?: number;
  /** Delay before retry n (1-based) in ms; the last value repeats. Default [200, 1000, 5000]. */
  backoffMs?: readonly number[];
  /** Per-attempt timeout in ms. Default 5000. */
  timeoutMs?: number;
  /** Value of `X-Crisp-Hook-Origin` (shape copied from the docs example). */
  hookOrigin?: string;
  /** Only these event names are hooked (like the Marketplace hook subscription); default all. */
  events?: readonly string[];
  /** Clock for the hook timestamp of events without `at` (ms; unit UNVERIFIED, it only needs echoing). */
  now?: () => number;
}

export interface WebhookSendOptions {
  /** 'signature': send a wrong signature; 'body': sign one body, send another. */
  tamper?: 'signature' | 'body';
  /**
   * Override the timestamp, e.g. a stale one, to test replay protection. Default: the event's
   * `at` (when it happened in the truth), else the sender's clock.
   */
  timestamp?: number;
  /** Sign with another secret. */
  secret?: string;
  attempts?: number;
}

export interface WebhookAttempt {
  attempt: number;
  status: number | null;
  error?: string;
  durationMs: number;
}

export interface WebhookDelivery {
  id: number;
  event: string;
  website_id: string;
  timestamp: number;
  body: string;
  signature: string;
  attempts: WebhookAttempt[];
  delivered: boolean;
  done: boolean;
}

const DEFAULT_BACKOFF_MS = [200, 1000, 5000] as const;

export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<WebhookDelivery>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly requests = new Set<http.ClientRequest>();
  private stopped = false;
  private nextId = 1;

  constructor(readonly options: WebhookSenderOptions) {
    if (options.kind !== 'website' && !options.secret) {
      throw new Error('WebhookSender: Plugin Hooks need a secret');
    }
  }

  /** Fire-and-forget delivery of every hooked event (tracked; see `idle()`). */
  deliver(events: readonly WireEvent[]): void {
    for (const event of events) {
      if (this.options.events && !this.options.events.includes(event.event)) {
        continue;
      }
      void this.send(event);
    }
  }

  /** Sends one event, retrying on non-2xx / network errors; resolves with the delivery report. */
  send(event: WireEvent, options: WebhookSendOptions = {}): Promise<WebhookDelivery> {
    const promise = this.run(event, options);
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
    return promise;
  }

  /** Resolves when no delivery (including pending retries) is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** Cancels pending retries and in-flight requests. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    for (const request of this.requests) {
      request.destroy(new Error('webhook sender stopped'));
    }
    this.requests.clear();
  }

  private async run(event: WireEvent, options: WebhookSendOptions): Promise<WebhookDelivery> {
    // Crisp's hook `timestamp` is "the timestamp at which the hook has been emitted": the event's
    // time, which the truth knows; the clock only dates events built without one.
    const timestamp = options.timestamp ?? event.at ?? (this.options.now ?? Date.now)();
    const websiteId = event.data.website_id;
    const body = JSON.stringify({
      website_id: websiteId,
      event: event.event,
      data: event.data,
      timestamp,
    });
    const website = this.options.kind === 'website';
    let signature = website
      ? ''
      : signHook(options.secret ?? this.options.secret ?? '', timestamp, body);
    let sentBody = body;
    if (options.tamper === 'signature') {
      signature = flipLastHexDigit(signature);
    } else if (options.tamper === 'body') {
      sentBody = JSON.stringify({
        website_id: websiteId,
        event: event.event,
        data: { ...event.data, tampered: true },
        timestamp,
      });
    }
    const delivery: WebhookDelivery = {
      id: this.nextId++,
      event: event.event,
      website_id: websiteId,
      timestamp,
      body: sentBody,
      signature,
      attempts: [],
      delivered: false,
      done: false,
    };
    this.deliveries.push(delivery);
    const limit = Math.max(1, options.attempts ?? this.options.attempts ?? 3);
    for (let attempt = 1; attempt <= limit && !this.stopped; attempt++) {
      if (attempt > 1) {
        await this.sleep(this.backoff(attempt - 1));
        if (this.stopped) {
          break;
        }
      }
      const started = Date.now();
      const headers = {
        'Content-Type': 'application/json',
        'X-Crisp-Request-Timestamp': String(timestamp),
        ...(website ? {} : { 'X-Crisp-Signature': signature }),
        'X-Crisp-Hook-Origin':
          this.options.hookOrigin ??
          `${website ? 'website' : 'plugin'}/simulator 0000000000000000 simulated`,
        'X-Delivery-Attempt-Limit': String(limit),
        'X-Delivery-Attempt-Count': String(attempt),
      };
      try {
        const status = await this.post(sentBody, headers);
        delivery.attempts.push({ attempt, status, durationMs: Date.now() - started });
        if (status >= 200 && status < 300) {
          delivery.delivered = true;
          break;
        }
      } catch (cause) {
        delivery.attempts.push({
          attempt,
          status: null,
          error: cause instanceof Error ? cause.message : String(cause),
          durationMs: Date.now() - started,
        });
      }
    }
    delivery.done = true;
    return delivery;
  }

  private backoff(retry: number): number {
    const table = this.options.backoffMs ?? DEFAULT_BACKOFF_MS;
    return table.length === 0 ? 0 : table[Math.min(retry - 1, table.length - 1)];
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private post(body: string, headers: Record<string, string>): Promise<number> {
    const url = new URL(this.options.url);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: 'POST',
          agent: false,
          headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
          timeout: this.options.timeoutMs ?? 5000,
        },
        (response) => {
          // Drain so the socket closes; the receiver's answer body is irrelevant to Crisp.
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        },
      );
      this.requests.add(request);
      request.on('close', () => this.requests.delete(request));
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', reject);
      request.end(body);
    });
  }
}

/** hex(HMAC-SHA256(secret, "[" + timestamp + ";" + body + "]")), as crisp-api verifies it. */
export function signHook(secret: string, timestamp: number | string, body: string): string {
  return createHmac('sha256', secret).update(`[${timestamp};${body}]`).digest('hex');
}

function flipLastHexDigit(signature: string): string {
  const last = signature[signature.length - 1];
  return signature.slice(0, -1) + (last === '0' ? '1' : '0');
}

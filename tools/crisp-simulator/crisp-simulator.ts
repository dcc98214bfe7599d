/**
 * One object that runs a fake Crisp: REST + RTM on one local port, optional Plugin Hooks towards a
 * target URL, fault knobs, live traffic and the ground truth to compare a mirror against.
 *
 *   const sim = new CrispSimulator({ seed: 7 });
 *   const { restUrl, rtmUrl } = await sim.start();
 *   crisp.setRestHost(restUrl);                       // no trailing slash
 *   sim.mutate((t) => t.setState(websiteId, sessionId, 'resolved'));
 *   await sim.stop();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CredentialStore, DEFAULT_CREDENTIAL } from './credential-store';
import { FaultInjector } from './fault-injector';
import { generateGroundTruth, type GenerateOptions, type GroundTruth } from './ground-truth';
import { LiveTraffic, type LiveTrafficOptions } from './live-traffic';
import { applyPayloadQuirks, type PayloadQuirks } from './payload-quirks';
import { RestApi } from './rest-api';
import { RestBehaviour, type RestBehaviourOptions } from './rest-behaviour';

export type { RestBehaviourOptions } from './rest-behaviour';
import { RtmServer } from './rtm-server';
import type { Mutation, SimCredential, SimEvent } from './simulator-types';
import { WebhookSender, type WebhookSenderOptions } from './webhook-sender';

export interface CrispSimulatorOptions {
  /** Seeds generated data, fault randomness and live traffic. Default 1. */
  seed?: number;
  /** Accepted tokens; default one plugin token subscribed to every website (DEFAULT_CREDENTIAL). */
  credentials?: readonly SimCredential[];
  /** Plugin Hooks target; without it events only go over RTM. */
  webhook?: WebhookSenderOptions;
  /** Use this truth instead of generating one. */
  truth?: GroundTruth;
  /** Generation options when no truth is given; default 2 websites × 50 conversations. */
  generate?: Omit<GenerateOptions, 'seed'>;
  /** Live traffic settings (traffic starts only when `sim.traffic.start()` is called). */
  traffic?: Omit<LiveTrafficOptions, 'seed'>;
  /** REST behaviours a test can switch: message batch size, 206/200 status, GET cache. */
  rest?: RestBehaviourOptions;
  /** Shapes real Crisp sends, switched on for the wire only (payload-quirks.ts); default none. */
  quirks?: PayloadQuirks;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /**
   * How long an idle keep-alive connection stays open (ms). Default 1000, which fetch() (undici)
   * treats as no keep-alive at all: it keeps a connection only for the announced timeout less
   * its own 1 s margin, so every request opens a new TCP connection. A real API keeps them for
   * a minute or more; benchmarks pass such a value so as not to measure connection set-up.
   */
  keepAliveTimeoutMs?: number;
}

export interface SimulatorUrls {
  /** Give to `crisp.setRestHost()` (no trailing slash). */
  restUrl: string;
  /** What `/v1/{tier}/connect/endpoints` advertises; also valid for `crisp.setRtmHost()`. */
  rtmUrl: string;
  port: number;
}

export interface EmitOptions {
  rtm?: boolean;
  webhooks?: boolean;
}

export type EmitInput = SimEvent | readonly SimEvent[] | { events: readonly SimEvent[] };

export class CrispSimulator {
  readonly seed: number;
  readonly truth: GroundTruth;
  readonly credentials: CredentialStore;
  readonly faults: FaultInjector;
  readonly rtm: RtmServer;
  readonly traffic: LiveTraffic;
  /** The payload quirks in force; a test may switch one on or off at any time. */
  readonly quirks: PayloadQuirks;
  /** Every event delivered through `emit`, in order (useful to replay or assert on). */
  readonly emitted: SimEvent[] = [];
  private webhookSender: WebhookSender | null;
  private readonly rest: RestApi;
  private server: Server | null = null;
  private urls: SimulatorUrls | null = null;
  private readonly host: string;
  private readonly keepAliveTimeoutMs: number;

  constructor(options: CrispSimulatorOptions = {}) {
    this.seed = options.seed ?? 1;
    this.host = options.host ?? '127.0.0.1';
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 1000;
    this.quirks = { ...options.quirks };
    this.truth =
      options.truth ??
      generateGroundTruth({
        websites: 2,
        conversationsPerWebsite: 50,
        ...options.generate,
        seed: this.seed,
      });
    this.credentials = new CredentialStore(options.credentials ?? [DEFAULT_CREDENTIAL], this.truth);
    this.faults = new FaultInjector(this.seed);
    this.rtm = new RtmServer(this.credentials);
    this.webhookSender = options.webhook ? new WebhookSender(options.webhook) : null;
    this.rest = new RestApi({
      truth: this.truth,
      credentials: this.credentials,
      faults: this.faults,
      behaviour: new RestBehaviour(options.rest),
      rtmUrl: () => this.requireUrls().rtmUrl,
    });
    this.traffic = new LiveTraffic(this.truth, (events) => this.emit(events), {
      ...options.traffic,
      seed: this.seed,
    });
  }

  /** Plugin Hooks sender, or null when no webhook target is configured. */
  get webhooks(): WebhookSender | null {
    return this.webhookSender;
  }

  /** (Re)configures the Plugin Hooks target, e.g. once a test receiver knows its port. */
  configureWebhook(options: WebhookSenderOptions | null): void {
    this.webhookSender?.stop();
    this.webhookSender = options ? new WebhookSender(options) : null;
  }

  get restUrl(): string {
    return this.requireUrls().restUrl;
  }

  get rtmUrl(): string {
    return this.requireUrls().rtmUrl;
  }

  async start(port = 0): Promise<SimulatorUrls> {
    if (this.server) {
      throw new Error('CrispSimulator.start: already started');
    }
    const server = createServer(this.rest.handle);
    // Keep-alive sockets from fetch() would otherwise keep stop() waiting.
    server.keepAliveTimeout = this.keepAliveTimeoutMs;
    this.rtm.attach(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const actualPort = (server.address() as AddressInfo).port;
    const origin = `http://${this.host}:${actualPort}`;
    this.urls = { restUrl: origin, rtmUrl: `${origin}/socket.io/`, port: actualPort };
    return this.urls;
  }

  /** Delivers events (from ground-truth mutations) over RTM and/or Plugin Hooks. */
  emit(input: EmitInput, options: EmitOptions = {}): SimEvent[] {
    const events: SimEvent[] = isEventList(input)
      ? [...input]
      : 'events' in input
        ? [...input.events]
        : [input];
    this.emitted.push(...events);
    const wire = applyPayloadQuirks(events, this.quirks);
    if (options.rtm !== false) {
      this.rtm.deliver(wire);
    }
    if (options.webhooks !== false) {
      this.webhookSender?.deliver(wire);
    }
    return events;
  }

  /** Applies a ground-truth mutation and delivers its events: `sim.mutate(t => t.setState(...))`. */
  mutate<T extends object>(
    apply: (truth: GroundTruth) => Mutation<T>,
    options?: EmitOptions,
  ): Mutation<T> {
    const result = apply(this.truth);
    this.emit(result.events, options);
    return result;
  }

  /** Stops traffic, hooks, RTM and REST; leaves no timers or sockets behind. */
  async stop(): Promise<void> {
    this.traffic.stop();
    this.webhookSender?.stop();
    this.rest.close();
    const server = this.server;
    this.server = null;
    if (!server) {
      return;
    }
    // Idle keep-alive and in-flight REST sockets first, so the close below is not held up by them.
    server.closeAllConnections();
    await this.rtm.close();
    if (server.listening) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private requireUrls(): SimulatorUrls {
    if (!this.urls) {
      throw new Error('CrispSimulator: not started');
    }
    return this.urls;
  }
}

function isEventList(input: EmitInput): input is readonly SimEvent[] {
  return Array.isArray(input);
}

import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Crisp } from 'crisp-api';
import type { Socket } from 'socket.io-client';
import { AppConfig } from '../config/app-config';
import { CrispEventIngestService } from './crisp-event-ingest.service';
import { HANDLED_EVENTS, type CrispEvent, type CrispEventName } from './crisp-events';
import { RtmLeaderElectionService } from './rtm-leader-election.service';

export type RtmState =
  'disabled' | 'standby' | 'connecting' | 'connected' | 'disconnected' | 'unauthorized' | 'stopped';

const RESTART_BASE_MS = 1_000;
const RESTART_MAX_MS = 60_000;

/** The official client keeps its socket in a protected field; it is the only handle on it. */
function socketOf(client: Crisp): Socket | null {
  return (client as unknown as { _socket: Socket | null })._socket;
}

/**
 * Crisp RTM through the official client, kept alive whatever Crisp does. Transport drops heal by
 * themselves (socket.io reconnects and the client re-authenticates). Two things do not: a
 * server-side disconnect (the client never reconnects) and an `unauthorized` reply (the client
 * throws from inside its socket listener, an uncaught exception). Both are contained here by
 * dropping the client and creating a new one after a backoff. Every (re)authentication tells
 * the reconciler to catch up on what the stream missed.
 */
@Injectable()
export class RtmListenerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CrispRtmService');
  private client: Crisp | null = null;
  private restartTimer?: NodeJS.Timeout;
  private restarts = 0;
  private readonly connectedListeners: (() => void)[] = [];
  state: RtmState = 'disabled';
  connectedAt: Date | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: CrispEventIngestService,
    private readonly election: RtmLeaderElectionService,
  ) {}

  /** Whether this instance is the one holding (or trying to hold) the RTM connection. */
  get leading(): boolean {
    return !['disabled', 'standby', 'stopped'].includes(this.state);
  }

  onApplicationBootstrap() {
    if (!this.config.realtime.rtmEnabled) return;
    this.state = 'standby';
    this.election.start((leading) => (leading ? this.connect() : this.standDown()));
  }

  /** First in a shutdown: no new event is taken while the buffered ones are flushed. */
  beforeApplicationShutdown() {
    clearTimeout(this.restartTimer);
    this.dispose();
    this.state = 'stopped';
  }

  private standDown() {
    clearTimeout(this.restartTimer);
    this.dispose();
    this.state = 'standby';
  }

  /** Called on every successful (re)authentication. */
  onConnected(listener: () => void) {
    this.connectedListeners.push(listener);
  }

  private connect() {
    const { crisp } = this.config;
    const client = new Crisp();
    client.setRestHost(crisp.restUrl);
    if (crisp.rtmUrl) client.setRtmHost(crisp.rtmUrl);
    client.authenticateTier(crisp.tier, crisp.identifier ?? '', crisp.key ?? '');
    this.client = client;
    this.state = 'connecting';
    // Every handler is bound now, synchronously: the client refuses any bound after it connects.
    const bound = HANDLED_EVENTS.map((name) =>
      client.on(name, (payload: unknown) => this.receive(name, payload)),
    );
    // Only the first promise settles, once the socket exists and before it has heard anything.
    bound[0].then(
      () => this.watch(client),
      (error: unknown) => this.restartLater(`could not connect: ${String(error)}`),
    );
  }

  private watch(client: Crisp) {
    const socket = socketOf(client);
    if (!socket || client !== this.client) return;
    socket.off('unauthorized');
    socket.on('unauthorized', () => {
      this.state = 'unauthorized';
      this.restartLater(
        'Crisp refused the credentials (check CRISP_IDENTIFIER, CRISP_KEY, CRISP_TIER)',
      );
    });
    socket.on('authenticated', () => {
      this.state = 'connected';
      this.connectedAt = new Date();
      this.restarts = 0;
      this.logger.log('Crisp RTM connected successfully');
      this.connectedListeners.forEach((listener) => listener());
    });
    socket.on('disconnect', (reason) => {
      if (client !== this.client) return;
      this.state = 'disconnected';
      this.logger.warn(`Crisp RTM disconnected (${reason})`);
      if (reason === 'io server disconnect') this.restartLater('the server closed the connection');
    });
  }

  private receive(name: CrispEventName, payload: unknown) {
    const event: CrispEvent = { name, payload, at: new Date(), door: 'rtm' };
    this.ingest.ingest(event).catch((error: unknown) => {
      this.logger.warn(`Event ${name} not stored (${String(error)}); the reconciler will catch up`);
    });
  }

  private restartLater(reason: string) {
    this.dispose();
    // A connection attempt that fails after a shutdown or a stand-down is not retried.
    if (this.state === 'stopped' || this.state === 'standby') return;
    const ceiling = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** this.restarts);
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    this.restarts += 1;
    this.logger.error(`Crisp RTM: ${reason}; reconnecting in ${delay} ms`);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => this.connect(), delay);
  }

  private dispose() {
    const client = this.client;
    this.client = null;
    if (!client) return;
    const socket = socketOf(client);
    if (socket) {
      socket.io.opts.reconnection = false;
      socket.removeAllListeners();
      socket.disconnect();
    }
  }
}

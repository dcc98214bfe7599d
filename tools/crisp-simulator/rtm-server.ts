/**
 * Crisp RTM API (socket.io v4) on the simulator's HTTP server, at the default `/socket.io/` path so
 * REST and RTM share one port (crisp-protocol.md §1.3 item 4).
 *
 * Handshake and routing follow §1.3 / §6: the client emits `authentication`, the server answers
 * `authenticated` (true) or `unauthorized` + disconnect, and from then on forwards only the events
 * the client subscribed to, for websites its token covers (and `rooms` / `inboxes` if it asked).
 * Faults reproduce the three ways a real RTM link loses events: paused delivery (events dropped, RTM
 * never replays), a transport drop (client reconnects and re-authenticates on its own) and a
 * server-side disconnect (the official client never reconnects).
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { isTier, type CredentialStore } from './credential-store';
import type { SimCredential, WireEvent } from './simulator-types';

/** Reason sent with `unauthorized`; the Go client types it as `{message: string}` (value UNVERIFIED). */
export const UNAUTHORIZED_MESSAGE = 'invalid_session';

export interface RtmClientInfo {
  id: string;
  identifier: string | null;
  authenticated: boolean;
  events: string[];
  rooms: string[] | null;
  inboxes: string[] | null;
  emitted: number;
  dropped: number;
  connectedAt: number;
}

export interface RtmStats {
  connected: number;
  authenticated: number;
  authSuccesses: number;
  authFailures: number;
  emittedTotal: number;
  droppedTotal: number;
  /** Emitted events per socket id, including sockets that have since disconnected. */
  emittedByClient: Record<string, number>;
  transportDrops: number;
  serverDisconnects: number;
}

interface ClientState {
  socket: Socket;
  credential: SimCredential | null;
  events: Set<string>;
  rooms: Set<string> | null;
  inboxes: Set<string> | null;
  emitted: number;
  dropped: number;
  connectedAt: number;
}

export type ClientFilter = (client: RtmClientInfo) => boolean;

export class RtmServer {
  private io: Server | null = null;
  private readonly clientsById = new Map<string, ClientState>();
  private readonly emittedHistory: Record<string, number> = {};
  private paused = false;
  private refuseRemaining = 0;
  private counters = {
    authSuccesses: 0,
    authFailures: 0,
    emittedTotal: 0,
    droppedTotal: 0,
    transportDrops: 0,
    serverDisconnects: 0,
  };
  private readonly waiters = new Set<NodeJS.Timeout>();

  constructor(private readonly credentials: CredentialStore) {}

  /** Attach after the REST listener is registered: engine.io only intercepts its own path. */
  attach(httpServer: HttpServer): void {
    const io = new Server(httpServer, {
      path: '/socket.io/',
      transports: ['websocket'],
      serveClient: false,
      // Crisp's RTM accepts EIO3 too (Go client); harmless for the Node client.
      allowEIO3: true,
    });
    io.on('connection', (socket) => this.onConnection(socket));
    this.io = io;
  }

  // ── Delivery ─────────────────────────────────────────────────────────────

  /** Sends events to every authenticated client entitled to them; returns the number of emits. */
  deliver(events: readonly WireEvent[]): number {
    let sent = 0;
    for (const event of events) {
      for (const client of this.clientsById.values()) {
        if (!this.wants(client, event)) {
          continue;
        }
        if (this.paused) {
          client.dropped++;
          this.counters.droppedTotal++;
          continue;
        }
        client.socket.emit(event.event, event.data);
        client.emitted++;
        this.emittedHistory[client.socket.id] = client.emitted;
        this.counters.emittedTotal++;
        sent++;
      }
    }
    return sent;
  }

  /** While paused, events meant for clients are dropped (RTM has no replay); truth still changes. */
  pauseDelivery(): void {
    this.paused = true;
  }

  resumeDelivery(): void {
    this.paused = false;
  }

  get deliveryPaused(): boolean {
    return this.paused;
  }

  // ── Faults ───────────────────────────────────────────────────────────────

  /** Closes the engine.io transport: the official client reconnects (after 1.25–8.75 s) and re-authenticates. */
  dropTransports(filter?: ClientFilter): number {
    let count = 0;
    for (const client of this.selected(filter)) {
      client.socket.conn.close();
      count++;
    }
    this.counters.transportDrops += count;
    return count;
  }

  /** Server-side disconnect ("io server disconnect"): the official client never reconnects. */
  disconnectClients(filter?: ClientFilter): number {
    let count = 0;
    for (const client of this.selected(filter)) {
      client.socket.disconnect(true);
      count++;
    }
    this.counters.serverDisconnects += count;
    return count;
  }

  /** The next n `authentication` attempts get `unauthorized`, even with valid credentials. */
  refuseNextAuthentications(n: number): void {
    this.refuseRemaining = n;
  }

  // ── Introspection ────────────────────────────────────────────────────────

  clients(): RtmClientInfo[] {
    return [...this.clientsById.values()].map(infoOf);
  }

  stats(): RtmStats {
    const clients = [...this.clientsById.values()];
    return {
      connected: clients.length,
      authenticated: clients.filter((c) => c.credential !== null).length,
      ...this.counters,
      emittedByClient: { ...this.emittedHistory },
    };
  }

  /** Resolves once `predicate(stats)` holds; rejects after timeoutMs. */
  waitFor(predicate: (stats: RtmStats) => boolean, timeoutMs = 15_000): Promise<RtmStats> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const stats = this.stats();
        if (predicate(stats)) {
          resolve(stats);
          return;
        }
        if (Date.now() >= deadline) {
          reject(
            new Error(
              `RtmServer.waitFor: timed out after ${timeoutMs} ms (${JSON.stringify(stats)})`,
            ),
          );
          return;
        }
        const timer = setTimeout(() => {
          this.waiters.delete(timer);
          check();
        }, 20);
        this.waiters.add(timer);
      };
      check();
    });
  }

  /** Waits until at least `count` clients are connected and authenticated. */
  waitForAuthenticated(count = 1, timeoutMs = 15_000): Promise<RtmStats> {
    return this.waitFor((s) => s.authenticated >= count, timeoutMs);
  }

  /** Disconnects every client and stops socket.io (which also closes the HTTP server). */
  async close(): Promise<void> {
    for (const timer of this.waiters) {
      clearTimeout(timer);
    }
    this.waiters.clear();
    const io = this.io;
    this.io = null;
    if (!io) {
      return;
    }
    // Resolves once the HTTP server has no connection left (socket.io closes it too).
    await io.close();
    this.clientsById.clear();
  }

  // ── Internals ────────────────────────────────────────────────────────────

  private onConnection(socket: Socket): void {
    const client: ClientState = {
      socket,
      credential: null,
      events: new Set(),
      rooms: null,
      inboxes: null,
      emitted: 0,
      dropped: 0,
      connectedAt: Date.now(),
    };
    this.clientsById.set(socket.id, client);
    socket.on('disconnect', () => {
      this.clientsById.delete(socket.id);
    });
    socket.on('authentication', (payload: unknown) => this.onAuthentication(client, payload));
    socket.on('socket:bind', (payload: unknown) => this.onBind(client, payload, 'replace'));
    socket.on('socket:bind:push', (payload: unknown) => this.onBind(client, payload, 'push'));
    socket.on('socket:bind:pop', (payload: unknown) => this.onBind(client, payload, 'pop'));
  }

  private onAuthentication(client: ClientState, payload: unknown): void {
    const auth = readAuthentication(payload);
    const credential =
      auth && this.refuseRemaining === 0
        ? this.credentials.authenticate(auth.username, auth.password, auth.tier)
        : null;
    if (this.refuseRemaining > 0) {
      this.refuseRemaining--;
    }
    if (!auth || !credential) {
      this.counters.authFailures++;
      client.credential = null;
      // Emit before closing: engine.io flushes its write buffer before closing the transport.
      client.socket.emit('unauthorized', { message: UNAUTHORIZED_MESSAGE });
      client.socket.disconnect(true);
      return;
    }
    client.credential = credential;
    client.events = new Set(auth.events);
    client.rooms = auth.rooms ? new Set(auth.rooms) : null;
    client.inboxes = auth.inboxes ? new Set(auth.inboxes) : null;
    this.counters.authSuccesses++;
    client.socket.emit('authenticated', true);
  }

  /**
   * `socket:bind` with `{}` (Node client) only asks to refresh website scope, which the simulator
   * computes on every delivery anyway; with `{events}` (Go client) it replaces the subscription.
   */
  private onBind(client: ClientState, payload: unknown, mode: 'replace' | 'push' | 'pop'): void {
    if (!client.credential) {
      return;
    }
    const events = readStringArray(payload, 'events');
    if (!events) {
      return;
    }
    if (mode === 'replace') {
      client.events = new Set(events);
    } else if (mode === 'push') {
      events.forEach((e) => client.events.add(e));
    } else {
      events.forEach((e) => client.events.delete(e));
    }
  }

  private wants(client: ClientState, event: WireEvent): boolean {
    const credential = client.credential;
    if (!credential || !client.events.has(event.event)) {
      return false;
    }
    const websiteId = event.data.website_id;
    if (!this.credentials.covers(credential, websiteId)) {
      return false;
    }
    if (client.rooms && !client.rooms.has(websiteId)) {
      return false;
    }
    if (client.inboxes) {
      const inboxId = event.data.inbox_id;
      return typeof inboxId === 'string' && client.inboxes.has(inboxId);
    }
    return true;
  }

  private selected(filter?: ClientFilter): ClientState[] {
    return [...this.clientsById.values()].filter((c) => !filter || filter(infoOf(c)));
  }
}

interface AuthenticationPayload {
  username: string;
  password: string;
  tier: string;
  events: string[];
  rooms: string[] | null;
  inboxes: string[] | null;
}

function readAuthentication(payload: unknown): AuthenticationPayload | null {
  if (typeof payload !== 'object' || payload === null) {
    return null;
  }
  const record = payload as Record<string, unknown>;
  const { username, password, tier } = record;
  if (typeof username !== 'string' || typeof password !== 'string' || !isTier(tier)) {
    return null;
  }
  return {
    username,
    password,
    tier,
    events: readStringArray(payload, 'events') ?? [],
    rooms: readStringArray(payload, 'rooms'),
    inboxes: readStringArray(payload, 'inboxes'),
  };
}

function readStringArray(payload: unknown, key: string): string[] | null {
  if (typeof payload !== 'object' || payload === null) {
    return null;
  }
  const value = (payload as Record<string, unknown>)[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : null;
}

function infoOf(client: ClientState): RtmClientInfo {
  return {
    id: client.socket.id,
    identifier: client.credential?.identifier ?? null,
    authenticated: client.credential !== null,
    events: [...client.events],
    rooms: client.rooms ? [...client.rooms] : null,
    inboxes: client.inboxes ? [...client.inboxes] : null,
    emitted: client.emitted,
    dropped: client.dropped,
    connectedAt: client.connectedAt,
  };
}

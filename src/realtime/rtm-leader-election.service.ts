import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { toPgClientConfig, type DatabaseConnection } from '../database/database-connection';
import { DATABASE_CONNECTION } from '../database/database-connection.module';

const LEADER_LOCK = 'crisp-basedash:rtm-leader';
const END_WAIT_MS = 1_000;

/**
 * Of all instances on one database, one holds Crisp RTM: the one holding a session-level
 * advisory lock, on a connection of its own. When the leader dies, PostgreSQL ends its session
 * and frees the lock; a standby, trying every `RTM_LEADER_CHECK_MS`, takes it. A leader that
 * loses its connection stays leader until it can ask again: if the lock is then someone
 * else's it stands down (two RTM listeners for a moment only cost duplicate, idempotent writes).
 */
@Injectable()
export class RtmLeaderElectionService implements OnApplicationShutdown {
  private readonly logger = new Logger('RtmLeaderElection');
  private client: Client | null = null;
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private onChange: (leading: boolean) => void = () => undefined;
  private answered = false;
  leading = false;

  constructor(
    private readonly config: AppConfig,
    @Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection,
  ) {}

  /** Starts campaigning; `onChange` hears every gain and loss of leadership. */
  start(onChange: (leading: boolean) => void) {
    this.onChange = onChange;
    this.stopped = false;
    void this.campaign();
  }

  async onApplicationShutdown() {
    this.stopped = true;
    clearTimeout(this.timer);
    // Ending the session frees the lock at once, so a standby need not wait for a timeout.
    await this.disconnect();
  }

  private async campaign() {
    try {
      if (!this.client) {
        this.client = await this.connect();
        // A new session holds no lock, even for a leader whose old session broke: ask again.
        await this.ask(this.client);
      } else if (this.leading) {
        await this.client.query('SELECT 1');
      } else {
        await this.ask(this.client);
      }
    } catch (error) {
      await this.disconnect();
      if (!this.stopped) {
        this.logger.warn(`Leader lock unreachable (${describe(error)}); trying again`);
      }
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.campaign(), this.config.realtime.leaderCheckMs);
    }
  }

  private async ask(client: Client) {
    const result = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [LEADER_LOCK],
    );
    const won = result.rows[0].locked;
    if ((this.answered && won === this.leading) || this.stopped) return;
    this.answered = true;
    this.leading = won;
    this.logger.log(
      won
        ? 'This instance now holds Crisp RTM (leader)'
        : 'Another instance holds Crisp RTM: standing by',
    );
    this.onChange(won);
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      ...toPgClientConfig(this.connection),
      application_name: 'crisp-basedash rtm-leader',
      keepAlive: true,
    });
    // A broken connection has lost the lock; the next campaign reconnects and asks again.
    client.on('error', () => void this.disconnect(client));
    await client.connect();
    if (this.stopped) {
      // Shut down while connecting: this session must not outlive the application.
      await client.end();
      throw new Error('shutting down');
    }
    return client;
  }

  /**
   * Ends the session (freeing the lock). A connection the server already cut may never confirm
   * its end, so this waits a second at most: a campaign or a shutdown must never hang on it.
   */
  private async disconnect(client = this.client) {
    if (client === this.client) this.client = null;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, END_WAIT_MS)));
    await Promise.race([client.end().catch(() => undefined), giveUp]);
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import { Inject, Injectable } from '@nestjs/common';
import { Client } from 'pg';
import { toPgClientConfig, type DatabaseConnection } from '../database/database-connection';
import { DATABASE_CONNECTION } from '../database/database-connection.module';

export interface HeldLock {
  /** The lock's session broke: another runner may hold the website now; write nothing more. */
  readonly lost: boolean;
  release(): Promise<void>;
}

/** A session the server already cut may never confirm its end; never hang a release on it. */
const END_WAIT_MS = 1_000;

/**
 * One runner per website across every instance: a PostgreSQL session-level advisory lock, held
 * for as long as the work lasts on a connection of its own, outside the pool. Held on a pooled
 * connection, a few long backfills took the whole pool and every endpoint and write waited on
 * them for good. A process that dies loses its connection, and with it the lock, so another
 * instance can take over; a runner whose connection breaks learns it through `lost`.
 */
@Injectable()
export class WebsiteLockService {
  constructor(@Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection) {}

  async tryAcquire(purpose: string, websiteId: string): Promise<HeldLock | null> {
    const key = `${purpose}:${websiteId}`;
    const client = new Client({
      ...toPgClientConfig(this.connection),
      application_name: `crisp-basedash ${purpose}-lock`,
      keepAlive: true,
    });
    let lost = false;
    let releasing = false;
    client.on('error', () => (lost = true));
    client.on('end', () => (lost ||= !releasing));
    await client.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [key],
      );
      if (!rows[0].locked) {
        await end(client);
        return null;
      }
    } catch (error) {
      await end(client);
      throw error;
    }
    return {
      get lost() {
        return lost;
      },
      release: async () => {
        releasing = true;
        // Ending the session frees the lock: no unlock round trip to wait for.
        await end(client);
      },
    };
  }
}

async function end(client: Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, END_WAIT_MS)));
  await Promise.race([client.end().catch(() => undefined), giveUp]);
  clearTimeout(timer);
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * One runner per website across every instance: a PostgreSQL session-level advisory lock, held
 * on its own connection for as long as the work lasts. A process that dies loses its connection,
 * and with it the lock, so another instance can take over.
 */
@Injectable()
export class WebsiteLockService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async tryAcquire(purpose: string, websiteId: string): Promise<HeldLock | null> {
    const key = `${purpose}:${websiteId}`;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const rows = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        key,
      ])) as { locked: boolean }[];
      if (!rows[0].locked) {
        await runner.release();
        return null;
      }
    } catch (error) {
      await runner.release();
      throw error;
    }
    return {
      release: async () => {
        try {
          await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
        } finally {
          await runner.release();
        }
      },
    };
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The Crisp daily request counter in PostgreSQL, so that every instance draws on one budget. */
@Injectable()
export class CrispRequestBudgetRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Takes up to `wanted` requests from the day's budget; answers how many it got (0: spent). */
  async reserve(day: string, scope: string, dailyLimit: number, wanted: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO crisp_request_budget (day, scope, used) VALUES ($1::date, $2, 0)
         ON CONFLICT (day, scope) DO NOTHING`,
        [day, scope],
      );
      const rows: { used: number }[] = await manager.query(
        `SELECT used FROM crisp_request_budget WHERE day = $1::date AND scope = $2 FOR UPDATE`,
        [day, scope],
      );
      const granted = Math.max(0, Math.min(wanted, dailyLimit - rows[0].used));
      if (granted > 0) {
        await manager.query(
          `UPDATE crisp_request_budget SET used = used + $3 WHERE day = $1::date AND scope = $2`,
          [day, scope, granted],
        );
      }
      return granted;
    });
  }

  async used(day: string, scope: string): Promise<number> {
    const rows: { used: number }[] = await this.dataSource.query(
      `SELECT used FROM crisp_request_budget WHERE day = $1::date AND scope = $2`,
      [day, scope],
    );
    return rows[0]?.used ?? 0;
  }
}

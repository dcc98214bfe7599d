import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The BI rollups' SQL: the refresh is a function of the schema (migration BiRollups). */
@Injectable()
export class BiRollupsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Refreshes up to `batchSize` queued changes; the conversations refreshed (0: none, or busy). */
  async refresh(batchSize: number): Promise<number> {
    const rows: { refreshed: number }[] = await this.dataSource.query(
      'SELECT bi_refresh_rollups($1) AS refreshed',
      [batchSize],
    );
    return rows[0].refreshed;
  }

  /** Changes waiting for their rollups (the daily BI views do not show them yet). */
  async queued(): Promise<number> {
    const rows: { queued: number }[] = await this.dataSource.query(
      'SELECT count(*)::int AS queued FROM rollup_queue',
    );
    return rows[0].queued;
  }
}

import { Module } from '@nestjs/common';
import { BiRollupsRefreshService } from './bi-rollups-refresh.service';
import { BiRollupsRepository } from './bi-rollups.repository';

/** The rollups behind the daily BI views, refreshed as conversations are written. */
@Module({
  providers: [BiRollupsRepository, BiRollupsRefreshService],
})
export class BiRollupsModule {}

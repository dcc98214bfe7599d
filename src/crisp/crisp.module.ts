import { Module } from '@nestjs/common';
import { CrispRequestBudgetRepository } from './crisp-request-budget.repository';
import { CrispRestService } from './crisp-rest.service';

/** The one quota-aware door to Crisp's REST API, shared by the backfill and the reconciler. */
@Module({
  providers: [CrispRestService, CrispRequestBudgetRepository],
  exports: [CrispRestService],
})
export class CrispModule {}

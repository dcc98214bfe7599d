import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Crisp requests spent per UTC day and token, shared by every instance, so that the daily quota
 * Crisp grants (5,000 a day for a plugin token, 10,000 for a website token) is never exceeded.
 */
@Entity('crisp_request_budget')
export class CrispRequestBudget {
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'crisp_request_budget_pkey' })
  day: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'crisp_request_budget_pkey' })
  scope: string;

  @Column({ type: 'integer', default: 0 })
  used: number;
}

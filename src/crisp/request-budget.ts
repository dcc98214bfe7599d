import { CrispBudgetExhaustedError, nextUtcMidnight } from './crisp-budget-exhausted.error';

export interface BudgetStore {
  reserve(day: string, scope: string, dailyLimit: number, wanted: number): Promise<number>;
}

/**
 * This process's share of the day's Crisp budget. Requests are taken from the shared counter in
 * chunks, so that a busy backfill does not queue on one database row for every call; a chunk
 * is counted as spent when taken, so the day's total can never exceed the limit.
 */
export class RequestBudget {
  private day = '';
  private remaining = 0;
  private refilling: Promise<void> | null = null;

  constructor(
    private readonly store: BudgetStore,
    private readonly scope: string,
    private readonly dailyLimit: number,
    private readonly chunk = 20,
    private readonly now = () => new Date(),
  ) {}

  async take(): Promise<void> {
    for (;;) {
      const today = this.now().toISOString().slice(0, 10);
      if (today !== this.day) {
        this.day = today;
        this.remaining = 0;
      }
      if (this.remaining > 0) {
        this.remaining -= 1;
        return;
      }
      this.refilling ??= this.refill(today).finally(() => (this.refilling = null));
      await this.refilling;
      if (this.remaining === 0 && this.day === today) {
        throw new CrispBudgetExhaustedError(nextUtcMidnight(this.now()));
      }
    }
  }

  private async refill(day: string) {
    const granted = await this.store.reserve(day, this.scope, this.dailyLimit, this.chunk);
    if (day === this.day) this.remaining += granted;
  }
}

import { CrispBudgetExhaustedError } from './crisp-budget-exhausted.error';
import { RequestBudget, type BudgetStore } from './request-budget';

class MemoryStore implements BudgetStore {
  used = new Map<string, number>();
  calls = 0;
  reserve(day: string, _scope: string, limit: number, wanted: number) {
    this.calls += 1;
    const used = this.used.get(day) ?? 0;
    const granted = Math.max(0, Math.min(wanted, limit - used));
    this.used.set(day, used + granted);
    return Promise.resolve(granted);
  }
}

describe('RequestBudget', () => {
  it('hands out the day’s budget in chunks and never beyond the limit', async () => {
    const store = new MemoryStore();
    const budget = new RequestBudget(
      store,
      'plugin:x',
      45,
      20,
      () => new Date('2026-11-25T10:00:00Z'),
    );
    for (let i = 0; i < 45; i += 1) await budget.take();
    await expect(budget.take()).rejects.toBeInstanceOf(CrispBudgetExhaustedError);
    expect(store.used.get('2026-11-25')).toBe(45);
    expect(store.calls).toBe(4);
  });

  it('says when work can resume, and starts afresh on the next UTC day', async () => {
    let now = new Date('2026-11-25T23:59:00Z');
    const budget = new RequestBudget(new MemoryStore(), 'plugin:x', 1, 20, () => now);
    await budget.take();
    const error = await budget.take().catch((caught: unknown) => caught);
    expect((error as CrispBudgetExhaustedError).resumesAt.toISOString()).toBe(
      '2026-11-26T00:00:00.000Z',
    );
    now = new Date('2026-11-26T00:00:01Z');
    await expect(budget.take()).resolves.toBeUndefined();
  });

  it('lets concurrent callers share one refill, and takes the next chunk ahead of need', async () => {
    const store = new MemoryStore();
    const budget = new RequestBudget(store, 'plugin:x', 100, 20);
    await Promise.all(Array.from({ length: 20 }, () => budget.take()));
    // One refill shared by the 20 callers, and one taken ahead when half the chunk was left.
    expect(store.calls).toBe(2);
    expect(store.used.get(new Date().toISOString().slice(0, 10))).toBe(40);
    // The 20 taken ahead are there: the next 9 calls need no refill; the 10th starts one ahead.
    for (let i = 0; i < 9; i += 1) await budget.take();
    expect(store.calls).toBe(2);
    await budget.take();
    expect(store.calls).toBe(3);
  });
});

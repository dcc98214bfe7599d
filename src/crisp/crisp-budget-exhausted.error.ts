/** The day's Crisp request budget is spent; work resumes at `resumesAt` (the next UTC midnight). */
export class CrispBudgetExhaustedError extends Error {
  constructor(readonly resumesAt: Date) {
    super(`Crisp daily request budget spent; resuming at ${resumesAt.toISOString()}`);
    this.name = 'CrispBudgetExhaustedError';
  }
}

export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/** Crisp calls made by this process, by route template and outcome (`ok` or the HTTP status). */
export class CrispCallStats {
  private readonly counts = new Map<string, Map<string, number>>();

  record(route: string, outcome: string) {
    const byOutcome = this.counts.get(route) ?? new Map<string, number>();
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
    this.counts.set(route, byOutcome);
  }

  snapshot(): Record<string, Record<string, number>> {
    return Object.fromEntries(
      [...this.counts].map(([route, byOutcome]) => [route, Object.fromEntries(byOutcome)]),
    );
  }

  total(): number {
    let sum = 0;
    for (const byOutcome of this.counts.values())
      for (const count of byOutcome.values()) sum += count;
    return sum;
  }
}

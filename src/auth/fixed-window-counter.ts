/**
 * Hits per key in fixed windows shared by every key: at each new window all counts start again,
 * so memory holds only the keys of the current window. A burst across a window's edge may reach
 * twice the limit, which is fine for shedding abuse. Past `maxKeys` distinct keys in one window a
 * new key is refused outright: a flood of addresses must not grow the map without bound.
 */
export class FixedWindowCounter {
  private readonly counts = new Map<string, number>();
  private windowEndsAt = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit of `key`: null while within the limit, else the ms until the window ends. */
  hit(key: string): number | null {
    const now = this.now();
    if (now >= this.windowEndsAt) {
      this.counts.clear();
      this.windowEndsAt = now + this.windowMs;
    }
    const known = this.counts.get(key);
    if (known === undefined && this.counts.size >= this.maxKeys) return this.windowEndsAt - now;
    const count = (known ?? 0) + 1;
    this.counts.set(key, count);
    return count > this.limit ? this.windowEndsAt - now : null;
  }
}

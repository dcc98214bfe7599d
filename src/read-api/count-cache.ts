/**
 * `pagination.total` without a full count on every page: a count is shared by every request for
 * the same key while it runs, then served for `ttlMs`. A large table's `count(*)` costs as much
 * as reading it, and 30 readers paging at once would run 30 of them.
 */
export class CountCache {
  private readonly entries = new Map<string, { value: Promise<number>; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, count: () => Promise<number>): Promise<number> {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.at < this.ttlMs) return entry.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = count();
    this.entries.set(key, { value, at: this.now() });
    // A failed count is not kept: the next request counts again.
    value.catch(() => this.entries.delete(key));
    return value;
  }
}

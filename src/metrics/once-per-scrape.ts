/**
 * Several gauges drawn from one query: a scrape collects every gauge at once, so the calls made
 * while the query runs share it, and the next scrape asks again.
 */
export function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  return () => (running ??= read().finally(() => setImmediate(() => (running = null))));
}

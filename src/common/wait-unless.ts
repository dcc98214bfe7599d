/** How often a wait looks whether it should end early. */
const CHECK_MS = 100;

/**
 * Waits `ms`, in short steps, unless `stop()` turns true first (a shutdown must not be held up by
 * a backoff): true once the wait ran its course, false when it was cut short.
 */
export async function waitUnless(ms: number, stop: () => boolean): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until && !stop()) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(CHECK_MS, until - Date.now())));
  }
  return !stop();
}

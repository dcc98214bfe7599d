const BUCKET_MS = 1_000;
const WINDOW_BUCKETS = 60;

/**
 * Events seen in the last 60 seconds, in one-second buckets: memory stays fixed however fast
 * events arrive (a burst of thousands per second is one counter, not thousands of timestamps).
 */
export class EventRateCounter {
  private readonly buckets = new Array<number>(WINDOW_BUCKETS).fill(0);
  private readonly bucketSecond = new Array<number>(WINDOW_BUCKETS).fill(-1);

  constructor(private readonly now: () => number = Date.now) {}

  record(count = 1) {
    const second = Math.floor(this.now() / BUCKET_MS);
    const slot = second % WINDOW_BUCKETS;
    if (this.bucketSecond[slot] !== second) {
      this.bucketSecond[slot] = second;
      this.buckets[slot] = 0;
    }
    this.buckets[slot] += count;
  }

  /** Events in the 60 seconds up to now (the current, partial second included). */
  lastMinute(): number {
    const current = Math.floor(this.now() / BUCKET_MS);
    let sum = 0;
    for (let slot = 0; slot < WINDOW_BUCKETS; slot += 1) {
      if (current - this.bucketSecond[slot] < WINDOW_BUCKETS) sum += this.buckets[slot];
    }
    return sum;
  }
}

/**
 * A token bucket (requests per second, with a burst of one second's worth) and a cap on calls in
 * flight, in front of every Crisp call of this process.
 */
export class RequestThrottle {
  private tokens: number;
  private lastRefill = performance.now();
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly requestsPerSecond: number,
    private readonly concurrency: number,
  ) {
    this.tokens = Math.max(1, requestsPerSecond);
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    await this.acquireSlot();
    try {
      await this.takeToken();
      return await call();
    } finally {
      this.releaseSlot();
    }
  }

  private acquireSlot(): Promise<void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private releaseSlot() {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight -= 1;
  }

  private async takeToken(): Promise<void> {
    for (;;) {
      const now = performance.now();
      const capacity = Math.max(1, this.requestsPerSecond);
      this.tokens = Math.min(
        capacity,
        this.tokens + ((now - this.lastRefill) / 1000) * this.requestsPerSecond,
      );
      this.lastRefill = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(((1 - this.tokens) / this.requestsPerSecond) * 1000);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

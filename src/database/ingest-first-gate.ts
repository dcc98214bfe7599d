import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

interface WaitingRead {
  /** Until then, the read gives way to changes waiting for their commit. */
  yieldsUntil: number;
  admit: () => void;
}

/**
 * Ingestion goes before reads (issue 12 item 5). The read API has a pool of its own, but reads
 * and commits share PostgreSQL's CPU and the event loop: on a small machine 30 readers paging
 * back to back pushed a Web Hook's commit far past its usual time. So at most `DB_READ_POOL_SIZE`
 * reads run at once, and while changes from RTM or Web Hooks wait for their commit no new read
 * starts, for at most `READ_YIELD_MS`: a steady stream of events slows readers, never stops them.
 */
@Injectable()
export class IngestFirstGate {
  private ingesting = false;
  private running = 0;
  private readonly queue: WaitingRead[] = [];
  private readonly yieldMs: number;
  private readonly maxRunning: number;

  constructor(config: AppConfig) {
    this.yieldMs = config.reads.yieldMs;
    this.maxRunning = config.reads.poolSize;
  }

  /** Called by the mirror writer whenever its buffer becomes empty or not. */
  setIngesting(ingesting: boolean): void {
    if (ingesting === this.ingesting) return;
    this.ingesting = ingesting;
    if (!ingesting) this.admit();
  }

  /** Resolves when the read may run, with the function to call once it is done. */
  enterRead(): Promise<() => void> {
    return new Promise((resolve) => {
      const waiting: WaitingRead = {
        yieldsUntil: Date.now() + this.yieldMs,
        admit: () => {
          this.running += 1;
          let left = false;
          resolve(() => {
            if (left) return;
            left = true;
            this.running -= 1;
            this.admit();
          });
        },
      };
      this.queue.push(waiting);
      this.admit();
      if (this.queue.includes(waiting)) setTimeout(() => this.admit(), this.yieldMs).unref();
    });
  }

  /** In arrival order: a read runs once a slot is free and it no longer gives way. */
  private admit() {
    while (this.queue.length > 0 && this.running < this.maxRunning) {
      if (this.ingesting && Date.now() < this.queue[0].yieldsUntil) return;
      this.queue.shift()?.admit();
    }
  }
}

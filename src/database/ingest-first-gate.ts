import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** Ingestion counts as under way for this long after the last change handed to the writer. */
export const INGESTION_WINDOW_MS = 1_000;

/**
 * Ingestion goes before reads (issue 12 item 5). The read API has a pool of its own, but reads
 * and commits share the event loop and PostgreSQL's CPU: on a small machine 30 readers paging
 * back to back pushed a Web Hook's commit far past its usual time, and a read's cost is mostly
 * writing its answer, not its query. So at most `DB_READ_POOL_SIZE` reads run at once, and while
 * events are arriving one at a time, paced so that reads take at most `READ_SHARE_PERCENT` of
 * the time: after a read that held its slot for d ms, the next one waits d × (100 / share − 1).
 * Readers slow down while events flow, and never stop.
 */
@Injectable()
export class IngestFirstGate {
  private lastIngestAt = -Infinity;
  private running = 0;
  private nextStartAt = 0;
  private timer?: NodeJS.Timeout;
  private readonly queue: (() => void)[] = [];
  private readonly maxRunning: number;
  private readonly pause: number;

  constructor(config: AppConfig) {
    this.maxRunning = config.reads.poolSize;
    this.pause = 100 / config.reads.sharePercent - 1;
  }

  /** Reads running now (holding a slot). */
  get readsRunning(): number {
    return this.running;
  }

  /** Called by the mirror writer for every event it is handed. */
  noteIngest(): void {
    this.lastIngestAt = Date.now();
  }

  /** Resolves when the read may run, with the function to call once its answer is written. */
  enterRead(): Promise<() => void> {
    return new Promise((resolve) => {
      this.queue.push(() => {
        this.running += 1;
        const startedAt = Date.now();
        let left = false;
        resolve(() => {
          if (left) return;
          left = true;
          this.running -= 1;
          if (this.ingesting()) {
            this.nextStartAt = Date.now() + (Date.now() - startedAt) * this.pause;
          }
          this.admit();
        });
      });
      this.admit();
    });
  }

  private ingesting(): boolean {
    return Date.now() - this.lastIngestAt < INGESTION_WINDOW_MS;
  }

  /** In arrival order, as slots and (while ingesting) the pace allow. */
  private admit() {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) {
      const ingesting = this.ingesting();
      if (this.running >= (ingesting ? 1 : this.maxRunning)) return;
      const wait = ingesting ? this.nextStartAt - Date.now() : 0;
      if (wait > 0) {
        this.timer = setTimeout(() => this.admit(), wait);
        this.timer.unref();
        return;
      }
      this.queue.shift()?.();
    }
  }
}

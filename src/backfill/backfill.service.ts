import {
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { BackfillJobsRepository } from './backfill-jobs.repository';
import { BackfillRunnerService } from './backfill-runner.service';
import { describeBackfill, type BackfillStatus } from './backfill-status';

const SETTLED = new Set(['completed', 'failed', 'paused']);

/**
 * Starts, joins, resumes and reports backfill jobs. Every instance polls for jobs to run (new,
 * interrupted by a crash, or paused until the quota resets); the website lock lets one run each.
 */
@Injectable()
export class BackfillService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BackfillService.name);
  private readonly running = new Map<string, Promise<unknown>>();
  /** Jobs asked to run here while `BACKFILL_MAX_CONCURRENT_JOBS` others ran, oldest first. */
  private readonly waiting = new Set<string>();
  private poller?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: BackfillJobsRepository,
    private readonly runner: BackfillRunnerService,
  ) {}

  onApplicationBootstrap() {
    if (this.config.backfill.pollIntervalMs <= 0) return;
    this.poller = setInterval(() => this.runPendingJobs(), this.config.backfill.pollIntervalMs);
    this.runPendingJobs();
  }

  async onApplicationShutdown() {
    this.stopped = true;
    this.waiting.clear();
    clearInterval(this.poller);
    this.runner.requestStop();
    await Promise.allSettled(this.running.values());
  }

  async startOrJoin(websiteId: string): Promise<{ status: BackfillStatus; created: boolean }> {
    const { job, created } = await this.jobs.startOrJoin(websiteId);
    if (created) this.logger.log(`Backfill ${job.id} of website ${websiteId} queued`);
    void this.runInBackground(job.id);
    return { status: describeBackfill(job, await this.jobs.messageProgress(job.id)), created };
  }

  async status(jobId: string): Promise<BackfillStatus> {
    const job = await this.jobs.find(jobId);
    if (!job) throw new NotFoundException(`No backfill job ${jobId}`);
    return describeBackfill(job, await this.jobs.messageProgress(job.id));
  }

  /** The active jobs and the latest finished ones, newest first. */
  async recent(limit: number): Promise<BackfillStatus[]> {
    const jobs = await this.jobs.recent(limit);
    return Promise.all(
      jobs.map(async (job) => describeBackfill(job, await this.jobs.messageProgress(job.id))),
    );
  }

  /**
   * Waits until the job completes, fails or pauses for quota, whichever instance runs it. While
   * it runs here, this waits for the run itself: no polling, and no delay once it settles.
   */
  async waitUntilSettled(jobId: string, pollMs = 200): Promise<BackfillStatus> {
    for (;;) {
      await this.running.get(jobId);
      const status = await this.status(jobId);
      if (SETTLED.has(status.status)) return status;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /**
   * Runs the job here, unless it already runs here (another instance may still hold it), now or,
   * with `BACKFILL_MAX_CONCURRENT_JOBS` jobs running, once one of them ends.
   */
  runInBackground(jobId: string): Promise<unknown> {
    const existing = this.running.get(jobId);
    if (existing) return existing;
    if (this.running.size >= this.config.backfill.maxConcurrentJobs) {
      this.waiting.add(jobId);
      return Promise.resolve();
    }
    this.waiting.delete(jobId);
    const run = this.runner
      .run(jobId)
      .catch((error: unknown) =>
        this.logger.error(`Backfill ${jobId} could not run: ${String(error)}`),
      )
      .finally(() => {
        this.running.delete(jobId);
        this.startNextWaiting();
      });
    this.running.set(jobId, run);
    return run;
  }

  private startNextWaiting() {
    const [next] = this.waiting;
    if (next !== undefined && !this.stopped) void this.runInBackground(next);
  }

  private runPendingJobs() {
    this.jobs.runnable().then(
      (jobs) => jobs.forEach((job) => void this.runInBackground(job.id)),
      (error: unknown) => this.logger.warn(`Could not look for backfill jobs: ${String(error)}`),
    );
  }
}

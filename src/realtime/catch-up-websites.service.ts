import { Injectable, Logger } from '@nestjs/common';
import { BackfillJobsRepository } from '../backfill/backfill-jobs.repository';
import { AppConfig } from '../config/app-config';
import { CrispRestService } from '../crisp/crisp-rest.service';

/**
 * Which websites the catch-up covers, asked again at every run: `CRISP_WEBSITE_IDS` when set
 * (exactly those); otherwise the websites the plugin token is installed on, listed again every
 * `RECONCILE_WEBSITES_REFRESH_MS`, together with every website that has a backfill job that did
 * not fail (read from the database at each run, so a website backfilled now is caught up at the
 * next run). A website token has no listing route: for it, the backfilled websites alone. Kept
 * until a restart, the list missed every website the plugin was added to since.
 */
@Injectable()
export class CatchUpWebsitesService {
  private readonly logger = new Logger('ReconcilerService');
  private listed: string[] | null = null;
  private listedAt = 0;
  private listingFailing = false;

  constructor(
    private readonly config: AppConfig,
    private readonly crisp: CrispRestService,
    private readonly backfills: BackfillJobsRepository,
  ) {}

  async current(): Promise<string[]> {
    const configured = this.config.realtime.websiteIds;
    if (configured) return configured;
    const listed = await this.pluginWebsites();
    const backfilled = await this.backfills.websitesBackfilled();
    return [...new Set([...listed, ...backfilled])];
  }

  /**
   * The plugin's websites, listed again once the last listing is older than the refresh
   * interval. A listing that fails leaves the last one in use (and is tried again at the next
   * run); with none yet, the failure is the run's.
   */
  private async pluginWebsites(): Promise<string[]> {
    if (this.config.crisp.tier !== 'plugin') return [];
    const fresh = Date.now() - this.listedAt < this.config.realtime.websitesRefreshMs;
    if (this.listed && fresh) return this.listed;
    try {
      this.listed = await this.crisp.listAllPluginWebsiteIds();
      this.listedAt = Date.now();
      if (this.listingFailing) this.logger.log('Listing the plugin’s websites works again');
      this.listingFailing = false;
      return this.listed;
    } catch (error) {
      if (!this.listed) throw error;
      if (!this.listingFailing) {
        this.logger.warn(
          `Could not list the plugin’s websites (${String(error)}); catching up the ${this.listed.length} listed before`,
        );
      }
      this.listingFailing = true;
      return this.listed;
    }
  }
}

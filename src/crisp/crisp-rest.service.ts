import { Injectable, Logger } from '@nestjs/common';
import {
  Crisp,
  type BaseConversationsListOptions,
  type Conversation,
  type ConversationMessage,
  type PluginConnectWebsite,
} from 'crisp-api';
import { AppConfig } from '../config/app-config';
import { classifyCrispFailure, CrispApiError } from './crisp-api-error';
import { CrispBudgetExhaustedError, nextUtcMidnight } from './crisp-budget-exhausted.error';
import { RequestBudget } from './request-budget';
import { CrispCallStats } from './crisp-call-stats';
import { CrispRequestBudgetRepository } from './crisp-request-budget.repository';
import { RequestThrottle, sleep } from './request-throttle';
import { backoffDelayMs } from './retry-policy';

/** Counts the requests one piece of work spent (retries included), e.g. a backfill job. */
export interface RequestMeter {
  requests: number;
}

export const CONVERSATIONS_PER_PAGE = 50;
/** Crisp answers at most 40 messages per request (crisp-protocol.md §2.4). */
export const MESSAGES_PER_BATCH = 40;

/**
 * Every Crisp REST call of the service goes through here: the official client, behind a token
 * bucket, a cap on calls in flight, a daily budget shared by all instances, and retries with
 * jittered exponential backoff on 429/420/5xx/timeouts/network errors.
 */
@Injectable()
export class CrispRestService {
  readonly stats = new CrispCallStats();
  private readonly logger = new Logger(CrispRestService.name);
  private readonly client = new Crisp();
  private readonly throttle: RequestThrottle;
  private readonly budget: RequestBudget;
  private readonly loggedFailures = new Set<string>();
  private readonly budgetScope: string;

  constructor(
    private readonly config: AppConfig,
    private readonly budgetStore: CrispRequestBudgetRepository,
  ) {
    const { crisp } = config;
    this.budgetScope = `${crisp.tier}:${crisp.identifier}`;
    this.budget = new RequestBudget(budgetStore, this.budgetScope, crisp.dailyRequestBudget);
    this.client.setRestHost(crisp.restUrl);
    if (crisp.identifier && crisp.key) {
      this.client.authenticateTier(crisp.tier, crisp.identifier, crisp.key);
    }
    this.throttle = new RequestThrottle(crisp.requestsPerSecond, crisp.concurrency);
  }

  /**
   * Every conversation, empty ones included, by creation date: a conversation created while the
   * list is read then cannot shift the pages not read yet.
   */
  listConversations(
    websiteId: string,
    page: number,
    meter?: RequestMeter,
  ): Promise<Conversation[]> {
    const options: BaseConversationsListOptions = {
      per_page: CONVERSATIONS_PER_PAGE,
      order_date_created: 1,
      include_empty: 1,
    };
    return this.call('GET /website/:website_id/conversations/:page', meter, (client) =>
      client.website.listConversations(websiteId, page, options),
    );
  }

  /** Conversations updated since `since`, most recently updated first (the catch-up's view). */
  listConversationsUpdatedSince(
    websiteId: string,
    page: number,
    since: Date,
    meter?: RequestMeter,
  ): Promise<Conversation[]> {
    const options: BaseConversationsListOptions = {
      per_page: CONVERSATIONS_PER_PAGE,
      order_date_updated: 1,
      include_empty: 1,
      filter_date_start: since.toISOString(),
    };
    return this.call('GET /website/:website_id/conversations/:page', meter, (client) =>
      client.website.listConversations(websiteId, page, options),
    );
  }

  getConversation(
    websiteId: string,
    sessionId: string,
    meter?: RequestMeter,
  ): Promise<Conversation> {
    return this.call('GET /website/:website_id/conversation/:session_id', meter, (client) =>
      client.website.getConversation(websiteId, sessionId),
    );
  }

  /** Up to 40 messages, oldest first: the newest ones, or those just before `before` (ms). */
  getMessages(
    websiteId: string,
    sessionId: string,
    before?: number,
    meter?: RequestMeter,
  ): Promise<ConversationMessage[]> {
    return this.call(
      'GET /website/:website_id/conversation/:session_id/messages',
      meter,
      (client) => client.website.getMessagesInConversation(websiteId, sessionId, before),
    );
  }

  listPluginWebsites(page: number, meter?: RequestMeter): Promise<PluginConnectWebsite[]> {
    return this.call('GET /plugin/connect/websites/all/:page', meter, (client) =>
      client.plugin.listAllConnectWebsites(page, false, false),
    );
  }

  /**
   * Today's (UTC) share of the daily budget taken by every instance, and the limit. Instances
   * take requests in small chunks, so `used` may run a few requests ahead of the calls made.
   */
  async quotaToday(): Promise<{ day: string; used: number; dailyBudget: number }> {
    const day = new Date().toISOString().slice(0, 10);
    const used = await this.budgetStore.used(day, this.budgetScope);
    return { day, used, dailyBudget: this.config.crisp.dailyRequestBudget };
  }

  private async call<T>(
    route: string,
    meter: RequestMeter | undefined,
    invoke: (client: Crisp) => Promise<T>,
  ): Promise<T> {
    this.assertCredentials();
    const { retry } = this.config.crisp;
    for (let attempt = 0; ; attempt += 1) {
      await this.budget.take();
      if (meter) meter.requests += 1;
      try {
        const result = await this.throttle.run(() => invoke(this.client));
        this.stats.record(route, 'ok');
        return result;
      } catch (rejection) {
        const failure = classifyCrispFailure(rejection, route);
        this.stats.record(route, String(failure.status));
        if (failure.kind === 'quota_exhausted')
          throw new CrispBudgetExhaustedError(nextUtcMidnight(new Date()));
        if (!failure.retryable || attempt + 1 >= retry.maxAttempts) throw this.reported(failure);
        await sleep(backoffDelayMs(retry, attempt));
      }
    }
  }

  private assertCredentials() {
    if (!this.config.crisp.identifier || !this.config.crisp.key) {
      throw new CrispApiError(
        'unauthorized',
        0,
        'CRISP_IDENTIFIER and CRISP_KEY are not set',
        'any',
      );
    }
  }

  /** Credentials and subscription problems are logged once, not once per conversation. */
  private reported(failure: CrispApiError): CrispApiError {
    const key = `${failure.kind}:${failure.route}`;
    if (
      (failure.kind === 'unauthorized' || failure.kind === 'not_subscribed') &&
      !this.loggedFailures.has(key)
    ) {
      this.loggedFailures.add(key);
      this.logger.error(
        failure.kind === 'unauthorized'
          ? 'Crisp rejected the credentials (check CRISP_IDENTIFIER, CRISP_KEY and CRISP_TIER)'
          : `The Crisp plugin is not subscribed to this website (${failure.route})`,
      );
    }
    return failure;
  }
}

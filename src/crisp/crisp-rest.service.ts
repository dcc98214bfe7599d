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
import { crispGet, isFreshAnswer, type CrispHttpAnswer } from './crisp-http-request';
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

/**
 * What Crisp says of the history older than a batch of messages: 206 while older messages
 * remain, 200 when there are none (Crisp staff, crisp-im/ruby-crisp-api#16). Any other status
 * (a proxy that rewrites it, say) says nothing: then only an empty batch ends the history.
 */
export type HistoryEnd = 'complete' | 'more' | 'unknown';

export function historyEndOf(status: number): HistoryEnd {
  if (status === 200) return 'complete';
  if (status === 206) return 'more';
  return 'unknown';
}

/** One answer of `GET …/messages`: its messages (oldest first) and what Crisp says is left. */
export interface MessageBatch {
  messages: ConversationMessage[];
  history: HistoryEnd;
  /** Computed by Crisp for this request (not served from its cache): see `isFreshAnswer`. */
  fresh: boolean;
  sentAt: Date;
}

/** Conversations as one REST answer holds them, and whether that answer was computed for us. */
export interface ConversationSnapshot {
  conversations: Conversation[];
  fresh: boolean;
  sentAt: Date;
}

/**
 * Every Crisp REST call of the service goes through here: the official client (or, where the
 * status or a header matters, a request sent as the official client sends it), behind a token
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
  /** Contact profiles' share of the day (CRISP_PEOPLE_BUDGET_SHARE), taken beside the budget. */
  private readonly peopleBudget: RequestBudget;
  private readonly loggedFailures = new Set<string>();
  private readonly budgetScope: string;

  constructor(
    private readonly config: AppConfig,
    private readonly budgetStore: CrispRequestBudgetRepository,
  ) {
    const { crisp } = config;
    this.budgetScope = `${crisp.tier}:${crisp.identifier}`;
    this.budget = new RequestBudget(budgetStore, this.budgetScope, crisp.dailyRequestBudget);
    this.peopleBudget = new RequestBudget(
      budgetStore,
      `${this.budgetScope}:people`,
      crisp.peopleDailyBudget,
      5,
    );
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

  /**
   * Conversations updated since `since`, most recently updated first (the catch-up's view), with
   * the cache status `crisp-api` would hide: only a fresh answer may override newer events.
   */
  async listConversationsUpdatedSince(
    websiteId: string,
    page: number,
    since: Date,
    meter?: RequestMeter,
  ): Promise<ConversationSnapshot> {
    const answer = await this.call('GET /website/:website_id/conversations/:page', meter, () =>
      this.get<Conversation[]>(['website', websiteId, 'conversations', String(page)], {
        per_page: CONVERSATIONS_PER_PAGE,
        order_date_updated: 1,
        include_empty: 1,
        filter_date_start: since.toISOString(),
      }),
    );
    return {
      conversations: Array.isArray(answer.data) ? answer.data : [],
      fresh: isFreshAnswer(answer.bloomStatus),
      sentAt: answer.sentAt,
    };
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

  /**
   * A batch of messages, oldest first: the newest ones, or those just before `before` (ms). Sent
   * by this service itself rather than by `crisp-api`, which resolves the body and drops the
   * status that says whether older messages remain; same throttle, budget, retries and counts.
   */
  async getMessages(
    websiteId: string,
    sessionId: string,
    before?: number,
    meter?: RequestMeter,
  ): Promise<MessageBatch> {
    const answer = await this.call(
      'GET /website/:website_id/conversation/:session_id/messages',
      meter,
      () =>
        this.get<ConversationMessage[]>(
          ['website', websiteId, 'conversation', sessionId, 'messages'],
          // As crisp-api: a falsy cursor is left out.
          { timestamp_before: before ? String(before) : undefined },
        ),
    );
    return {
      messages: Array.isArray(answer.data) ? answer.data : [],
      history: historyEndOf(answer.status),
      fresh: isFreshAnswer(answer.bloomStatus),
      sentAt: answer.sentAt,
    };
  }

  /** A page of a website's contact profiles (Crisp pages them; an empty page ends the list). */
  listPeopleProfiles(websiteId: string, page: number): Promise<unknown[]> {
    return this.call(
      'GET /website/:website_id/people/profiles/:page',
      undefined,
      (client) => client.website.listPeopleProfiles(websiteId, page),
      this.peopleBudget,
    );
  }

  getPeopleProfile(websiteId: string, peopleId: string): Promise<unknown> {
    return this.call(
      'GET /website/:website_id/people/profile/:people_id',
      undefined,
      (client) => client.website.getPeopleProfile(websiteId, peopleId),
      this.peopleBudget,
    );
  }

  listPluginWebsites(page: number, meter?: RequestMeter): Promise<PluginConnectWebsite[]> {
    return this.call('GET /plugin/connect/websites/all/:page', meter, (client) =>
      client.plugin.listAllConnectWebsites(page, false, false),
    );
  }

  /** The ids of every website the plugin token is installed on (page after page, to an empty one). */
  async listAllPluginWebsiteIds(): Promise<string[]> {
    const websites: string[] = [];
    for (let page = 1; ; page += 1) {
      const batch = await this.listPluginWebsites(page);
      websites.push(
        ...batch.flatMap((website) => (website.website_id ? [website.website_id] : [])),
      );
      if (batch.length === 0) return websites;
    }
  }

  /**
   * The website's operators. Answered as `unknown`: each entry also carries the operator's API
   * token when they have one, so callers read the fields they need and nothing else.
   */
  listWebsiteOperators(websiteId: string, meter?: RequestMeter): Promise<unknown> {
    return this.call('GET /website/:website_id/operators/list', meter, (client) =>
      client.website.listWebsiteOperators(websiteId),
    );
  }

  /** Each operator's current availability (online, away, offline) and since when. */
  listOperatorAvailabilities(websiteId: string, meter?: RequestMeter): Promise<unknown> {
    return this.call('GET /website/:website_id/availability/operators', meter, (client) =>
      client.website.listWebsiteOperatorAvailabilities(websiteId),
    );
  }

  /** One page (1-based) of the website's inboxes; an empty page ends the list. */
  listInboxes(websiteId: string, page: number, meter?: RequestMeter): Promise<unknown> {
    return this.call('GET /website/:website_id/inboxes/list/:page', meter, (client) =>
      client.website.listInboxes(websiteId, page),
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

  private get<T>(
    segments: string[],
    query: Record<string, string | number | undefined>,
  ): Promise<CrispHttpAnswer<T>> {
    const { tier, identifier = '', key = '', restUrl } = this.config.crisp;
    return crispGet<T>(restUrl, { tier, identifier, key }, segments, query);
  }

  private async call<T>(
    route: string,
    meter: RequestMeter | undefined,
    invoke: (client: Crisp) => Promise<T>,
    share?: RequestBudget,
  ): Promise<T> {
    this.assertCredentials();
    const { retry } = this.config.crisp;
    for (let attempt = 0; ; attempt += 1) {
      await share?.take();
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

import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { isWebHookPath } from '../common/webhook-paths';
import { ApiTokens, bearerTokenOf } from './api-tokens';
import { clientAddressKey } from './client-address';
import { FixedWindowCounter } from './fixed-window-counter';

/**
 * Paths never counted, as Express routes them (any case, one trailing slash). Health probes: a
 * load balancer behind the same proxy as everyone else must not see an instance fail because
 * others spent the allowance (a restart loop). Web Hooks: Crisp sends bursts from few addresses,
 * and behind the TLS proxy Crisp requires, anyone could spend its allowance and block genuine
 * hooks; a refused hook costs nothing instead (its key or headers are checked before the body
 * is read, its signature before the body is parsed, at most 1 MB is held).
 */
const HEALTH_PATH = /^\/health(\/ready)?\/?$/i;

export function isExemptFromRateLimits(path: string): boolean {
  return HEALTH_PATH.test(path) || isWebHookPath(path);
}

/**
 * The per-address limit on requests without a valid token: 401s (so tokens cannot be guessed
 * at full speed), the public pages and the docs, and everything when no token is configured.
 * It runs in front of routing and of the body parser, so a refused request costs a counter.
 * Requests with a valid token are limited per token by ApiThrottlerGuard instead.
 */
@Injectable()
export class UnauthenticatedRateLimit {
  private readonly counter: FixedWindowCounter | null;

  constructor(
    config: AppConfig,
    private readonly tokens: ApiTokens,
  ) {
    const { unauthenticatedLimit, windowMs } = config.api.rateLimit;
    this.counter =
      unauthenticatedLimit > 0 ? new FixedWindowCounter(unauthenticatedLimit, windowMs) : null;
  }

  /** The Express middleware; a refusal goes to the app's error filter (the usual envelope). */
  middleware() {
    return (request: Request, response: Response, next: NextFunction) => {
      const retryAfterMs = this.retryAfterMs(request);
      if (retryAfterMs === null) return next();
      response.setHeader('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
      next(
        new HttpException(
          'Too many requests without a valid API token from this address; retry later',
          HttpStatus.TOO_MANY_REQUESTS,
        ),
      );
    };
  }

  private retryAfterMs(request: Request): number | null {
    if (!this.counter || isExemptFromRateLimits(request.path)) return null;
    if (this.tokens.verify(bearerTokenOf(request.headers.authorization))) return null;
    return this.counter.hit(clientAddressKey(request.ip));
  }
}

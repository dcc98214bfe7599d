import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import { apiClientOf } from './api-client';
import { accessLevelOf } from './api-token.guard';

/**
 * Per-client rate limit: a client is its API token when it sent one, else its IP address.
 * Public endpoints are not limited: health probes, and Web Hooks, which Crisp sends in bursts.
 */
@Injectable()
export class ApiThrottlerGuard extends ThrottlerGuard {
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(accessLevelOf(this.reflector, context) === 'public');
  }

  protected override getTracker(request: Request): Promise<string> {
    return Promise.resolve(apiClientOf(request) ?? `ip:${request.ip ?? 'unknown'}`);
  }
}

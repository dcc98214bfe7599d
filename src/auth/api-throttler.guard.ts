import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import { apiClientOf } from './api-client';

/**
 * Per-token rate limit, for requests whose token ApiTokenGuard verified (it runs first). Every
 * other request, public routes and 401s included, was already counted per address, before
 * routing, by UnauthenticatedRateLimit; counting it here too would spend its allowance twice.
 */
@Injectable()
export class ApiThrottlerGuard extends ThrottlerGuard {
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    return Promise.resolve(apiClientOf(context.switchToHttp().getRequest<Request>()) === undefined);
  }

  protected override getTracker(request: Request): Promise<string> {
    return Promise.resolve(apiClientOf(request) ?? 'unidentified');
  }
}

import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/**
 * Counts every answered request by route pattern (`/crisp-db/messages/:sessionId`), never by URL,
 * so the label set stays small. One counter bump per request: no timing, no histogram.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(request: Request, response: Response, next: NextFunction) {
    response.once('finish', () =>
      this.metrics.httpRequestServed(request.method, routeOf(request), response.statusCode),
    );
    next();
  }
}

function routeOf(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : 'unmatched';
}

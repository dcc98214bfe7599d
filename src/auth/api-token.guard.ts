import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ACCESS_LEVEL_KEY, type AccessLevel } from './access.decorator';
import { rememberApiClient } from './api-client';
import { ApiTokens, bearerTokenOf } from './api-tokens';

/** Every endpoint needs a token unless marked `@Public()`; `@AdminOnly()` needs an admin one. */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: ApiTokens,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const level = accessLevelOf(this.reflector, context);
    if (level === 'public' || this.tokens.open) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const verified = this.tokens.verify(bearerTokenOf(request.headers.authorization));
    if (!verified) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(
        'A valid API token is required: send Authorization: Bearer <token>',
      );
    }
    if (level === 'admin' && verified.grant !== 'admin') {
      throw new ForbiddenException('This endpoint needs an admin API token');
    }
    rememberApiClient(request, verified.clientId);
    return true;
  }
}

export function accessLevelOf(reflector: Reflector, context: ExecutionContext): AccessLevel {
  return (
    reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_LEVEL_KEY, [
      context.getHandler(),
      context.getClass(),
    ]) ?? 'read'
  );
}

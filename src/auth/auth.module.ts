import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { ApiThrottlerGuard } from './api-throttler.guard';
import { ApiTokenGuard } from './api-token.guard';
import { ApiTokens } from './api-tokens';
import { UnauthenticatedRateLimit } from './unauthenticated-rate-limit';

/**
 * API tokens on every endpoint but the public ones, then a per-token rate limit; the per-address
 * limit on requests without a valid token is middleware (UnauthenticatedRateLimit, installed by
 * configureHttpApp), as it must run before routing and body parsing.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: ({ api }: AppConfig) => ({
        throttlers: [{ ttl: api.rateLimit.windowMs, limit: api.rateLimit.limit }],
        skipIf: () => api.rateLimit.limit === 0,
      }),
    }),
  ],
  // Guards run in this order: a request is identified before it is counted.
  providers: [
    {
      provide: ApiTokens,
      inject: [AppConfig],
      useFactory: ({ api }: AppConfig) => new ApiTokens(api),
    },
    UnauthenticatedRateLimit,
    { provide: APP_GUARD, useClass: ApiTokenGuard },
    { provide: APP_GUARD, useClass: ApiThrottlerGuard },
  ],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(private readonly config: AppConfig) {}

  onApplicationBootstrap() {
    const { adminTokens, readTokens } = this.config.api;
    if (adminTokens.length + readTokens.length === 0 && this.config.nodeEnv !== 'test') {
      new Logger('Auth').warn(
        'NO API TOKEN IS SET: every endpoint is open to anyone who can reach this port ' +
          '(so it listens on 127.0.0.1 only, unless HOST says otherwise). ' +
          'Set API_TOKEN (and API_READ_TOKENS) before exposing the service; production refuses to start without one.',
      );
    }
  }
}

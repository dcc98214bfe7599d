import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { ApiThrottlerGuard } from './api-throttler.guard';
import { ApiTokenGuard } from './api-token.guard';

/** API tokens on every endpoint but the public ones, then a per-client rate limit. */
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
        'NO API TOKEN IS SET: every endpoint is open to anyone who can reach this port. ' +
          'Set API_TOKEN (and API_READ_TOKENS) before exposing the service; production refuses to start without one.',
      );
    }
  }
}

import {
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  PayloadTooLargeException,
  Post,
  Query,
  Req,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config';
import type { ApiResponse } from '../common/api-response';
import { REQUEST_BODY_LIMIT_BYTES } from '../common/request-body-limit';
import { ApiErrors } from '../openapi/api-error-responses';
import { WebhookAckDto, WebhookEventDto } from './dto/webhook-event.dto';
import { parseHookBody, readHookBody } from './hook-body';
import { PluginHookSignature } from './webhook-signature';
import { WebhookIntakeService } from './webhook-intake.service';
import { isWebsiteHookKey } from './website-hook-key';
import { Public } from '../auth/access.decorator';

const ANSWERS = {
  stored: 'Event stored',
  ignored: 'Event ignored',
  'set-aside': 'Event set aside',
} as const;

const ACKNOWLEDGED = {
  type: WebhookAckDto,
  description: 'Stored (committed), ignored, or set aside (kept whole in `set_aside_events`)',
};
const STORE_ERRORS = {
  400: 'A body sent as `application/json` that is not a JSON object or array (judged only once the signature or key is verified)',
  413: 'A body above 1 MB (only once the signature or key is verified: an unverified body is a 401, whatever its size)',
  503: 'The event could be neither stored nor set aside yet (buffer full, database unreachable, shutting down); Crisp retries',
};

/**
 * Crisp Web Hooks, the second door: signed Plugin Hooks and keyed Website Hooks. This controller
 * only authenticates (the signature, the key) and answers; WebhookIntakeService takes the hook
 * down the same line as RTM's. Nothing is parsed before the hook is authenticated: the key, and
 * the signature headers, are checked before the body is read, the HMAC as the raw body streams
 * in (hook-body.ts); only then is the body parsed as JSON. Anything stored or set aside is answered 200, since Crisp retries
 * other answers and may suspend the endpoint.
 */
@ApiTags('Real time')
@Public()
// No rate limit counts Web Hooks (isExemptFromRateLimits); this tells the API docs.
@SkipThrottle()
@Controller('crisp/webhooks')
export class WebhooksController {
  constructor(
    private readonly config: AppConfig,
    private readonly intake: WebhookIntakeService,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Receive a Crisp Plugin Hook',
    description:
      "Crisp Plugin Hooks (Web Hooks) of the plugin, verified with `X-Crisp-Signature` (HMAC-SHA256 over `[timestamp;body]`, the raw body as sent, with `CRISP_WEBHOOK_SECRET`) and `X-Crisp-Request-Timestamp` (at most `CRISP_WEBHOOK_MAX_AGE_MS` old). Stored events go down the same line as RTM's, so an event arriving by both is stored once; the answer comes after the commit. Events that change no mirrored data are acknowledged and ignored; a body of any other shape, an unknown event or data PostgreSQL refuses is kept whole in `set_aside_events` and acknowledged.",
  })
  @ApiHeader({
    name: 'X-Crisp-Signature',
    required: true,
    description:
      'Hex HMAC-SHA256 of `[<X-Crisp-Request-Timestamp>;<raw body>]` with the Web Hook secret',
  })
  @ApiHeader({
    name: 'X-Crisp-Request-Timestamp',
    required: true,
    description: 'When Crisp signed the request, epoch milliseconds (seconds accepted)',
  })
  @ApiBody({ type: WebhookEventDto })
  @ApiOkResponse(ACKNOWLEDGED)
  @ApiErrors({
    ...STORE_ERRORS,
    401: 'A missing or wrong signature, a missing or stale timestamp, or no `CRISP_WEBHOOK_SECRET` configured',
  })
  async receive(
    @Req() request: Request,
    @Headers('x-crisp-request-timestamp') timestamp: string | undefined,
    @Headers('x-crisp-signature') signature: string | undefined,
  ): Promise<ApiResponse<null>> {
    const { webhookSecret, webhookMaxAgeMs } = this.config.realtime;
    if (!webhookSecret)
      throw new UnauthorizedException('Web Hooks are not configured (CRISP_WEBHOOK_SECRET)');
    const check = PluginHookSignature.fromHeaders(webhookSecret, timestamp, signature);
    if (typeof check === 'string') throw new UnauthorizedException(`Web Hook signature ${check}`);
    const body = await readHookBody(request, REQUEST_BODY_LIMIT_BYTES, (chunk) =>
      check.update(chunk),
    );
    const verdict = check.verdict(webhookMaxAgeMs);
    if (verdict !== 'valid') throw new UnauthorizedException(`Web Hook signature ${verdict}`);
    return this.store(request, body);
  }

  @Post('website')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Receive a Crisp Website Hook',
    description:
      "Crisp Website Hooks of one website, which Crisp does not sign: configure the hook URL in Crisp as `…/crisp/webhooks/website?key=<CRISP_WEBSITE_HOOK_KEY>`, as Crisp's docs suggest. The key is compared in constant time and never logged (request logs show `key=[REDACTED]`). Same body, answers and line as Plugin Hooks.",
  })
  @ApiQuery({
    name: 'key',
    required: true,
    description: 'The `CRISP_WEBSITE_HOOK_KEY` of this service',
  })
  @ApiBody({ type: WebhookEventDto })
  @ApiOkResponse(ACKNOWLEDGED)
  @ApiErrors({
    ...STORE_ERRORS,
    401: 'A missing or wrong `key`, or no `CRISP_WEBSITE_HOOK_KEY` configured',
  })
  async receiveWebsiteHook(
    @Req() request: Request,
    @Query('key') key: unknown,
  ): Promise<ApiResponse<null>> {
    const { websiteHookKeys } = this.config.realtime;
    if (websiteHookKeys.length === 0)
      throw new UnauthorizedException('Website Hooks are not configured (CRISP_WEBSITE_HOOK_KEY)');
    // Before the body is read: a wrong key costs nothing, whatever follows it.
    if (!isWebsiteHookKey(websiteHookKeys, key))
      throw new UnauthorizedException('Website Hook key missing or wrong');
    return this.store(request, await readHookBody(request, REQUEST_BODY_LIMIT_BYTES));
  }

  /** `body`: the raw bytes of an authenticated hook, null when above the limit. */
  private async store(request: Request, body: Buffer | null): Promise<ApiResponse<null>> {
    if (body === null) throw new PayloadTooLargeException('Request body is too large');
    const parsed = parseHookBody(body, request.headers['content-type']);
    try {
      const outcome = await this.intake.receive(body, parsed);
      return { code: HttpStatus.OK, message: ANSWERS[outcome], data: null };
    } catch {
      throw new ServiceUnavailableException('Event not stored yet; retry later');
    }
  }
}

import {
  BadRequestException,
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  Req,
  ServiceUnavailableException,
  UnauthorizedException,
  type RawBodyRequest,
} from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config';
import type { ApiResponse } from '../common/api-response';
import { ApiErrors } from '../openapi/api-error-responses';
import { CrispEventIngestService } from './crisp-event-ingest.service';
import { isHandledEvent, type CrispEvent } from './crisp-events';
import { WebhookAckDto, WebhookEventDto } from './dto/webhook-event.dto';
import { verifyWebhookSignature } from './webhook-signature';
import { isWebsiteHookKey } from './website-hook-key';
import { Public } from '../auth/access.decorator';

interface HookBody {
  website_id?: unknown;
  event?: unknown;
  data?: unknown;
  timestamp?: unknown;
}

/**
 * Crisp Web Hooks, the second door: signed Plugin Hooks and keyed Website Hooks go down the same
 * line as RTM's, so an event arriving by two doors is stored once. The answer comes after the
 * commit: a failure makes Crisp retry.
 */
@ApiTags('Real time')
@Public()
@Controller('crisp/webhooks')
export class WebhooksController {
  constructor(
    private readonly config: AppConfig,
    private readonly ingest: CrispEventIngestService,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Receive a Crisp Plugin Hook',
    description:
      "Crisp Plugin Hooks (Web Hooks) of the plugin, verified with `X-Crisp-Signature` (HMAC-SHA256 over `[timestamp;body]`, the raw body as sent, with `CRISP_WEBHOOK_SECRET`) and `X-Crisp-Request-Timestamp` (at most `CRISP_WEBHOOK_MAX_AGE_MS` old). Stored events go down the same line as RTM's, so an event arriving by both is stored once; the answer comes after the commit. Events that change no mirrored data are acknowledged and ignored.",
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
  @ApiOkResponse({ type: WebhookAckDto, description: 'Stored (committed), or ignored' })
  @ApiErrors({
    400: 'A body that is not JSON, or not `{website_id, event, data, timestamp}` with `data` naming `session_id` and `website_id`',
    401: 'A missing or wrong signature, a missing or stale timestamp, or no `CRISP_WEBHOOK_SECRET` configured',
    413: 'A body above 1 MB',
    503: 'The event could not be stored yet (database unreachable); Crisp retries',
  })
  async receive(
    @Req() request: RawBodyRequest<Request>,
    @Headers('x-crisp-request-timestamp') timestamp: string | undefined,
    @Headers('x-crisp-signature') signature: string | undefined,
  ): Promise<ApiResponse<null>> {
    const { webhookSecret, webhookMaxAgeMs } = this.config.realtime;
    if (!webhookSecret)
      throw new UnauthorizedException('Web Hooks are not configured (CRISP_WEBHOOK_SECRET)');
    const verdict = verifyWebhookSignature({
      secret: webhookSecret,
      rawBody: request.rawBody ?? Buffer.alloc(0),
      timestamp,
      signature,
      maxAgeMs: webhookMaxAgeMs,
    });
    if (verdict !== 'valid') throw new UnauthorizedException(`Web Hook signature ${verdict}`);
    return this.store(request.body as HookBody);
  }

  @Post('website')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Receive a Crisp Website Hook',
    description:
      "Crisp Website Hooks of one website, which Crisp does not sign: configure the hook URL in Crisp as `…/crisp/webhooks/website?key=<CRISP_WEBSITE_HOOK_KEY>`, as Crisp's docs suggest. The key is compared in constant time and never logged (request logs show `key=[REDACTED]`). Same body and the same line as Plugin Hooks and RTM.",
  })
  @ApiQuery({
    name: 'key',
    required: true,
    description: 'The `CRISP_WEBSITE_HOOK_KEY` of this service',
  })
  @ApiBody({ type: WebhookEventDto })
  @ApiOkResponse({ type: WebhookAckDto, description: 'Stored (committed), or ignored' })
  @ApiErrors({
    400: 'A body that is not JSON, or not `{website_id, event, data, timestamp}` with `data` naming `session_id` and `website_id`',
    401: 'A missing or wrong `key`, or no `CRISP_WEBSITE_HOOK_KEY` configured',
    413: 'A body above 1 MB',
    503: 'The event could not be stored yet (database unreachable); Crisp retries',
  })
  async receiveWebsiteHook(
    @Req() request: Request,
    @Query('key') key: unknown,
  ): Promise<ApiResponse<null>> {
    const { websiteHookKey } = this.config.realtime;
    if (!websiteHookKey)
      throw new UnauthorizedException('Website Hooks are not configured (CRISP_WEBSITE_HOOK_KEY)');
    if (!isWebsiteHookKey(websiteHookKey, key))
      throw new UnauthorizedException('Website Hook key missing or wrong');
    return this.store(request.body as HookBody);
  }

  private async store(body: HookBody): Promise<ApiResponse<null>> {
    const event = toEvent(body);
    if (!event) return { code: HttpStatus.OK, message: 'Event ignored', data: null };
    try {
      await this.ingest.ingest(event);
    } catch {
      throw new ServiceUnavailableException('Event not stored yet; retry later');
    }
    return { code: HttpStatus.OK, message: 'Event stored', data: null };
  }
}

function toEvent(body: HookBody | undefined): CrispEvent | null {
  if (
    !body ||
    typeof body.event !== 'string' ||
    typeof body.data !== 'object' ||
    body.data === null
  ) {
    throw new BadRequestException('Web Hook body must be {website_id, event, data, timestamp}');
  }
  if (!isHandledEvent(body.event)) return null;
  const data = body.data as { website_id?: unknown; session_id?: unknown };
  if (
    typeof data.session_id !== 'string' ||
    typeof (data.website_id ?? body.website_id) !== 'string'
  ) {
    throw new BadRequestException('Web Hook data must name website_id and session_id');
  }
  const sent = typeof body.timestamp === 'number' ? body.timestamp : Date.now();
  return {
    name: body.event,
    payload: { ...data, website_id: data.website_id ?? body.website_id },
    at: new Date(sent < 1e12 ? sent * 1000 : sent),
    door: 'webhook',
  } as CrispEvent;
}

import {
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  ServiceUnavailableException,
  UnauthorizedException,
  type RawBodyRequest,
} from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config';
import type { ApiResponse } from '../common/api-response';
import { ApiErrors } from '../openapi/api-error-responses';
import { WebhookAckDto, WebhookEventDto } from './dto/webhook-event.dto';
import { verifyWebhookSignature } from './webhook-signature';
import { WebhookIntakeService } from './webhook-intake.service';
import { Public } from '../auth/access.decorator';

const ANSWERS = {
  stored: 'Event stored',
  ignored: 'Event ignored',
  'set-aside': 'Event set aside',
} as const;

/**
 * Crisp Plugin Hooks, the second door: this controller only authenticates (the signature) and
 * answers; WebhookIntakeService takes the hook down the same line as RTM's. Anything stored or set
 * aside is answered 200, since Crisp retries other answers and may suspend the endpoint.
 */
@ApiTags('Real time')
@Public()
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
  @ApiOkResponse({
    type: WebhookAckDto,
    description: 'Stored (committed), ignored, or set aside (kept whole in `set_aside_events`)',
  })
  @ApiErrors({
    400: 'A body that is not JSON',
    401: 'A missing or wrong signature, a missing or stale timestamp, or no `CRISP_WEBHOOK_SECRET` configured',
    413: 'A body above 1 MB',
    503: 'The event could be neither stored nor set aside yet (buffer full, database unreachable, shutting down); Crisp retries',
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
    try {
      const outcome = await this.intake.receive(request.rawBody ?? Buffer.alloc(0), request.body);
      return { code: HttpStatus.OK, message: ANSWERS[outcome], data: null };
    } catch {
      throw new ServiceUnavailableException('Event not stored yet; retry later');
    }
  }
}

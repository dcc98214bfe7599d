import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EnvelopeDto } from '../../common/dto/envelope.dto';

/**
 * A Crisp Plugin Hook body, for the OpenAPI document only: the controller reads the raw body (the
 * signature covers its bytes), so this class validates nothing.
 */
export class WebhookEventDto {
  @ApiPropertyOptional({
    description: 'Crisp website id (used when `data.website_id` is absent)',
    example: '11111111-1111-4111-8111-111111111111',
  })
  website_id?: string;

  @ApiProperty({
    description:
      'Crisp event name; events that change no mirrored data are acknowledged and ignored',
    example: 'message:send',
  })
  event: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The event payload; must name `session_id` (and `website_id`, here or above)',
    example: {
      website_id: '11111111-1111-4111-8111-111111111111',
      session_id: 'session_8a3c1f52-5d0e-4b8e-9f7a-2d1c3b4a5e6f',
      type: 'text',
      from: 'user',
      content: 'Hello!',
      fingerprint: 170000000000001,
      timestamp: 1769502034617,
    },
  })
  data: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'When Crisp sent it, epoch seconds or milliseconds (default: now)',
    example: 1769502034617,
  })
  timestamp?: number;
}

/** What the Web Hook endpoint answers once the event is stored, ignored or set aside. */
export class WebhookAckDto extends EnvelopeDto {
  @ApiProperty({
    description: '`Event stored`, `Event ignored` or `Event set aside`',
    example: 'Event stored',
  })
  message: string;

  @ApiProperty({ type: 'null', example: null })
  data: null;
}

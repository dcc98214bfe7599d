import { ApiProperty } from '@nestjs/swagger';

/**
 * `code`, which every answer of the seed's envelope starts with; each endpoint's response class
 * adds its own `message` and `data` (and `pagination`), since OpenAPI has no generics.
 */
export abstract class EnvelopeDto {
  @ApiProperty({
    type: 'integer',
    description: 'The HTTP status, repeated in the body',
    example: 200,
  })
  code: number;
}

import { ApiProperty } from '@nestjs/swagger';
import { EnvelopeDto } from '../../common/dto/envelope.dto';

class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
}

/** `GET /health`, for the OpenAPI document. */
export class LivenessResponseDto extends EnvelopeDto {
  @ApiProperty({ example: 'Alive' })
  message: string;

  @ApiProperty({ type: LivenessDto })
  data: LivenessDto;
}

const checks = (description: string, example?: Record<string, unknown>) =>
  ApiProperty({
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['up', 'down'] } },
      additionalProperties: true,
    },
    description,
    example,
  });

/** Terminus's result: every check by name (`database`, `migrations`, `rtm`), up or down. */
class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error'] })
  status: string;

  @checks('The checks that passed')
  info: Record<string, unknown>;

  @checks('The checks that failed')
  error: Record<string, unknown>;

  @checks('Every check', {
    database: { status: 'up' },
    migrations: { status: 'up' },
    rtm: { status: 'up', state: 'connected' },
  })
  details: Record<string, unknown>;
}

/** `GET /health/ready`, ready (200) or not (503), for the OpenAPI document. */
export class ReadinessResponseDto extends EnvelopeDto {
  @ApiProperty({
    description: '`Ready`, or `Not ready: ` and the failing checks',
    example: 'Not ready: rtm',
  })
  message: string;

  @ApiProperty({ type: ReadinessDto })
  data: ReadinessDto;
}

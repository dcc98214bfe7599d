import { ApiProperty } from '@nestjs/swagger';
import type { ApiError } from '../api-response';

/** The one error shape (see HttpErrorFilter), for the OpenAPI document. */
export class ApiErrorDto implements ApiError {
  @ApiProperty({
    type: 'integer',
    description: 'The HTTP status, repeated in the body',
    example: 400,
  })
  code: number;

  @ApiProperty({
    description: 'What went wrong; for a 400, which parameter to fix and how',
    example: 'limit must be an integer between 1 and 100',
  })
  message: string;

  @ApiProperty({ type: 'null', description: 'Always null on an error', example: null })
  data: null;
}

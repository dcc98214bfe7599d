import { applyDecorators } from '@nestjs/common';
import { ApiResponse, type ResponseObject } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/dto/api-error.dto';

export type ErrorStatus = 400 | 401 | 403 | 404 | 413 | 429 | 500 | 502 | 503;

/** Documents an operation's own errors, each in the one error shape, with when it happens. */
export const ApiErrors = (errors: Partial<Record<ErrorStatus, string>>) =>
  applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({ status: Number(status), description, type: ApiErrorDto }),
    ),
  );

/** The same, for responses added to the document after the scan. */
export const errorResponse = (description: string): ResponseObject => ({
  description,
  content: {
    'application/json': { schema: { $ref: `#/components/schemas/${ApiErrorDto.name}` } },
  },
});

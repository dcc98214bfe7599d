import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { Response } from 'express';
import { redactUrl, requestIdOf } from '../logging/request-logging';
import type { ApiError } from './api-response';

/**
 * Every error leaves in one shape, `{code, message, data: null}`. A client's mistake is a 4xx
 * with a message that names what to fix; anything else is logged and answered with a bland 500.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const requestId = requestIdOf(http.getRequest<object>());
    const error = { ...this.toApiError(exception), ...(requestId && { requestId }) };
    if (error.code >= 500) this.logger.error(`${describe(exception)} (request ${requestId})`);
    response.status(error.code).json(error);
  }

  private toApiError(exception: unknown): ApiError {
    if (exception instanceof NotFoundException) {
      return {
        code: HttpStatus.NOT_FOUND,
        message: withoutSecrets(messageOf(exception)),
        data: null,
      };
    }
    if (exception instanceof HttpException) {
      return { code: exception.getStatus(), message: messageOf(exception), data: null };
    }
    if (isStatementTimeout(exception)) {
      return {
        code: HttpStatus.SERVICE_UNAVAILABLE,
        message:
          'The query ran past READ_STATEMENT_TIMEOUT_MS and was cancelled: ask for a smaller page, or follow cursor',
        data: null,
      };
    }
    const status = clientErrorStatus(exception);
    if (status) return { code: status, message: bodyParserMessage(exception), data: null };
    return { code: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error', data: null };
  }
}

/** An unknown route's message names its URL ("Cannot POST /path?key=…"): never echo a secret. */
function withoutSecrets(message: string): string {
  const route = /^Cannot (\S+) (.*)$/.exec(message);
  return route ? `Cannot ${route[1]} ${redactUrl(route[2])}` : message;
}

function messageOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return exception instanceof BadRequestException ? 'Bad request' : exception.message;
}

/** PostgreSQL's query_canceled: the read pool's statement_timeout cut a query short. */
function isStatementTimeout(exception: unknown): boolean {
  const cause = (exception as { driverError?: { code?: unknown } } | null)?.driverError;
  return cause?.code === '57014';
}

/** Errors raised before routing (a malformed JSON body, say) carry their own 4xx status. */
function clientErrorStatus(exception: unknown): number | undefined {
  const status = (exception as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function bodyParserMessage(exception: unknown): string {
  const type = (exception as { type?: unknown }).type;
  if (type === 'entity.parse.failed') return 'Request body is not valid JSON';
  if (type === 'entity.too.large') return 'Request body is too large';
  return 'Bad request';
}

function describe(exception: unknown): string {
  return exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
}

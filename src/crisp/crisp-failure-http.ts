import {
  BadGatewayException,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { CrispApiError, type CrispFailureKind } from './crisp-api-error';
import { CrispBudgetExhaustedError } from './crisp-budget-exhausted.error';

/**
 * The status for a Crisp failure of this kind, as `crispFailureAsHttp` answers it: the caller's
 * mistake is a 404, a refusal of Crisp's a 502, a reason to wait a 503.
 */
export function httpStatusOfCrispFailure(kind: CrispFailureKind): 404 | 502 | 503 {
  if (kind === 'not_subscribed' || kind === 'not_found') return 404;
  if (kind === 'unauthorized' || kind === 'client') return 502;
  return 503;
}

/**
 * What an endpoint that calls Crisp answers when Crisp fails: the caller's mistake (no such
 * website for this plugin, no such conversation) is a 404; a refusal or fault of Crisp's is a
 * 502; a wait (quota, rate limit, outage, our daily budget) is a 503. Anything else is not Crisp's.
 */
export function crispFailureAsHttp(error: unknown): HttpException | null {
  if (error instanceof CrispBudgetExhaustedError) {
    return new ServiceUnavailableException(
      `Crisp request budget spent for today; try again after ${error.resumesAt.toISOString()}`,
    );
  }
  if (!(error instanceof CrispApiError)) return null;
  switch (httpStatusOfCrispFailure(error.kind)) {
    case 404:
      return new NotFoundException(
        error.kind === 'not_subscribed'
          ? 'The Crisp plugin is not installed on this website'
          : 'Crisp has no such website or conversation',
      );
    case 502:
      return new BadGatewayException(
        error.kind === 'unauthorized'
          ? 'Crisp refused the configured credentials (CRISP_IDENTIFIER, CRISP_KEY)'
          : `Crisp refused the request (${error.reason})`,
      );
    default:
      return new ServiceUnavailableException(`Crisp is unavailable (${error.reason}); retry later`);
  }
}

import {
  BadGatewayException,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { CrispApiError } from './crisp-api-error';
import { CrispBudgetExhaustedError } from './crisp-budget-exhausted.error';

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
  switch (error.kind) {
    case 'not_subscribed':
      return new NotFoundException('The Crisp plugin is not installed on this website');
    case 'not_found':
      return new NotFoundException('Crisp has no such website or conversation');
    case 'unauthorized':
      return new BadGatewayException(
        'Crisp refused the configured credentials (CRISP_IDENTIFIER, CRISP_KEY)',
      );
    case 'client':
      return new BadGatewayException(`Crisp refused the request (${error.reason})`);
    default:
      return new ServiceUnavailableException(`Crisp is unavailable (${error.reason}); retry later`);
  }
}

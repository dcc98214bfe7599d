import { loadAppConfig } from '../../src/config/load-app-config';
import { ConfigValidationError } from '../../src/config/validate-environment';

/** A path that holds no .env file, so that only the given variables count. */
export const NO_ENV_FILE = '/nonexistent/.env';

/** The problems the configuration is refused for, or none when it is taken. */
export function configProblems(environment: Record<string, string>): string[] {
  try {
    loadAppConfig(environment, NO_ENV_FILE);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

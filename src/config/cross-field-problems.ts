import type { EnvironmentVariables } from './environment-variables';
import { weakSecretProblems } from './weak-secrets';

/**
 * What no single variable's rule can see: variables that contradict each other, production
 * without a token or a database, and secrets that are valid but guessable. `alreadyRefused`:
 * variables their own rules refused, so as not to report them twice.
 */
export function describeCrossFieldProblems(
  variables: EnvironmentVariables,
  alreadyRefused: Set<string>,
): string[] {
  const problems: string[] = [];
  if (variables.DATABASE_URL && variables.DB_HOST) {
    problems.push('DATABASE_URL and DB_HOST: set one of them, not both');
  }
  problems.push(...embeddedDatabaseProblems(variables));
  if (variables.DB_HOST && !variables.DB_NAME) {
    problems.push('DB_NAME: required when DB_HOST is set');
  }
  problems.push(...weakSecretProblems(variables, alreadyRefused));
  if (Boolean(variables.CRISP_IDENTIFIER) !== Boolean(variables.CRISP_KEY)) {
    problems.push('CRISP_IDENTIFIER and CRISP_KEY: set both or neither');
  }
  if (
    variables.NODE_ENV === 'production' &&
    !variables.API_TOKEN &&
    !variables.API_ADMIN_TOKENS &&
    !variables.API_READ_TOKENS
  ) {
    problems.push(
      'API_TOKEN: required when NODE_ENV=production (the API would be open to anyone who reaches it)',
    );
  }
  if (variables.CRISP_REST_URL.endsWith('/')) {
    problems.push('CRISP_REST_URL: must not end with a slash (the Crisp client appends /v1/)');
  }
  return problems;
}

/** A production instance on a development database is a mistake unless it says otherwise. */
function embeddedDatabaseProblems(variables: EnvironmentVariables): string[] {
  const configured = Boolean(variables.DATABASE_URL || variables.DB_HOST);
  if (configured && variables.EMBEDDED_DB === true)
    return ['EMBEDDED_DB: true, but DATABASE_URL or DB_HOST is set: choose one'];
  if (configured) return [];
  if (variables.EMBEDDED_DB === false)
    return ['DATABASE_URL or DB_HOST: required when EMBEDDED_DB=false'];
  if (variables.NODE_ENV === 'production' && variables.EMBEDDED_DB !== true)
    return [
      'DATABASE_URL or DB_HOST: required when NODE_ENV=production (the embedded PostgreSQL is for development; EMBEDDED_DB=true runs it anyway)',
    ];
  return [];
}

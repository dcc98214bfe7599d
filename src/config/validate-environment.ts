import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { describeCrossFieldProblems } from './cross-field-problems';
import { EnvironmentVariables } from './environment-variables';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Names only, never values: a bad DB_PASSWORD must not end up in a log. */
function describeProblems(errors: ValidationError[]): string[] {
  return errors.map((error) => {
    const reasons = Object.values(error.constraints ?? {}).map((reason) =>
      reason.replace(new RegExp(`^${error.property} `), ''),
    );
    return `${error.property}: ${reasons.join('; ')}`;
  });
}

export function validateEnvironment(environment: Record<string, string | undefined>) {
  const variables = plainToInstance(EnvironmentVariables, withoutUndefined(environment), {
    exposeDefaultValues: true,
  });
  const errors = validateSync(variables, { whitelist: false, skipMissingProperties: false });
  const refused = new Set(errors.map((error) => error.property));
  const problems = [...describeProblems(errors), ...describeCrossFieldProblems(variables, refused)];
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return variables;
}

function withoutUndefined(environment: Record<string, string | undefined>) {
  return Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined),
  ) as Record<string, string>;
}

import type { EnvironmentVariables } from './environment-variables';

/** `aaaa…`: what a placeholder or a test value looks like, never what a generator gives. */
const ONE_CHARACTER_REPEATED = /^(.)\1*$/;

/**
 * Secrets that pass their length and character rules (see EnvironmentVariables) but are still
 * guessable. Messages name the variable, and for a list the position, never the value.
 *
 * CRISP_WEBHOOK_SECRET keeps its old 8-character floor rather than the 32 of the others: Crisp
 * generates it (Marketplace, the plugin's Plugin Hooks settings) and does not document its length,
 * so a floor of 32 could refuse a genuine one; no generator ever gives one character repeated.
 */
export function weakSecretProblems(
  variables: EnvironmentVariables,
  alreadyRefused: ReadonlySet<string>,
): string[] {
  const secrets: [name: string, value: string | undefined][] = [
    ['API_TOKEN', variables.API_TOKEN],
    ['API_ADMIN_TOKENS', variables.API_ADMIN_TOKENS],
    ['API_READ_TOKENS', variables.API_READ_TOKENS],
    ['CRISP_WEBHOOK_SECRET', variables.CRISP_WEBHOOK_SECRET],
    ['CRISP_WEBSITE_HOOK_KEY', variables.CRISP_WEBSITE_HOOK_KEY],
  ];
  return secrets.flatMap(([name, value]) =>
    value && !alreadyRefused.has(name) ? repeatedCharacterProblems(name, value) : [],
  );
}

function repeatedCharacterProblems(name: string, value: string): string[] {
  const isList = name.endsWith('_TOKENS') || value.includes(',');
  const items = isList ? value.split(',') : [value];
  return items.flatMap((item, index) =>
    ONE_CHARACTER_REPEATED.test(item)
      ? [
          `${name}: ${isList ? `${name.endsWith('_TOKENS') ? 'token' : 'key'} ${index + 1} is` : 'must not be'} one character repeated (too weak; e.g. openssl rand -hex 32)`,
        ]
      : [],
  );
}

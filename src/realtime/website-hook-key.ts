import { createHash, timingSafeEqual } from 'node:crypto';

const digestOf = (text: string) => createHash('sha256').update(text).digest();

/**
 * Crisp does not sign Website Hooks; their docs suggest a secret key in the hook URL instead
 * (docs.crisp.chat/guides/web-hooks/website-hooks). Compared over SHA-256 digests, so the time
 * taken says nothing of the key's length or of how much of it matched. Several keys are
 * accepted while one is rotated.
 */
export function isWebsiteHookKey(configured: readonly string[], given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const digest = digestOf(given);
  // Every key is compared, so the time taken does not say which one matched.
  return configured.reduce(
    (matched, key) => timingSafeEqual(digestOf(key), digest) || matched,
    false,
  );
}

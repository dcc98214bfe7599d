/**
 * Fake Crisp tokens and what each one may see, shared by the REST and RTM layers so that both
 * authenticate and scope exactly the same way.
 */
import type { GroundTruth } from './ground-truth';
import type { CrispTierName, SimCredential } from './simulator-types';

export const DEFAULT_CREDENTIAL: SimCredential = Object.freeze({
  identifier: 'sim-plugin-identifier',
  key: 'sim-plugin-key',
  tier: 'plugin',
  websiteIds: 'all',
});

export class CredentialStore {
  private readonly credentials: SimCredential[];

  constructor(
    credentials: readonly SimCredential[],
    private readonly truth: GroundTruth,
  ) {
    this.credentials = credentials.map((c) => ({
      ...c,
      websiteIds: c.websiteIds === 'all' ? 'all' : [...c.websiteIds],
    }));
  }

  list(): readonly SimCredential[] {
    return this.credentials;
  }

  /** Exact identifier + key + tier match, as Crisp checks a token against its tier. */
  authenticate(identifier: string, key: string, tier: string): SimCredential | null {
    return (
      this.credentials.find(
        (c) => c.identifier === identifier && c.key === key && c.tier === tier,
      ) ?? null
    );
  }

  /** Parses `Authorization: Basic …` + `X-Crisp-Tier`; null when missing, malformed or unknown. */
  fromHeaders(authorization: string | undefined, tier: string | undefined): SimCredential | null {
    if (!authorization || !tier) {
      return null;
    }
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/.exec(authorization.trim());
    if (!match) {
      return null;
    }
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator < 0) {
      return null;
    }
    return this.authenticate(decoded.slice(0, separator), decoded.slice(separator + 1), tier);
  }

  covers(credential: SimCredential, websiteId: string): boolean {
    return credential.websiteIds === 'all'
      ? this.truth.websites.has(websiteId)
      : credential.websiteIds.includes(websiteId);
  }

  /** Websites a token is subscribed to, in a stable order (truth order, then listed order). */
  websitesOf(credential: SimCredential): string[] {
    return credential.websiteIds === 'all' ? this.truth.websiteIds() : [...credential.websiteIds];
  }

  /** Changes a token's subscriptions at runtime (e.g. to test `socket:bind` re-scoping). */
  setWebsites(identifier: string, websiteIds: readonly string[] | 'all'): void {
    const credential = this.credentials.find((c) => c.identifier === identifier);
    if (!credential) {
      throw new Error(`CredentialStore.setWebsites: unknown identifier ${identifier}`);
    }
    credential.websiteIds = websiteIds === 'all' ? 'all' : [...websiteIds];
  }

  add(credential: SimCredential): void {
    this.credentials.push({
      ...credential,
      websiteIds: credential.websiteIds === 'all' ? 'all' : [...credential.websiteIds],
    });
  }
}

export function isTier(value: unknown): value is CrispTierName {
  return value === 'user' || value === 'website' || value === 'plugin';
}

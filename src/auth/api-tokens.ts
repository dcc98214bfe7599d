import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiSettings } from '../config/app-config';

export type TokenGrant = 'admin' | 'read';

interface KnownToken {
  digest: Buffer;
  grant: TokenGrant;
  /** Names the client in rate limits and logs without revealing the token. */
  clientId: string;
}

const digestOf = (token: string) => createHash('sha256').update(token).digest();

/** `Authorization: Bearer <token>` → the token, or null for anything else. */
export function bearerTokenOf(header: string | undefined): string | null {
  const match = header?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i);
  return match ? match[1] : null;
}

/**
 * The configured API tokens. A presented token is compared with every known one in constant
 * time (equal-length SHA-256 digests, no early exit), so timing tells nothing about any token.
 */
export class ApiTokens {
  private readonly known: KnownToken[];

  constructor(settings: Pick<ApiSettings, 'adminTokens' | 'readTokens'>) {
    const entry = (token: string, grant: TokenGrant): KnownToken => {
      const digest = digestOf(token);
      return { digest, grant, clientId: `${grant}:${digest.toString('hex').slice(0, 12)}` };
    };
    this.known = [
      ...settings.adminTokens.map((token) => entry(token, 'admin')),
      ...settings.readTokens.map((token) => entry(token, 'read')),
    ];
  }

  /** No token configured: the API is open (development only; refused at start in production). */
  get open(): boolean {
    return this.known.length === 0;
  }

  /** What a presented token grants, admin winning if the same token is listed twice. */
  verify(token: string | null): { grant: TokenGrant; clientId: string } | null {
    if (token === null) return null;
    const digest = digestOf(token);
    let match: KnownToken | null = null;
    for (const known of this.known) {
      const equal = timingSafeEqual(known.digest, digest);
      if (equal && (!match || known.grant === 'admin')) match = known;
    }
    return match && { grant: match.grant, clientId: match.clientId };
  }
}

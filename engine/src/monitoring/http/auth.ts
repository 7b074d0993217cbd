import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Checks the dashboard API key. Both sides are hashed first so the comparison always runs over
 * 32 bytes in constant time, whatever the length of what the client sent (timingSafeEqual alone
 * would leak the key's length, or throw on a mismatch).
 */
export class ApiKeyCheck {
  private readonly expected: Buffer;

  constructor(key: string) {
    this.expected = digest(key);
  }

  matches(candidate: string | undefined): boolean {
    // A missing key is compared too, so a request without one costs the same as a wrong one.
    const match = timingSafeEqual(digest(candidate ?? ''), this.expected);
    return match && candidate !== undefined;
  }

  /** The key a request presents: `X-API-Key: <key>` or `Authorization: Bearer <key>`. */
  static presented(request: IncomingMessage): string | undefined {
    const header = request.headers['x-api-key'];
    if (typeof header === 'string' && header !== '') return header.trim();
    const authorization = request.headers.authorization;
    if (typeof authorization === 'string') {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (match?.[1] !== undefined) return match[1];
    }
    return undefined;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

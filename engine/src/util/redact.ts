/**
 * Masking for anything that may hold a secret. Used by the logger, `config show`, error
 * messages that name a database URL, and the HTTP API.
 */

const SECRET_KEY_PATTERN =
  /(secret|passphrase|password|private[_-]?key|api[_-]?key|token$|authorization|signature|^key$)/i;

export function maskSecret(value: string): string {
  if (value.length === 0) return value;
  if (value.length <= 8) return '****';
  return `${value.slice(0, 2)}****${value.slice(-2)}`;
}

/** postgres://user:pass@host/db → postgres://user:****@host/db */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:****@');
  }
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key);
}

/** A deep copy with every value under a secret-looking key masked and URLs' passwords hidden. */
export function redact<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') return (/^[a-z]+:\/\/[^\s]*@/i.test(value) ? maskUrl(value) : value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]' as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, seen)) as T;
  if (value instanceof Error) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    out[key] =
      isSecretKey(key) && typeof inner === 'string' && inner.length > 0
        ? maskSecret(inner)
        : redact(inner, seen);
  }
  return out as T;
}

import { maskSecret, maskUrl } from '../util/redact.js';

/**
 * Field names whose string values are secrets. Anchored so identifiers are left alone:
 * `telegramBotToken` and `token` are masked, `tokenId` (a Polymarket asset id) is not.
 */
const SECRET_FIELD =
  /(secret|passphrase|passw(or)?d|private_?key|api_?key|authorization|credential|token$|signature$|^key$)/i;

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^\s]*@/i;

/**
 * A deep copy for logging: values under secret field names masked, URL passwords hidden,
 * Errors turned into plain objects by `serializeError`. Value-based removal of known secrets is
 * the SecretScrubber's job; this one needs no registration.
 */
export function maskSecretFields(
  value: unknown,
  serialize: (error: Error) => unknown,
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return URL_WITH_CREDENTIALS.test(value) ? maskUrl(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) return maskSecretFields(serialize(value), serialize, seen);
  if (Array.isArray(value)) return value.map((item) => maskSecretFields(item, serialize, seen));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>))
    out[key] =
      isSecretField(key) && typeof inner === 'string' && inner !== ''
        ? maskSecret(inner)
        : maskSecretFields(inner, serialize, seen);
  return out;
}

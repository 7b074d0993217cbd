/**
 * Value-based secret removal. Key-based masking (secret-fields.ts) catches `{ apiSecret: … }`; this
 * catches the same secret wherever else it lands — a message string, an error text, a URL under
 * an innocent key. The CLI registers every secret it loaded (config's `secretValues`) once, at
 * startup, on the process-wide instance the logger and the HTTP surface consult.
 */
export class SecretScrubber {
  /** Shorter values would match ordinary text; real secrets are much longer. */
  static readonly MIN_LENGTH = 6;
  static readonly REPLACEMENT = '[redacted]';

  private readonly values = new Set<string>();
  private pattern: RegExp | null = null;

  add(values: Iterable<string>): void {
    for (const value of values) {
      if (value.length < SecretScrubber.MIN_LENGTH) continue;
      this.values.add(value);
      const encoded = encodeURIComponent(value);
      if (encoded !== value) this.values.add(encoded);
    }
    this.pattern =
      this.values.size === 0
        ? null
        : new RegExp(
            [...this.values]
              .sort((a, b) => b.length - a.length)
              .map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
              .join('|'),
            'g',
          );
  }

  clear(): void {
    this.values.clear();
    this.pattern = null;
  }

  get size(): number {
    return this.values.size;
  }

  scrubString(text: string): string {
    return this.pattern === null ? text : text.replace(this.pattern, SecretScrubber.REPLACEMENT);
  }

  /** A deep copy with every registered secret replaced; Errors become plain objects. */
  scrub<T>(value: T, seen = new WeakSet<object>()): T {
    if (typeof value === 'string') return this.scrubString(value) as T;
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[circular]' as T;
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => this.scrub(item, seen)) as T;
    if (value instanceof Error) return this.scrub(serializeError(value, true), seen) as T;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, unknown>))
      out[key] = this.scrub(inner, seen);
    return out as T;
  }
}

/** The process's secrets. Registered by the CLI after loading the config; read by the logger and HTTP surface. */
export const processSecrets = new SecretScrubber();

/**
 * An Error as a plain object with the fields worth logging. Own enumerable properties are
 * deliberately not copied: HTTP client errors carry request options (URLs with tokens, headers).
 */
export function serializeError(error: Error, withStack: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number') out.status = status;
  if (withStack && error.stack !== undefined) out.stack = error.stack;
  if (error.cause instanceof Error) out.cause = serializeError(error.cause, withStack);
  return out;
}

/** Small helpers shared by the storage specs (not exported from storage/testing/index.ts). */
import { randomBytes } from 'node:crypto';

export function uid(prefix = 'x'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** Runs `fn` with the process time zone set to `tz`, so naive-time bugs (G7) cannot hide behind a UTC host. */
export async function inTimeZone<T>(tz: string, fn: () => Promise<T>): Promise<T> {
  const previous = process.env.TZ;
  process.env.TZ = tz;
  try {
    return await fn();
  } finally {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  }
}

/** Resolves once `predicate` holds, polling without fixed sleeps in the assertion path. */
export async function waitUntil(
  predicate: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

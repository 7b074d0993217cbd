/**
 * The strategy API version this SDK speaks.
 *
 * The number changes only when a strategy written for the previous version could break:
 * a field removed or renamed in the context, a signal shape tightened, a hook's meaning changed.
 * Added optional fields are not breaking and do not bump it.
 *
 * History:
 * - 1: first public contract — `evaluate(ctx) → Signal` with BUY / SELL / WATCH / IGNORE,
 *      the context of market, token, trigger, book, position, params and `now`.
 */
export const API_VERSION = 1;

/** Every API version an engine built on this SDK can host. */
export const SUPPORTED_API_VERSIONS: readonly number[] = Object.freeze([1]);

export function isSupportedApiVersion(version: unknown): version is number {
  return typeof version === 'number' && SUPPORTED_API_VERSIONS.includes(version);
}

/**
 * The venue's vocabularies mapped onto ours: order statuses in both the short (LIVE) and the
 * OpenAPI (ORDER_STATUS_LIVE) forms, placement statuses, and errors — which failures are the
 * venue saying no (never retried) and which are the venue not answering (retryable: network,
 * timeouts, 425, 429, 5xx; reference §5.4 and §17).
 */
import { VenueError } from '../errors.js';
import { VenueRejectedError, VenueUnavailableError } from './errors.js';
import type { PlacementStatus, VenueOrderStatus } from './exchange.js';

const ORDER_STATUS: Readonly<Record<string, VenueOrderStatus>> = {
  LIVE: 'live',
  OPEN: 'live',
  DELAYED: 'delayed',
  MATCHED: 'matched',
  FILLED: 'matched',
  UNMATCHED: 'unmatched',
  CANCELED: 'cancelled',
  CANCELLED: 'cancelled',
  CANCELED_MARKET_RESOLVED: 'cancelled',
  CANCELLED_MARKET_RESOLVED: 'cancelled',
  EXPIRED: 'cancelled',
  INVALID: 'invalid',
};

/** LIVE, live, ORDER_STATUS_LIVE → 'live'; an unknown word is a VenueError naming it. */
export function mapOrderStatus(status: unknown): VenueOrderStatus {
  const key =
    typeof status === 'string'
      ? status
          .trim()
          .toUpperCase()
          .replace(/^ORDER_STATUS_/, '')
      : '';
  const mapped = ORDER_STATUS[key];
  if (!mapped) throw new VenueError('venue_malformed', `unknown order status ${JSON.stringify(status)}`);
  return mapped;
}

/** The status of a POST /order answer: matched, live, delayed or unmatched. */
export function mapPlacementStatus(status: unknown): PlacementStatus {
  const mapped = mapOrderStatus(status);
  if (mapped === 'matched' || mapped === 'live' || mapped === 'delayed' || mapped === 'unmatched')
    return mapped;
  throw new VenueError('venue_malformed', `unexpected placement status ${JSON.stringify(status)}`);
}

/** Messages the venue sends as text, mapped to the documented codes (reference §5.4). */
export const KILLED_CODES: ReadonlySet<string> = new Set([
  'FOK_ORDER_NOT_FILLED_ERROR',
  'FAK_ORDER_NOT_FILLED_ERROR',
]);

const MESSAGE_CODES: readonly (readonly [RegExp, string])[] = [
  [/not enough balance|allowance/i, 'INVALID_ORDER_NOT_ENOUGH_BALANCE'],
  [/lower than the minimum|min(imum)? size/i, 'INVALID_ORDER_MIN_SIZE'],
  [/tick size|breaks minimum tick/i, 'INVALID_ORDER_MIN_TICK_SIZE'],
  [/duplicat/i, 'INVALID_ORDER_DUPLICATED'],
  [/invalid signature/i, 'INVALID_SIGNATURE'],
  [/order_version_mismatch/i, 'ORDER_VERSION_MISMATCH'],
  [/expiration/i, 'INVALID_ORDER_EXPIRATION'],
  [/unauthori[sz]ed|invalid api key/i, 'UNAUTHORIZED'],
  [/fully filled or killed|couldn't be fully filled|fok.*not.*fill/i, 'FOK_ORDER_NOT_FILLED_ERROR'],
  [/FAK orders|no orders found to match/i, 'FAK_ORDER_NOT_FILLED_ERROR'],
  [/market not found|not ready/i, 'MARKET_NOT_READY'],
];

/** A documented code when the message is one (or names one), else a code from the message text. */
export function venueCodeFor(message: string, status?: number): string {
  const trimmed = message.trim();
  if (/^[A-Z][A-Z0-9_]{3,}$/.test(trimmed)) return trimmed;
  const named = /\b(INVALID_[A-Z_]+|[A-Z]+_ERROR|MARKET_NOT_READY|ORDER_DELAYED)\b/.exec(trimmed);
  if (named?.[1]) return named[1];
  for (const [pattern, code] of MESSAGE_CODES) if (pattern.test(trimmed)) return code;
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 404) return 'NOT_FOUND';
  return status ? `HTTP_${status}` : 'VENUE_ERROR';
}

export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 425 || status === 429 || status >= 500;
}

/** The text of an error body: `{error: "..."}`, `{errorMsg}`, `{message}` or a string. */
export function messageOf(body: unknown): string {
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && body !== null) {
    const record = body as Record<string, unknown>;
    for (const key of ['error', 'errorMsg', 'error_msg', 'message']) {
      const value = record[key];
      if (typeof value === 'string' && value.length > 0) return value;
      if (typeof value === 'object' && value !== null) return messageOf(value);
    }
    try {
      return JSON.stringify(body);
    } catch {
      return String(body);
    }
  }
  return String(body);
}

/** Seconds (number or numeric text) or an HTTP date → milliseconds, from a body or header value. */
export function retryAfterMs(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
  if (typeof value === 'string' && value.trim().length > 0) {
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

export interface RawVenueFailure {
  readonly status?: number;
  readonly body?: unknown;
  readonly message?: string;
  readonly cause?: unknown;
}

/** Sorts a failed venue call into "the venue said no" and "the venue did not answer". */
export function classifyFailure(failure: RawVenueFailure): VenueRejectedError | VenueUnavailableError {
  const message = failure.message ?? messageOf(failure.body);
  if (isRetryableStatus(failure.status)) {
    const body = failure.body as Record<string, unknown> | undefined;
    const after = retryAfterMs(
      body?.['retry_after_seconds'] ?? body?.['retryAfter'] ?? body?.['retry_after'],
    );
    const status = failure.status === undefined ? 'no response' : `HTTP ${failure.status}`;
    return new VenueUnavailableError(`venue unavailable (${status}): ${message}`, failure.status, after, {
      cause: failure.cause,
    });
  }
  return new VenueRejectedError(venueCodeFor(message, failure.status), message, failure.status, failure.body);
}

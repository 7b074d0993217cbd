/**
 * What a strategy answers. A signal is an intent, never an action: the engine verifies the price
 * against the live book, applies risk limits, rounds to the tick grid and places the order.
 */

export type SignalAction = 'BUY' | 'SELL' | 'WATCH' | 'IGNORE';
export type OrderType = 'GTC' | 'GTD' | 'FOK' | 'FAK';

export const SIGNAL_ACTIONS: readonly SignalAction[] = Object.freeze(['BUY', 'SELL', 'WATCH', 'IGNORE']);
export const ORDER_TYPES: readonly OrderType[] = Object.freeze(['GTC', 'GTD', 'FOK', 'FAK']);

/** Longest reason the engine keeps; longer ones are rejected as malformed. */
export const MAX_REASON_LENGTH = 500;

interface OrderSignalBase {
  /** Limit price, 0 < price < 1. Defaults to the trigger price. */
  readonly price?: number;
  /** Shares. Give `size` or `notional`, not both; with neither the engine's position size applies. */
  readonly size?: number;
  /** Dollars (collateral) to spend or receive. */
  readonly notional?: number;
  /** Defaults to GTC. */
  readonly orderType?: OrderType;
  /** Seconds a GTD order stays on the book. Required with GTD and only allowed with it. */
  readonly expiresInSeconds?: number;
  /** Human-readable: shown in the decision log and the dashboard. */
  readonly reason: string;
}

export interface BuySignal extends OrderSignalBase {
  readonly action: 'BUY';
}

export interface SellSignal extends OrderSignalBase {
  readonly action: 'SELL';
}

export interface WatchSignal {
  readonly action: 'WATCH';
  readonly reason: string;
  /** How long the market stays on the watchlist; the engine's default applies when absent. */
  readonly watchForSeconds?: number;
}

export interface IgnoreSignal {
  readonly action: 'IGNORE';
  readonly reason: string;
}

export type Signal = BuySignal | SellSignal | WatchSignal | IgnoreSignal;

type OrderFields = Omit<OrderSignalBase, 'reason'>;

export function buy(reason: string, fields: OrderFields = {}): BuySignal {
  return { action: 'BUY', reason, ...fields };
}

export function sell(reason: string, fields: OrderFields = {}): SellSignal {
  return { action: 'SELL', reason, ...fields };
}

export function watch(reason: string, fields: { watchForSeconds?: number } = {}): WatchSignal {
  return { action: 'WATCH', reason, ...fields };
}

export function ignore(reason: string): IgnoreSignal {
  return { action: 'IGNORE', reason };
}

export type SignalValidation =
  { readonly ok: true; readonly signal: Signal } | { readonly ok: false; readonly errors: string[] };

const ORDER_KEYS = new Set([
  'action',
  'reason',
  'price',
  'size',
  'notional',
  'orderType',
  'expiresInSeconds',
]);
const WATCH_KEYS = new Set(['action', 'reason', 'watchForSeconds']);
const IGNORE_KEYS = new Set(['action', 'reason']);

function isPositiveFinite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/**
 * Checks a value that claims to be a Signal. The engine runs this on everything a strategy
 * returns (the value may come from untrusted code in another thread), so it accepts only the
 * exact shapes above and names every problem it finds.
 */
export function validateSignal(value: unknown): SignalValidation {
  const errors: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: [`signal must be an object, got ${value === null ? 'null' : typeof value}`] };
  }
  const record = value as Record<string, unknown>;
  const action = record['action'];
  if (typeof action !== 'string' || !(SIGNAL_ACTIONS as readonly string[]).includes(action)) {
    return {
      ok: false,
      errors: [`signal.action must be one of ${SIGNAL_ACTIONS.join(', ')}, got ${JSON.stringify(action)}`],
    };
  }
  const reason = record['reason'];
  if (typeof reason !== 'string' || reason.trim().length === 0) {
    errors.push('signal.reason must be a non-empty string');
  } else if (reason.length > MAX_REASON_LENGTH) {
    errors.push(`signal.reason must be at most ${MAX_REASON_LENGTH} characters`);
  }
  const allowed = action === 'WATCH' ? WATCH_KEYS : action === 'IGNORE' ? IGNORE_KEYS : ORDER_KEYS;
  for (const key of Object.keys(record)) {
    if (!allowed.has(key)) errors.push(`signal.${key} is not allowed on a ${action} signal`);
  }
  if (action === 'BUY' || action === 'SELL') {
    const { price, size, notional, orderType, expiresInSeconds } = record;
    if (price !== undefined && !(isPositiveFinite(price) && price < 1)) {
      errors.push('signal.price must be a number strictly between 0 and 1');
    }
    if (size !== undefined && !isPositiveFinite(size)) errors.push('signal.size must be a positive number');
    if (notional !== undefined && !isPositiveFinite(notional))
      errors.push('signal.notional must be a positive number');
    if (size !== undefined && notional !== undefined)
      errors.push('signal.size and signal.notional are exclusive');
    if (orderType !== undefined && !(ORDER_TYPES as readonly unknown[]).includes(orderType)) {
      errors.push(`signal.orderType must be one of ${ORDER_TYPES.join(', ')}`);
    }
    if (orderType === 'GTD' && !isPositiveFinite(expiresInSeconds)) {
      errors.push('signal.expiresInSeconds is required with orderType GTD');
    }
    if (orderType !== 'GTD' && expiresInSeconds !== undefined) {
      errors.push('signal.expiresInSeconds is only allowed with orderType GTD');
    }
  }
  if (
    action === 'WATCH' &&
    record['watchForSeconds'] !== undefined &&
    !isPositiveFinite(record['watchForSeconds'])
  ) {
    errors.push('signal.watchForSeconds must be a positive number');
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, signal: record as unknown as Signal };
}

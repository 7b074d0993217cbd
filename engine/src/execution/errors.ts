import { OrderbookDivergenceError, RecoverableError, VenueError } from '../errors.js';

/**
 * Why execution refused an order. Each value is a metric label
 * (`polybot_order_rejections_total{reason}`) and the `code` of the error that carries it.
 */
export type RejectionReason =
  | 'invalid_order'
  | 'price_out_of_range'
  | 'below_min_size'
  | 'price_divergence'
  | 'max_positions'
  | 'position_size'
  | 'balance_reserve'
  | 'trading_halted'
  | 'duplicate_position'
  | 'no_position'
  | 'venue_rejected'
  | 'venue_unavailable'
  | 'stopped';

/** Something an order was refused for; the engine logs it, counts it and moves on. */
export interface OrderRejection {
  readonly reason: RejectionReason;
  readonly message: string;
}

/** Base of every refusal decided before or at the venue. Recoverable: the next event is unaffected. */
export class OrderRejectedError extends RecoverableError implements OrderRejection {
  constructor(
    readonly reason: RejectionReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(reason, message, options);
  }
}

/** The request cannot become a valid venue order: bad numbers, off the price range, under the minimum size. */
export class InvalidOrderError extends OrderRejectedError {
  constructor(
    reason: 'invalid_order' | 'price_out_of_range' | 'below_min_size' = 'invalid_order',
    message: string,
  ) {
    super(reason, message);
  }
}

/** A risk limit (MAX_POSITIONS, POSITION_SIZE, MIN_BALANCE_RESERVE, one position per condition, reduce-only SELL). */
export class RiskLimitError extends OrderRejectedError {
  constructor(
    reason: 'max_positions' | 'position_size' | 'balance_reserve' | 'duplicate_position' | 'no_position',
    message: string,
  ) {
    super(reason, message);
  }
}

/** The balance fell under `risk.minTradingBalance`: no new entries until it recovers (an alert was raised). */
export class TradingHaltedError extends OrderRejectedError {
  constructor(message: string) {
    super('trading_halted', message);
  }
}

/** Execution is stopping or stopped; nothing new is accepted. */
export class ExecutionStoppedError extends OrderRejectedError {
  constructor() {
    super('stopped', 'execution is stopped; no new orders are accepted');
  }
}

/** G5: the live book is too far from the price the trade was decided on. */
export class PriceDivergenceError extends OrderbookDivergenceError implements OrderRejection {
  readonly reason = 'price_divergence' as const;

  constructor(
    message: string,
    readonly expectedPrice: string,
    readonly actualPrice: number | null,
  ) {
    super('price_divergence', message);
  }
}

/** The venue refused the order outright (HTTP 400 or success:false). Retrying the same order cannot help. */
export class VenueRejectedError extends VenueError implements OrderRejection {
  readonly reason = 'venue_rejected' as const;

  constructor(
    /** The venue's code (e.g. INVALID_ORDER_MIN_SIZE) or a normalized one derived from its message. */
    readonly venueCode: string,
    message: string,
    status?: number,
    readonly body?: unknown,
  ) {
    super('venue_rejected', message, status);
  }
}

/**
 * The venue could not answer (network, timeout, 425, 429, 5xx). For a POST the order may or may
 * not have arrived: the caller resolves that by asking the venue, never by assuming.
 */
export class VenueUnavailableError extends VenueError implements OrderRejection {
  readonly reason = 'venue_unavailable' as const;

  constructor(
    message: string,
    status?: number,
    /** From Retry-After / retry_after_seconds when the venue gave one. */
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super('venue_unavailable', message, status, options);
  }
}

export function isOrderRejection(error: unknown): error is Error & OrderRejection {
  return (
    error instanceof OrderRejectedError ||
    error instanceof PriceDivergenceError ||
    error instanceof VenueRejectedError ||
    error instanceof VenueUnavailableError
  );
}

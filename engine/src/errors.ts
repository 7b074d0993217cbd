/**
 * One error hierarchy for the engine. Every failure is either recoverable (log, count, skip the
 * market or event, keep running) or fatal (stop processing, alert, exit or reconnect). Code that
 * catches decides by class, never by message text.
 */
export class PolybotError extends Error {
  /** A stable machine-readable code, used as a metric label and in API responses. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Log, count, skip the item in hand and carry on. */
export class RecoverableError extends PolybotError {}

/** Stop processing: the engine cannot safely continue in its current state. */
export class FatalError extends PolybotError {}

/** Bad configuration or usage; the CLI exits with code 2. */
export class ConfigError extends FatalError {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super('config_invalid', message);
  }
}

/** The database cannot be reached or migrated. */
export class DatabaseError extends FatalError {}

/** A migration failed or an applied one was edited. */
export class MigrationError extends DatabaseError {}

/** The venue answered with something we could not use; the request may be retried. */
export class VenueError extends RecoverableError {
  constructor(
    code: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** Live trading cannot start: credentials missing or invalid, CLOB client unusable. */
export class LiveModeError extends FatalError {}

/** The trigger's price is too far from the live book (gotcha G5). */
export class OrderbookDivergenceError extends RecoverableError {}

/** Not enough free balance for an order. Fatal for trading below the floor, see RiskGate. */
export class InsufficientBalanceError extends FatalError {}

/** A strategy misbehaved: threw, timed out, returned garbage. Skips that market only. */
export class StrategyError extends RecoverableError {}

export function isFatal(error: unknown): error is FatalError {
  return error instanceof FatalError;
}

/** Renders any thrown value as a one-line message, for logs and API responses. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

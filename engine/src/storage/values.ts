import { StorageInputError } from './errors.js';
import type { DecimalInput, TimestampInput } from './types.js';

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** ISO-8601 date-time without an offset: "2026-01-15 12:00", "2026-01-15T12:00:00.123456". */
const NAIVE_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A NUMERIC value as exact text. Strings pass through unchanged (after validation) so an exact
 * price such as "0.955" is never routed through a float; numbers use their shortest round-trip form.
 */
export function toDecimal(value: DecimalInput, what = 'value'): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StorageInputError(`${what} must be a finite number, got ${value}`);
    return String(value);
  }
  const text = value.trim();
  if (!DECIMAL.test(text))
    throw new StorageInputError(`${what} is not a decimal number: ${JSON.stringify(value)}`);
  return text;
}

export function toDecimalOrNull(value: DecimalInput | null | undefined, what = 'value'): string | null {
  return value === null || value === undefined ? null : toDecimal(value, what);
}

/**
 * A timestamp as a Date (G7). A string with an offset or `Z` keeps its instant; a string without
 * one is UTC — never the host's or the session's time zone. Numbers are epoch milliseconds.
 */
export function toTimestamp(value: TimestampInput, what = 'timestamp'): Date {
  let date: Date;
  if (value instanceof Date) date = new Date(value.getTime());
  else if (typeof value === 'number') date = new Date(value);
  else {
    const text = value.trim();
    if (NAIVE_DATE_TIME.test(text)) date = new Date(`${text.replace(' ', 'T')}Z`);
    else if (DATE_ONLY.test(text)) date = new Date(`${text}T00:00:00Z`);
    else if (/^\d+$/.test(text))
      throw new StorageInputError(
        `${what} ${JSON.stringify(value)} is ambiguous: pass epoch milliseconds as a number`,
      );
    else date = new Date(text);
  }
  if (Number.isNaN(date.getTime()))
    throw new StorageInputError(`${what} is not a valid time: ${String(value)}`);
  return date;
}

export function toTimestampOrNull(value: TimestampInput | null | undefined, what = 'timestamp'): Date | null {
  return value === null || value === undefined ? null : toTimestamp(value, what);
}

/** JSON for a jsonb column; undefined becomes SQL NULL. */
export function toJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value);
}

/** Clamps a caller's row limit into [1, max]. */
export function clampLimit(limit: number | undefined, fallback = 100, max = 10_000): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.floor(limit)));
}

import { StorageInputError } from '../errors.js';

/**
 * SQL literals for the tape's hot path. pg-promise's generic formatter costs tens of µs per row
 * (50+ ms for a 2000-row batch, all of it on the engine's event loop); rendering a row here costs
 * a few µs, so the TapeWriter renders each row once at append time and a flush only joins
 * strings. Inputs are already validated (toDecimal, toTimestamp); strings follow
 * standard_conforming_strings (on by default since PostgreSQL 9.1, and in PGlite), as pg-promise does.
 */
export function textLiteral(value: string): string {
  const text = String(value);
  // A NUL cannot travel in the protocol at all: the whole batch would fail as a protocol error.
  if (text.includes('\u0000'))
    throw new StorageInputError(`text contains a NUL character: ${JSON.stringify(text)}`);
  return `'${text.includes("'") ? text.replace(/'/g, "''") : text}'`;
}

export function nullableTextLiteral(value: string | null | undefined): string {
  return value === null || value === undefined ? 'NULL' : textLiteral(value);
}

/** `decimal` comes from toDecimal, so it holds only digits, sign, point and exponent. */
export function decimalLiteral(decimal: string | null): string {
  return decimal === null ? 'NULL' : `'${decimal}'`;
}

export function timestampLiteral(date: Date | null): string {
  return date === null ? 'NULL' : `'${date.toISOString()}'`;
}

/** `json` is JSON text (or null for SQL NULL). */
export function jsonLiteral(json: string | null): string {
  return json === null ? 'NULL' : textLiteral(json);
}

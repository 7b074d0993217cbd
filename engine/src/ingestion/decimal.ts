/**
 * Decimal text handling for prices and sizes. The venue sends decimal strings ("0.955",
 * "219.217767"); we keep that text for storage and orders and derive the number once, so no float
 * product ever becomes a stored size.
 */

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Parses a plain non-negative decimal ("5", "0.48", "3181.31") strictly; NaN for anything else
 * (empty, signs, exponents, hex, spaces, a trailing dot). A hand-rolled scan because it runs for
 * every level of every book frame: it validates and converts in one pass, and the quotient of two
 * exact doubles is correctly rounded, so the result equals `Number(text)`.
 */
export function parseDecimal(text: string): number {
  const length = text.length;
  if (length === 0 || length > 64) return NaN;
  let mantissa = 0;
  let digits = 0;
  let scale = -1;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (scale >= 0) scale++;
    } else if (c === 46 && scale < 0 && digits > 0 && i < length - 1) {
      scale = 0;
    } else {
      return NaN;
    }
  }
  // Beyond 15 significant digits the running mantissa is no longer exact; defer to the engine.
  if (digits > 15) return Number(text);
  return scale <= 0 ? mantissa : mantissa / (POW10[scale] as number);
}

/** True when `text` is a plain non-negative decimal. */
export function isDecimalText(text: unknown): text is string {
  return typeof text === 'string' && !Number.isNaN(parseDecimal(text));
}

/**
 * Renders a JSON number (the Data API and Gamma send some values as numbers) as plain decimal text
 * without exponent notation. `String(n)` already gives the shortest text that round-trips, which is
 * the literal the venue sent for every ordinary value; only exponent forms need rewriting.
 */
export function numberToDecimalText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const pointAt = (dot < 0 ? mantissa.length : dot) + exponent;
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${out}` : out;
}

/** Prices compare in integer micro-units: 0.95 − 0.85 must be exactly 0.10, not 0.0999…98. */
export const PRICE_UNITS = 1_000_000;

export function priceToUnits(price: number): number {
  return Math.round(price * PRICE_UNITS);
}

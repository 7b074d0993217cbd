/**
 * Exact decimal arithmetic in micro-units (1e-6), the venue's own unit for collateral and outcome
 * tokens. Every price, size and amount that reaches an order or the database passes through
 * here, so no binary-float product ever decides how much money moves.
 */

/** A decimal scaled by 1e6: 0.95 → 950000n. */
export type Micros = bigint;

export const MICRO_DECIMALS = 6;
export const ONE: Micros = 1_000_000n;
export const ZERO: Micros = 0n;

export type Rounding = 'down' | 'up' | 'half-up' | 'exact';

const DECIMAL_PATTERN = /^([+-])?(\d+)?(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

/** Thrown for text or numbers that are not plain decimals; callers turn it into their own error. */
export class DecimalFormatError extends Error {
  constructor(
    readonly value: unknown,
    reason: string,
  ) {
    super(`${JSON.stringify(value)} is not a valid decimal: ${reason}`);
    this.name = 'DecimalFormatError';
  }
}

/**
 * Parses a decimal string or number into micros. Numbers are read through their 15 significant
 * digits (all a double holds exactly) so binary noise such as 0.1 + 0.2 collapses to the decimal
 * the writer meant; `rounding` decides what happens to digits past the sixth ('exact' refuses them).
 */
export function toMicros(value: string | number | bigint, rounding: Rounding = 'exact'): Micros {
  if (typeof value === 'bigint') return value * ONE;
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new DecimalFormatError(value, 'not a finite number');
    if (Math.abs(value) >= 1e15) throw new DecimalFormatError(value, 'out of range');
    text = value.toPrecision(15);
  } else {
    text = value.trim();
  }
  const match = DECIMAL_PATTERN.exec(text);
  if (!match || (match[2] === undefined && (match[3] === undefined || match[3] === ''))) {
    throw new DecimalFormatError(value, 'expected digits with an optional decimal point');
  }
  const negative = match[1] === '-';
  const [whole, fraction] = shiftPoint(match[2] ?? '0', match[3] ?? '', Number(match[4] ?? '0'));
  const kept = fraction.slice(0, MICRO_DECIMALS).padEnd(MICRO_DECIMALS, '0');
  const dropped = fraction.slice(MICRO_DECIMALS);
  let magnitude = BigInt(whole) * ONE + BigInt(kept);
  if (/[1-9]/.test(dropped)) {
    if (rounding === 'exact')
      throw new DecimalFormatError(value, `more than ${MICRO_DECIMALS} decimal places`);
    // Rounding acts on the magnitude toward the requested direction of the signed value.
    const towardUp =
      rounding === 'up' ? !negative : rounding === 'down' ? negative : dropped.charCodeAt(0) >= 53;
    if (towardUp) magnitude += 1n;
  }
  return negative ? -magnitude : magnitude;
}

/** Moves the decimal point of whole.fraction by `exponent` places (scientific notation). */
function shiftPoint(whole: string, fraction: string, exponent: number): [string, string] {
  if (exponent === 0) return [whole, fraction];
  const digits = whole + fraction;
  const point = whole.length + exponent;
  if (point <= 0) return ['0', '0'.repeat(-point) + digits];
  if (point >= digits.length) return [digits + '0'.repeat(point - digits.length), ''];
  return [digits.slice(0, point), digits.slice(point)];
}

/** Micros as a plain decimal string without trailing zeros: 950000n → "0.95". */
export function formatMicros(value: Micros): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const whole = magnitude / ONE;
  const fraction = (magnitude % ONE).toString().padStart(MICRO_DECIMALS, '0').replace(/0+$/, '');
  const text = fraction.length > 0 ? `${whole}.${fraction}` : `${whole}`;
  return negative ? `-${text}` : text;
}

/** Micros as a JS number, for metrics and logs only — never for order maths. */
export function microsToNumber(value: Micros): number {
  return Number(value) / 1e6;
}

/** Integer division with an explicit rounding direction (for non-negative operands). */
export function divRound(
  numerator: bigint,
  denominator: bigint,
  rounding: Exclude<Rounding, 'exact'>,
): bigint {
  if (denominator <= 0n) throw new RangeError('division by a non-positive number');
  if (numerator < 0n) throw new RangeError('divRound expects a non-negative numerator');
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder === 0n) return quotient;
  if (rounding === 'up') return quotient + 1n;
  if (rounding === 'half-up') return remainder * 2n >= denominator ? quotient + 1n : quotient;
  return quotient;
}

/** a × b for two micro values, back in micros. */
export function mulMicros(a: Micros, b: Micros, rounding: Exclude<Rounding, 'exact'> = 'down'): Micros {
  return divRound(a * b, ONE, rounding);
}

/** a ÷ b for two micro values, back in micros. */
export function divMicros(a: Micros, b: Micros, rounding: Exclude<Rounding, 'exact'> = 'down'): Micros {
  return divRound(a * ONE, b, rounding);
}

/** Largest multiple of `quantum` not above `value` (value ≥ 0). */
export function floorTo(value: Micros, quantum: Micros): Micros {
  return (value / quantum) * quantum;
}

/** Smallest multiple of `quantum` not below `value` (value ≥ 0). */
export function ceilTo(value: Micros, quantum: Micros): Micros {
  return divRound(value, quantum, 'up') * quantum;
}

export function minMicros(a: Micros, b: Micros): Micros {
  return a < b ? a : b;
}

export function maxMicros(a: Micros, b: Micros): Micros {
  return a > b ? a : b;
}

/** |a − b| */
export function absDiff(a: Micros, b: Micros): Micros {
  return a > b ? a - b : b - a;
}

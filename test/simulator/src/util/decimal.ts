/**
 * Fixed-point helpers. The venue keeps every price, size and amount in 1e6 integer units (the
 * collateral and conditional tokens both have 6 decimals), so no float product ever reaches a book,
 * a balance or a response.
 */

export const MICRO = 1_000_000n;
const DECIMAL = /^(\d+)(?:\.(\d*))?$/;

/**
 * Parses a non-negative decimal into 1e6 units: strings exactly (more than 6 decimals is an error),
 * numbers through their shortest form rounded to 6 decimals (so 0.1 + 0.2 is 0.3, not an error).
 */
export function toMicro(value: string | number): bigint {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a non-negative number: ${value}`);
    text = String(value);
    const dot = text.indexOf('.');
    if (text.includes('e') || (dot >= 0 && text.length - dot - 1 > 6)) text = value.toFixed(6);
  } else {
    text = value.trim();
  }
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`not a decimal: ${JSON.stringify(value)}`);
  const whole = match[1] ?? '0';
  const frac = match[2] ?? '';
  if (frac.length > 6 && /[1-9]/.test(frac.slice(6))) {
    throw new RangeError(`more than 6 decimals: ${text}`);
  }
  return BigInt(whole) * MICRO + BigInt((frac.slice(0, 6) + '000000').slice(0, 6));
}

/** Like toMicro but answers undefined instead of throwing. */
export function tryMicro(value: unknown): bigint | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return toMicro(value);
  } catch {
    return undefined;
  }
}

/** 1e6 units → shortest decimal string ("5", "0.55", "0.000001"). */
export function fromMicro(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / MICRO;
  const frac = (abs % MICRO).toString().padStart(6, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

export function microToNumber(units: bigint): number {
  return Number(fromMicro(units));
}

/** floor(a * b / c) for non-negative operands. */
export function mulDiv(a: bigint, b: bigint, c: bigint): bigint {
  return (a * b) / c;
}

/** ceil(a * b / c) for non-negative operands. */
export function mulDivCeil(a: bigint, b: bigint, c: bigint): bigint {
  const p = a * b;
  return (p + c - 1n) / c;
}

export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/**
 * Smallest share quantity (1e6 units) whose cost at `price` is a whole number of collateral units.
 * Fills are rounded down to it so collateral moves exactly.
 */
export function shareStep(price: bigint): bigint {
  return MICRO / gcd(price, MICRO);
}

export function roundDownTo(value: bigint, step: bigint): bigint {
  return value - (value % step);
}

/** Number of decimals a tick size is quoted with (0.005 → 3, 0.0025 → 4). */
export function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** Formats 1e6 units with at least `minDecimals` decimals ("0.5" → "0.50" for two). */
export function fromMicroPadded(units: bigint, minDecimals: number): string {
  const text = fromMicro(units);
  const dot = text.indexOf('.');
  const have = dot < 0 ? 0 : text.length - dot - 1;
  if (have >= minDecimals) return text;
  return (dot < 0 ? `${text}.` : text) + '0'.repeat(minDecimals - have);
}

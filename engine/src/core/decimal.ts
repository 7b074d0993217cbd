/**
 * A strategy speaks in JS numbers; the engine stores and orders in decimal strings. Ten decimal
 * places is far below any tick (0.0001) yet above binary noise such as 0.1 + 0.2, so rounding
 * there and trimming zeros recovers the decimal the author meant.
 */
export function toDecimalString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const fixed = value.toFixed(10);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

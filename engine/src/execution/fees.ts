/**
 * The CLOB V2 taker fee (reference §16.1): fee = shares × rate × (p·(1−p))^exponent in collateral,
 * charged to the taker at match time, floored to 5 decimals (the one observation of the venue's
 * rounding; the simulator does the same). Makers pay nothing.
 */
import { ONE, ZERO, mulMicros, toMicros, type Micros } from './fixed.js';
import type { FeeSchedule } from './ports.js';

export function takerFeeFor(shares: Micros, price: Micros, fee: FeeSchedule | null | undefined): Micros {
  if (!fee) return ZERO;
  let rate: Micros;
  try {
    rate = toMicros(fee.rate, 'down');
  } catch {
    return ZERO;
  }
  if (rate <= ZERO || shares <= ZERO || fee.exponent < 0) return ZERO;
  const variance = price * (ONE - price);
  let numerator = shares * rate;
  let denominator = ONE;
  for (let i = 0; i < fee.exponent; i++) {
    numerator *= variance;
    denominator *= ONE * ONE;
  }
  const exact = numerator / denominator;
  return exact - (exact % 10n);
}

/** A fee schedule from the `fee_rate_bps` a trade reports, when the market's exponent is unknown. */
export function scheduleFromBps(feeRateBps: string | null, exponent: number): FeeSchedule | null {
  if (!feeRateBps || !/^\d+(\.\d+)?$/.test(feeRateBps.trim())) return null;
  const rate = mulMicros(toMicros(feeRateBps.trim(), 'down'), 100n);
  return rate > ZERO ? { rate: (Number(rate) / 1e6).toString(), exponent } : null;
}

import type { SimMarket } from '../types.js';
import { MICRO } from '../util/decimal.js';

/**
 * Taker fee of CLOB V2 (reference §16.1): fee = shares × r × (p·(1−p))^e in collateral, charged at
 * match time to the taker only. Computed in integers and floored to 5 decimals (the one third-party
 * observation of the venue's rounding).
 */
export function takerFee(market: SimMarket, shares: bigint, price: bigint): bigint {
  if (market.feeRate <= 0 || shares <= 0n) return 0n;
  const rate = BigInt(Math.round(market.feeRate * 1_000_000));
  const pq = price * (MICRO - price);
  let numerator = shares * rate;
  let denominator = MICRO;
  for (let i = 0; i < market.feeExponent; i++) {
    numerator *= pq;
    denominator *= MICRO * MICRO;
  }
  const fee = numerator / denominator;
  return fee - (fee % 10n);
}

/** The fee rate as basis points, as trades report it (`fee_rate_bps`). */
export function feeRateBps(market: SimMarket): string {
  return String(Math.round(market.feeRate * 10_000));
}

import type { SimMarket } from '../types.js';
import { MICRO, toMicro } from '../util/decimal.js';
import type { PublicPrint } from './records.js';
import type { Venue } from './venue.js';

export interface Quote {
  readonly bestBid: bigint | undefined;
  readonly bestAsk: bigint | undefined;
  readonly mid: bigint | undefined;
  readonly spread: bigint | undefined;
  readonly last: PublicPrint | undefined;
  /** The price the venue displays: the midpoint, or the last trade when the spread is wider than 10¢. */
  readonly display: bigint;
}

const WIDE_SPREAD = 100_000n;

export function quote(venue: Venue, market: SimMarket, outcomeIndex: 0 | 1): Quote {
  const book = venue.engine.book(market, outcomeIndex);
  const bestBid = book.best('BUY');
  const bestAsk = book.best('SELL');
  const mid = bestBid !== undefined && bestAsk !== undefined ? (bestBid + bestAsk) / 2n : undefined;
  const spread = bestBid !== undefined && bestAsk !== undefined ? bestAsk - bestBid : undefined;
  const last = venue.tape.last(market.tokenIds[outcomeIndex]);
  let display: bigint;
  if (market.closed) display = resolvedPrice(market, outcomeIndex);
  else if (mid !== undefined && spread !== undefined && spread <= WIDE_SPREAD) display = mid;
  else if (last) display = last.price;
  else if (mid !== undefined) display = mid;
  else {
    const base = toMicro(market.basePrice.toFixed(6));
    display = outcomeIndex === 0 ? base : MICRO - base;
  }
  return { bestBid, bestAsk, mid, spread, last, display };
}

function resolvedPrice(market: SimMarket, outcomeIndex: 0 | 1): bigint {
  const yesWon = market.basePrice >= 0.5;
  return (outcomeIndex === 0) === yesWon ? MICRO : 0n;
}

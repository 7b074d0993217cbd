/**
 * Pure matching maths for the paper venue: read a live book's levels exactly and walk them like a
 * taker would (best price first, never past the limit). No state, no I/O.
 */
import {
  DecimalFormatError,
  ONE,
  ZERO,
  divRound,
  minMicros,
  mulMicros,
  toMicros,
  type Micros,
} from './fixed.js';
import type { Side } from './order-math.js';
import type { BookLevelLike } from './ports.js';

export interface Level {
  readonly price: Micros;
  readonly size: Micros;
}

/** Book levels in micros, best first as given; malformed or empty levels are skipped. */
export function toLevels(levels: readonly BookLevelLike[] | undefined): Level[] {
  const out: Level[] = [];
  for (const level of levels ?? []) {
    try {
      const price = toMicros(level.priceText ?? level.price, 'half-up');
      const size = toMicros(level.sizeText ?? level.size, 'down');
      if (price > ZERO && price < ONE && size > ZERO) out.push({ price, size });
    } catch (error) {
      if (!(error instanceof DecimalFormatError)) throw error;
    }
  }
  return out;
}

export interface TakerFill {
  readonly price: Micros;
  readonly size: Micros;
}

export interface TakerMatch {
  readonly fills: readonly TakerFill[];
  /** Shares matched. */
  readonly shares: Micros;
  /** Collateral exchanged (Σ price × size). */
  readonly collateral: Micros;
}

/**
 * Walks the opposite side of the book for a taker order. `limit` caps the price (BUY pays at
 * most, SELL receives at least). Sized either in shares, or — for a market BUY — by a dollar
 * budget. `available` tells how much of a level is still free (liquidity already used by
 * earlier paper orders against the same book).
 */
export function matchTaker(
  side: Side,
  limit: Micros,
  opposite: readonly Level[],
  want: { readonly shares: Micros } | { readonly budget: Micros },
  available: (level: Level) => Micros = (level) => level.size,
): TakerMatch {
  const fills: TakerFill[] = [];
  let shares = ZERO;
  let collateral = ZERO;
  for (const level of opposite) {
    if (side === 'BUY' ? level.price > limit : level.price < limit) break;
    const free = available(level);
    if (free <= ZERO) continue;
    let take: Micros;
    if ('shares' in want) {
      take = minMicros(free, want.shares - shares);
    } else {
      const affordable = divRound((want.budget - collateral) * ONE, level.price, 'down');
      take = minMicros(free, affordable);
    }
    if (take <= ZERO) break;
    const cost = mulMicros(take, level.price, 'down');
    fills.push({ price: level.price, size: take });
    shares += take;
    collateral += cost;
    // Took less than the level offered: the order, not the book, is exhausted.
    if (take < free) break;
  }
  return { fills, shares, collateral };
}

import type { Side } from '../types.js';
import type { OrderRecord } from './records.js';

interface PriceLevel {
  readonly price: bigint;
  readonly orders: OrderRecord[];
  total: bigint;
}

export interface WireLevel {
  price: bigint;
  size: bigint;
}

/**
 * One token's book: price levels kept sorted best-first, FIFO within a level (price-time priority).
 * Sizes are remaining shares (originalSize − sizeMatched) of resting orders.
 */
export class OrderBook {
  private readonly bids: PriceLevel[] = [];
  private readonly asks: PriceLevel[] = [];

  /** Adds a resting order at the back of its level; returns the level's new total. */
  add(order: OrderRecord): bigint {
    const levels = this.side(order.side);
    const idx = this.search(levels, order.side, order.price);
    let level = levels[idx];
    if (!level || level.price !== order.price) {
      level = { price: order.price, orders: [], total: 0n };
      levels.splice(idx, 0, level);
    }
    level.orders.push(order);
    level.total += remaining(order);
    return level.total;
  }

  /** Removes a resting order; returns the level's new total (0 when the level disappears). */
  remove(order: OrderRecord, remainingBefore: bigint = remaining(order)): bigint {
    const levels = this.side(order.side);
    const idx = this.search(levels, order.side, order.price);
    const level = levels[idx];
    if (!level || level.price !== order.price) return 0n;
    const at = level.orders.indexOf(order);
    if (at < 0) return level.total;
    level.orders.splice(at, 1);
    level.total -= remainingBefore;
    if (level.orders.length === 0) {
      levels.splice(idx, 1);
      return 0n;
    }
    return level.total;
  }

  /** Reduces a level total after a fill of `qty` on one of its orders (removed when fully filled). */
  filled(order: OrderRecord, qty: bigint): bigint {
    const left = remaining(order);
    if (left === 0n) return this.remove(order, qty);
    const levels = this.side(order.side);
    const level = levels[this.search(levels, order.side, order.price)];
    if (!level || level.price !== order.price) return 0n;
    level.total -= qty;
    return level.total;
  }

  best(side: Side): bigint | undefined {
    return this.side(side)[0]?.price;
  }

  levelTotal(side: Side, price: bigint): bigint {
    const levels = this.side(side);
    const level = levels[this.search(levels, side, price)];
    return level && level.price === price ? level.total : 0n;
  }

  /** Resting orders of one side, best price first, FIFO within a price. */
  *ordersBestFirst(side: Side): Generator<OrderRecord> {
    for (const level of this.side(side)) {
      // Copy: the caller may fill (and so remove) orders while iterating.
      for (const order of [...level.orders]) yield order;
    }
  }

  allOrders(): OrderRecord[] {
    return [...this.bids, ...this.asks].flatMap((l) => l.orders);
  }

  /** Levels as the wire lists them: bids ascending and asks descending, so the best level is LAST. */
  wire(): { bids: WireLevel[]; asks: WireLevel[] } {
    const map = (l: PriceLevel): WireLevel => ({ price: l.price, size: l.total });
    return { bids: this.bids.map(map).reverse(), asks: this.asks.map(map).reverse() };
  }

  depth(side: Side): number {
    return this.side(side).length;
  }

  private side(side: Side): PriceLevel[] {
    return side === 'BUY' ? this.bids : this.asks;
  }

  /** Index of the level with `price`, or where it would be inserted (bids descending, asks ascending). */
  private search(levels: PriceLevel[], side: Side, price: bigint): number {
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = (levels[mid] as PriceLevel).price;
      const before = side === 'BUY' ? p > price : p < price;
      if (before) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function remaining(order: OrderRecord): bigint {
  return order.originalSize - order.sizeMatched;
}

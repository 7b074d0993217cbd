import { parseDecimal } from './decimal.js';
import type { PriceLevel } from './types.js';

export type BookSide = 'bids' | 'asks';

/**
 * Turns the venue's `[{price, size}]` into PriceLevels ordered best first (bids descending, asks
 * ascending). The venue sends best LAST (reference §4.1); the order is checked, not assumed, so a
 * best-first or unordered source is handled too. Empty levels (size 0) are dropped, and a price
 * listed twice is kept once. Returns a string naming the problem when a level is malformed.
 */
export function toPriceLevels(raw: unknown, side: BookSide): PriceLevel[] | string {
  if (!Array.isArray(raw)) return `${side} is not an array`;
  const levels: PriceLevel[] = [];
  let ascending = true;
  let descending = true;
  let previous = -1;
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i];
    if (typeof item !== 'object' || item === null) return `${side}[${i}] is not an object`;
    const priceText = (item as { price?: unknown }).price;
    const sizeText = (item as { size?: unknown }).size;
    if (typeof priceText !== 'string') return `${side}[${i}].price is not a string`;
    if (typeof sizeText !== 'string') return `${side}[${i}].size is not a string`;
    const price = parseDecimal(priceText);
    if (Number.isNaN(price) || price > 1) return `${side}[${i}].price "${priceText}" is not a price`;
    const size = parseDecimal(sizeText);
    if (Number.isNaN(size)) return `${side}[${i}].size "${sizeText}" is not a decimal`;
    if (size === 0) continue;
    if (previous >= 0) {
      if (price < previous) ascending = false;
      else if (price > previous) descending = false;
    }
    previous = price;
    levels.push({ price, size, priceText, sizeText });
  }
  const bestFirstIsDescending = side === 'bids';
  if (bestFirstIsDescending ? !descending : !ascending) {
    if (bestFirstIsDescending ? ascending : descending) levels.reverse();
    else levels.sort(bestFirstIsDescending ? (a, b) => b.price - a.price : (a, b) => a.price - b.price);
  }
  return dedupe(levels);
}

function dedupe(levels: PriceLevel[]): PriceLevel[] {
  for (let i = 1; i < levels.length; i++) {
    if ((levels[i] as PriceLevel).price === (levels[i - 1] as PriceLevel).price) return dedupeSlow(levels);
  }
  return levels;
}

function dedupeSlow(levels: PriceLevel[]): PriceLevel[] {
  const byPrice = new Map<number, PriceLevel>();
  for (const level of levels) byPrice.set(level.price, level);
  return levels.filter((level) => byPrice.get(level.price) === level);
}

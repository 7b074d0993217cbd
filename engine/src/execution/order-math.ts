/**
 * Venue order arithmetic (reference §5.2, §16.2, §17), in integer micro-units. Prices sit on the
 * tick GRID — multiples of the tick, which matters for 0.005 and 0.0025 where "round to N
 * decimals" is wrong — shares are cut to 2 decimals, and the signed maker/taker amounts follow
 * the official client's rules for limit and market (FOK/FAK) orders.
 */
import { InvalidOrderError } from './errors.js';
import {
  DecimalFormatError,
  ONE,
  divRound,
  floorTo,
  ceilTo,
  formatMicros,
  mulMicros,
  toMicros,
  type Micros,
} from './fixed.js';

export type Side = 'BUY' | 'SELL';
export type OrderType = 'GTC' | 'GTD' | 'FOK' | 'FAK';

export const TICK_SIZES = ['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001'] as const;
export type TickSize = (typeof TICK_SIZES)[number];

/** Decimals of price, size and amount per tick size, as the official client rounds them. */
export interface RoundConfig {
  readonly price: number;
  readonly size: number;
  readonly amount: number;
}

export const ROUNDING_CONFIG: Readonly<Record<TickSize, RoundConfig>> = {
  '0.1': { price: 1, size: 2, amount: 3 },
  '0.01': { price: 2, size: 2, amount: 4 },
  '0.005': { price: 3, size: 2, amount: 5 },
  '0.0025': { price: 4, size: 2, amount: 6 },
  '0.001': { price: 3, size: 2, amount: 5 },
  '0.0001': { price: 4, size: 2, amount: 6 },
};

/** 0.01 share: sizes are cut to two decimals. */
export const SHARE_QUANTUM: Micros = 10_000n;
/** 0.01 dollar: a market BUY's collateral amount has two decimals. */
export const CENT: Micros = 10_000n;

/** What the venue requires of an order in one market. */
export interface MarketRules {
  readonly tickSize: TickSize;
  /** Shares. */
  readonly minOrderSize: string;
  readonly negRisk: boolean;
}

/** Normalizes "0.010", 0.01 or "0.01" to the canonical tick string; anything else is refused. */
export function parseTickSize(value: string | number): TickSize {
  let micros: Micros;
  try {
    micros = toMicros(value);
  } catch {
    throw new InvalidOrderError('invalid_order', `tick size ${JSON.stringify(value)} is not a decimal`);
  }
  const text = formatMicros(micros);
  const found = TICK_SIZES.find((tick) => tick === text);
  if (!found) throw new InvalidOrderError('invalid_order', `tick size ${text} is not one the venue uses`);
  return found;
}

/** Parses a caller's decimal (string or number) into micros, naming the field when it is not one. */
export function parseAmount(
  field: string,
  value: string | number,
  rounding: 'down' | 'up' | 'half-up' = 'down',
): Micros {
  try {
    const micros = toMicros(value, rounding);
    if (micros <= 0n)
      throw new InvalidOrderError('invalid_order', `${field} must be positive, got ${String(value)}`);
    return micros;
  } catch (error) {
    if (error instanceof DecimalFormatError)
      throw new InvalidOrderError('invalid_order', `${field} ${JSON.stringify(value)} is not a decimal`);
    throw error;
  }
}

/**
 * Puts a price on the tick grid. A BUY rounds down and a SELL up, so rounding never makes an
 * order pay more or accept less than the strategy asked for.
 */
export function roundPriceToTick(price: Micros, tick: Micros, side: Side): Micros {
  return side === 'BUY' ? floorTo(price, tick) : ceilTo(price, tick);
}

export function isOnTick(price: Micros, tick: Micros): boolean {
  return price % tick === 0n;
}

/** The venue accepts prices in [tick, 1 − tick]. */
export function assertPriceInRange(price: Micros, tick: Micros): void {
  if (price < tick || price > ONE - tick) {
    throw new InvalidOrderError(
      'price_out_of_range',
      `price ${formatMicros(price)} is outside [${formatMicros(tick)}, ${formatMicros(ONE - tick)}]`,
    );
  }
}

/** Shares cut down to two decimals. */
export function floorShares(shares: Micros): Micros {
  return floorTo(shares, SHARE_QUANTUM);
}

/** How many whole-cent shares `notional` dollars buy at `price`. */
export function sharesForNotional(notional: Micros, price: Micros): Micros {
  return floorShares(divRound(notional * ONE, price, 'down'));
}

export interface OrderAmounts {
  /** What the maker gives, 1e6 units: collateral for a BUY, shares for a SELL. */
  readonly makerAmount: Micros;
  /** What the maker receives, 1e6 units: shares for a BUY, collateral for a SELL. */
  readonly takerAmount: Micros;
}

/**
 * Limit-order amounts. Shares have 2 decimals and the price at most 4, so shares × price is
 * exact in micros: no rounding step is needed (the client's round-up/round-down pair is a float
 * repair that exact arithmetic does not need).
 */
export function limitOrderAmounts(side: Side, shares: Micros, price: Micros): OrderAmounts {
  const cut = floorShares(shares);
  const collateral = mulMicros(cut, price, 'down');
  return side === 'BUY'
    ? { makerAmount: collateral, takerAmount: cut }
    : { makerAmount: cut, takerAmount: collateral };
}

/**
 * Market (FOK/FAK) amounts as the client builds them: a BUY spends `amount` dollars cut to cents
 * and receives amount ÷ price shares cut to the tick's amount decimals; a SELL is a limit SELL.
 */
export function marketOrderAmounts(side: Side, amount: Micros, price: Micros, tick: TickSize): OrderAmounts {
  if (side === 'SELL') return limitOrderAmounts('SELL', amount, price);
  const maker = floorTo(amount, CENT);
  const quantum = 10n ** BigInt(6 - ROUNDING_CONFIG[tick].amount);
  const taker = floorTo(divRound(maker * ONE, price, 'down'), quantum);
  return { makerAmount: maker, takerAmount: taker };
}

/** What a caller asks for; price and size/notional as decimal strings (or numbers from a strategy). */
export interface OrderSpec {
  readonly side: Side;
  readonly orderType: OrderType;
  readonly price: string | number;
  /** Shares; give this or `notional`. */
  readonly size?: string | number | null;
  /** Dollars; give this or `size`. */
  readonly notional?: string | number | null;
}

/** An order reduced to exact venue numbers. */
export interface OrderPlan {
  readonly side: Side;
  readonly orderType: OrderType;
  readonly tickSize: TickSize;
  /** On the tick grid. */
  readonly price: Micros;
  /** Shares the order is for (for a market BUY: the shares it asks to receive). */
  readonly shares: Micros;
  /** Collateral the order spends (BUY) or asks for (SELL). */
  readonly collateral: Micros;
  readonly makerAmount: Micros;
  readonly takerAmount: Micros;
  /** The dollar amount the caller sized by, when it did. */
  readonly notional: Micros | null;
}

export function isMarketOrder(orderType: OrderType): boolean {
  return orderType === 'FOK' || orderType === 'FAK';
}

/**
 * Turns a request into exact venue numbers, or refuses it with the reason: price off range,
 * nothing to trade, or fewer shares than the market's minimum order size.
 */
export function planOrder(spec: OrderSpec, rules: MarketRules): OrderPlan {
  const tickSize = parseTickSize(rules.tickSize);
  const tick = toMicros(tickSize);
  const rawPrice = parseAmount('price', spec.price, spec.side === 'BUY' ? 'down' : 'up');
  const price = roundPriceToTick(rawPrice, tick, spec.side);
  assertPriceInRange(price, tick);
  const hasSize = spec.size !== undefined && spec.size !== null;
  const hasNotional = spec.notional !== undefined && spec.notional !== null;
  if (hasSize === hasNotional) {
    throw new InvalidOrderError(
      'invalid_order',
      'an order needs exactly one of size (shares) or notional (dollars)',
    );
  }
  const notional = hasNotional ? parseAmount('notional', spec.notional as string | number) : null;
  let amounts: OrderAmounts;
  if (isMarketOrder(spec.orderType) && spec.side === 'BUY') {
    const dollars =
      notional ?? mulMicros(floorShares(parseAmount('size', spec.size as string | number)), price, 'down');
    amounts = marketOrderAmounts('BUY', dollars, price, tickSize);
  } else {
    const shares =
      notional !== null
        ? sharesForNotional(notional, price)
        : floorShares(parseAmount('size', spec.size as string | number));
    amounts = limitOrderAmounts(spec.side, shares, price);
  }
  const shares = spec.side === 'BUY' ? amounts.takerAmount : amounts.makerAmount;
  const collateral = spec.side === 'BUY' ? amounts.makerAmount : amounts.takerAmount;
  if (amounts.makerAmount <= 0n || amounts.takerAmount <= 0n) {
    throw new InvalidOrderError(
      'below_min_size',
      `the order rounds to nothing at price ${formatMicros(price)}`,
    );
  }
  const minSize = parseMinOrderSize(rules.minOrderSize);
  if (shares < minSize) {
    throw new InvalidOrderError(
      'below_min_size',
      `size ${formatMicros(shares)} is lower than the market's minimum of ${formatMicros(minSize)} shares`,
    );
  }
  return {
    side: spec.side,
    orderType: spec.orderType,
    tickSize,
    price,
    shares,
    collateral,
    makerAmount: amounts.makerAmount,
    takerAmount: amounts.takerAmount,
    notional,
  };
}

function parseMinOrderSize(value: string): Micros {
  try {
    return toMicros(value, 'up');
  } catch {
    throw new InvalidOrderError(
      'invalid_order',
      `minimum order size ${JSON.stringify(value)} is not a decimal`,
    );
  }
}

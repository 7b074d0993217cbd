import { buy, defineStrategy, ignore, watch, type OrderBookView } from '@polybot/sdk';

export interface WatchConfirmParams {
  /** A print at or above this price qualifies. */
  readonly minPrice: number;
  /** A print (or best ask) at or above this price does not: too little left to win. */
  readonly maxPrice: number;
  /** Dollars resting on the bid at or above `minPrice` needed to confirm. */
  readonly minBidDepth: number;
  /** Widest spread (best ask − best bid) that still confirms. */
  readonly maxSpread: number;
  /** How long a market stays watched after the first print. */
  readonly watchForSeconds: number;
  /** Dollars to spend per entry. */
  readonly positionSize: number;
}

/** Dollars bid at or above `floor`: the support behind the price, from the book's top levels. */
export function bidDepthAtOrAbove(book: OrderBookView, floor: number): number {
  let dollars = 0;
  for (const level of book.bids) if (level.price >= floor) dollars += level.price * level.size;
  return Math.round(dollars * 100) / 100;
}

/**
 * Two-step entry. A first print in [minPrice, maxPrice) only puts the market on the watchlist
 * (WATCH). Strategies are stateless between calls, so confirmation comes from the context: when
 * core re-evaluates a watched market on a later print (trigger source "watchlist"), the strategy
 * buys only if that print still qualifies and the book backs it — best bid at or above minPrice,
 * a tight spread and enough dollars bid. Otherwise it keeps watching (WATCH) or lets go (IGNORE).
 */
export default defineStrategy<WatchConfirmParams>({
  name: 'watch_confirm',
  version: '1.0.0',
  description: 'WATCH on a first qualifying print; BUY when a later print and the order book confirm it',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minPrice: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      maxPrice: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      minBidDepth: { type: 'number', minimum: 0 },
      maxSpread: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      watchForSeconds: { type: 'integer', minimum: 1 },
      positionSize: { type: 'number', exclusiveMinimum: 0 },
    },
  },
  defaultParams: {
    minPrice: 0.9,
    maxPrice: 0.98,
    minBidDepth: 500,
    maxSpread: 0.02,
    watchForSeconds: 1800,
    positionSize: 20,
  },
  evaluate(ctx) {
    const { minPrice, maxPrice, minBidDepth, maxSpread, watchForSeconds, positionSize } = ctx.params;
    const price = ctx.trigger.price;
    const confirming = ctx.trigger.source === 'watchlist';
    if (ctx.position !== null) return ignore(`already holding ${ctx.position.size} shares in this market`);
    if (price < minPrice || price >= maxPrice) {
      const verdict = confirming ? 'no longer qualifies' : 'does not qualify';
      return ignore(`print at ${price} ${verdict}: outside [${minPrice}, ${maxPrice})`);
    }
    if (!confirming) {
      return watch(
        `first print at ${price} in [${minPrice}, ${maxPrice}); waiting for a later print to confirm`,
        {
          watchForSeconds,
        },
      );
    }

    const book = ctx.book;
    if (book === null || book.bestBid === null || book.bestAsk === null) {
      return watch(`print at ${price} qualifies but there is no two-sided book yet`, { watchForSeconds });
    }
    if (book.bestAsk >= maxPrice) {
      return ignore(`best ask ${book.bestAsk} is at or above the maximum ${maxPrice}`);
    }
    if (book.bestBid < minPrice) {
      return watch(`best bid ${book.bestBid} is below ${minPrice}: not confirmed yet`, { watchForSeconds });
    }
    const spread = Math.round((book.bestAsk - book.bestBid) * 10_000) / 10_000;
    if (spread > maxSpread) {
      return watch(`spread ${spread} is wider than ${maxSpread}: not confirmed yet`, { watchForSeconds });
    }
    const depth = bidDepthAtOrAbove(book, minPrice);
    if (depth < minBidDepth) {
      return watch(`only $${depth} bid at or above ${minPrice} (need $${minBidDepth}): not confirmed yet`, {
        watchForSeconds,
      });
    }
    return buy(
      `confirmed: print at ${price}, best bid ${book.bestBid}, spread ${spread}, $${depth} bid at or above ${minPrice}`,
      {
        price: book.bestAsk,
        notional: positionSize,
      },
    );
  },
});

import { buy, defineStrategy, ignore } from '@polybot/sdk';

export interface HighProbYesParams {
  /** A trade at or above this price qualifies. */
  readonly priceThreshold: number;
  /** A trade at or above this price does not: too little left to win. */
  readonly maxPrice: number;
  /** Dollars to spend per entry. */
  readonly positionSize: number;
}

/**
 * Buys an outcome the market already prices as very likely, on a fresh trade that prints in
 * [priceThreshold, maxPrice). The engine's hard filters (trade age, weather, time to end, trade
 * size, duplicates) have run before this is called.
 */
export default defineStrategy<HighProbYesParams>({
  name: 'high_prob_yes',
  version: '1.0.0',
  description: 'BUY a token whose fresh trade prints at or above priceThreshold and below maxPrice',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      priceThreshold: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      maxPrice: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      positionSize: { type: 'number', exclusiveMinimum: 0 },
    },
  },
  defaultParams: { priceThreshold: 0.95, maxPrice: 0.99, positionSize: 20 },
  evaluate(ctx) {
    const { priceThreshold, maxPrice, positionSize } = ctx.params;
    const price = ctx.trigger.price;
    if (ctx.position !== null) return ignore(`already holding ${ctx.position.size} shares in this market`);
    if (price < priceThreshold) return ignore(`price ${price} is below the threshold ${priceThreshold}`);
    if (price >= maxPrice) return ignore(`price ${price} is at or above the maximum ${maxPrice}`);
    return buy(`trade at ${price} is within [${priceThreshold}, ${maxPrice})`, {
      price,
      notional: positionSize,
    });
  },
});

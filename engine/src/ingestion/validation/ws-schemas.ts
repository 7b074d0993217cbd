import type { SchemaObject } from 'ajv';
import { compileSchema, type Validator } from './ajv.js';

/**
 * JSON Schemas of the market-channel events (reference §7), mirroring what the hand-written
 * frame parser accepts. The parser does not use them on the hot path (one pass that validates
 * and converts is faster, see scripts/bench/ingestion.mjs); they document the contract, and a
 * unit test checks that the parser and these schemas agree on a corpus of good and bad events.
 */

const decimal = '^[0-9]+(\\.[0-9]+)?$';
const price = '^(0(\\.[0-9]+)?|1(\\.0+)?)$';
const id: SchemaObject = { type: 'string', minLength: 1 };
const timestamp: SchemaObject = {
  anyOf: [
    { type: 'string', pattern: '^[0-9]+$' },
    { type: 'integer', minimum: 0 },
  ],
};
const optionalDecimal: SchemaObject = {
  anyOf: [{ type: 'string', pattern: `^(${decimal.slice(1, -1)})?$` }, { type: 'null' }],
};
const optionalPrice: SchemaObject = {
  anyOf: [{ type: 'string', pattern: `^(${price.slice(1, -1)})?$` }, { type: 'null' }],
};
const side: SchemaObject = { enum: ['BUY', 'SELL'] };
const level: SchemaObject = {
  type: 'object',
  required: ['price', 'size'],
  properties: { price: { type: 'string', pattern: price }, size: { type: 'string', pattern: decimal } },
};

const book: SchemaObject = {
  type: 'object',
  required: ['event_type', 'asset_id', 'market', 'timestamp', 'bids', 'asks'],
  properties: {
    event_type: { const: 'book' },
    asset_id: id,
    market: { type: 'string' },
    timestamp,
    bids: { type: 'array', items: level },
    asks: { type: 'array', items: level },
    tick_size: optionalDecimal,
    last_trade_price: optionalDecimal,
  },
};

const change: SchemaObject = {
  type: 'object',
  required: ['price', 'size', 'side'],
  properties: {
    price: { type: 'string', pattern: price },
    size: { type: 'string', pattern: decimal },
    side,
    best_bid: optionalPrice,
    best_ask: optionalPrice,
  },
};

const priceChange: SchemaObject = {
  anyOf: [
    {
      type: 'object',
      required: ['event_type', 'market', 'timestamp', 'price_changes'],
      properties: {
        event_type: { const: 'price_change' },
        market: { type: 'string' },
        timestamp,
        price_changes: {
          type: 'array',
          items: {
            allOf: [change, { type: 'object', required: ['asset_id'], properties: { asset_id: id } }],
          },
        },
      },
    },
    {
      type: 'object',
      required: ['event_type', 'market', 'timestamp', 'asset_id', 'changes'],
      properties: {
        event_type: { const: 'price_change' },
        market: { type: 'string' },
        timestamp,
        asset_id: id,
        changes: { type: 'array', items: change },
      },
    },
  ],
};

const lastTrade: SchemaObject = {
  type: 'object',
  required: ['event_type', 'asset_id', 'market', 'price', 'timestamp'],
  properties: {
    event_type: { const: 'last_trade_price' },
    asset_id: id,
    market: { type: 'string' },
    price: { type: 'string', pattern: price },
    size: optionalDecimal,
    side,
    timestamp,
  },
};

const tickSizeChange: SchemaObject = {
  type: 'object',
  required: ['event_type', 'asset_id', 'market', 'old_tick_size', 'new_tick_size', 'timestamp'],
  properties: {
    event_type: { const: 'tick_size_change' },
    asset_id: id,
    market: { type: 'string' },
    old_tick_size: { type: 'string', pattern: decimal },
    new_tick_size: { type: 'string', pattern: '^0\\.[0-9]*[1-9][0-9]*$' },
    timestamp,
  },
};

const marketResolved: SchemaObject = {
  type: 'object',
  required: ['event_type', 'market', 'assets_ids', 'timestamp'],
  properties: {
    event_type: { const: 'market_resolved' },
    market: id,
    assets_ids: { type: 'array', items: id },
    timestamp,
  },
};

export type WsEventType =
  'book' | 'price_change' | 'last_trade_price' | 'tick_size_change' | 'market_resolved';

export const wsEventValidators: Readonly<Record<WsEventType, Validator<Record<string, unknown>>>> = {
  book: compileSchema(book),
  price_change: compileSchema(priceChange),
  last_trade_price: compileSchema(lastTrade),
  tick_size_change: compileSchema(tickSizeChange),
  market_resolved: compileSchema(marketResolved),
};

import type { SchemaObject } from 'ajv';
import { compileSchema } from './ajv.js';

/**
 * JSON Schemas of the REST responses ingestion reads (reference §4.1, §10, §11), and the raw
 * shapes they guarantee. Unknown extra fields are allowed: the venue adds fields over time.
 */

const decimalString: SchemaObject = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' };
const decimalLike: SchemaObject = { anyOf: [decimalString, { type: 'number', minimum: 0 }] };

const level: SchemaObject = {
  type: 'object',
  required: ['price', 'size'],
  properties: { price: decimalString, size: decimalString },
};

export interface RawLevel {
  price: string;
  size: string;
}

export interface RawOrderBookSummary {
  market?: string;
  asset_id: string;
  timestamp?: string | number;
  hash?: string;
  bids: RawLevel[];
  asks: RawLevel[];
  min_order_size?: string | number;
  tick_size?: string | number;
  neg_risk?: boolean;
  last_trade_price?: string;
}

const orderBookSummary: SchemaObject = {
  type: 'object',
  required: ['asset_id', 'bids', 'asks'],
  properties: {
    market: { type: 'string' },
    asset_id: { type: 'string', minLength: 1 },
    timestamp: {
      anyOf: [
        { type: 'string', pattern: '^[0-9]+$' },
        { type: 'integer', minimum: 0 },
      ],
    },
    hash: { type: 'string' },
    bids: { type: 'array', items: level },
    asks: { type: 'array', items: level },
    min_order_size: decimalLike,
    tick_size: decimalLike,
    neg_risk: { type: 'boolean' },
    last_trade_price: { type: 'string' },
  },
};

export const validateOrderBook = compileSchema<RawOrderBookSummary>(orderBookSummary);
export const validateOrderBooks = compileSchema<RawOrderBookSummary[]>({
  type: 'array',
  items: orderBookSummary,
});

export const validateTickSize = compileSchema<{ minimum_tick_size: number | string }>({
  type: 'object',
  required: ['minimum_tick_size'],
  properties: { minimum_tick_size: decimalLike },
});

export const validateNegRisk = compileSchema<{ neg_risk: boolean }>({
  type: 'object',
  required: ['neg_risk'],
  properties: { neg_risk: { type: 'boolean' } },
});

export const validateLastTradePrice = compileSchema<{ price: string | number; side?: string }>({
  type: 'object',
  required: ['price'],
  properties: { price: decimalLike, side: { type: 'string' } },
});

export const validatePrice = compileSchema<{ price: string | number }>({
  type: 'object',
  required: ['price'],
  properties: { price: decimalLike },
});

export const validateMidpoint = compileSchema<{ mid: string | number }>({
  type: 'object',
  required: ['mid'],
  properties: { mid: decimalLike },
});

/** Gamma's market listing is a bare array; each item is checked on its own so one bad market never sinks a page. */
export const validateArray = compileSchema<unknown[]>({ type: 'array' });

export interface RawGammaMarket {
  id: string | number;
  conditionId: string;
  question: string;
  endDate?: string | null;
  endDateIso?: string | null;
  outcomes?: string | string[] | null;
  outcomePrices?: string | string[] | null;
  clobTokenIds?: string | string[] | null;
  positionIds?: Array<string | number> | null;
  version?: string | null;
  active?: boolean | null;
  closed?: boolean | null;
  negRisk?: boolean | null;
  enableOrderBook?: boolean | null;
  orderPriceMinTickSize?: number | string | null;
  orderMinSize?: number | string | null;
  // Descriptive fields: read when well-formed, never a reason to skip a market.
  slug?: unknown;
  category?: unknown;
  tags?: unknown;
  events?: unknown;
}

const nullable = (schema: SchemaObject): SchemaObject => ({ anyOf: [schema, { type: 'null' }] });
const stringOrList: SchemaObject = nullable({
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
});

/**
 * What a market must carry to be tradable is checked strictly (ids, tokens, outcomes, dates, tick,
 * size, flags); descriptive fields (slug, category, tags, events) are read defensively instead.
 */
export const validateGammaMarket = compileSchema<RawGammaMarket>({
  type: 'object',
  required: ['id', 'conditionId', 'question'],
  properties: {
    id: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer' }] },
    conditionId: { type: 'string' },
    question: { type: 'string' },
    endDate: nullable({ type: 'string' }),
    endDateIso: nullable({ type: 'string' }),
    outcomes: stringOrList,
    outcomePrices: stringOrList,
    clobTokenIds: stringOrList,
    positionIds: nullable({ type: 'array', items: { type: ['string', 'number'] } }),
    version: nullable({ type: 'string' }),
    active: nullable({ type: 'boolean' }),
    closed: nullable({ type: 'boolean' }),
    negRisk: nullable({ type: 'boolean' }),
    enableOrderBook: nullable({ type: 'boolean' }),
    orderPriceMinTickSize: nullable(decimalLike),
    orderMinSize: nullable(decimalLike),
  },
});

export interface RawDataTrade {
  asset: string;
  conditionId: string;
  price: number;
  size: number;
  timestamp: number;
  side?: string;
  outcome?: string;
  outcomeIndex?: number;
  transactionHash?: string;
}

export const validateDataTrade = compileSchema<RawDataTrade>({
  type: 'object',
  required: ['asset', 'conditionId', 'price', 'size', 'timestamp'],
  properties: {
    asset: { type: 'string', minLength: 1 },
    conditionId: { type: 'string', minLength: 1 },
    price: { type: 'number', minimum: 0 },
    size: { type: 'number', minimum: 0 },
    timestamp: { type: 'number', minimum: 0 },
    side: { type: 'string' },
    outcome: { type: 'string' },
    outcomeIndex: { type: 'integer' },
    transactionHash: { type: 'string' },
  },
});

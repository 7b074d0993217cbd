import { toPriceLevels } from '../book-levels.js';
import { parseDecimal } from '../decimal.js';
import type {
  BookSnapshotEvent,
  FeedEvent,
  LastTradeEvent,
  LevelChange,
  MarketResolvedEvent,
  PriceChangeEvent,
  Side,
  TickSizeChangeEvent,
} from '../types.js';

export type DropReason =
  | 'invalid_json'
  | 'not_object'
  | 'missing_event_type'
  | 'unknown_event_type'
  | 'bad_book'
  | 'bad_price_change'
  | 'bad_last_trade'
  | 'bad_tick_size_change'
  | 'bad_market_resolved';

export const DROP_REASONS: readonly DropReason[] = [
  'invalid_json',
  'not_object',
  'missing_event_type',
  'unknown_event_type',
  'bad_book',
  'bad_price_change',
  'bad_last_trade',
  'bad_tick_size_change',
  'bad_market_resolved',
];

/** Events the market channel sends that ingestion does not use (custom features); counted, not dropped. */
export type IgnoredEventType = 'best_bid_ask' | 'new_market';

export interface FrameHandler {
  onEvent(event: FeedEvent): void;
  /** `detail` names what was wrong; `frame` is the raw text, for a truncated debug sample. */
  onDrop(reason: DropReason, detail: string, frame: string): void;
  onIgnored(eventType: IgnoredEventType): void;
}

type Obj = Record<string, unknown>;

/**
 * Parses one market-channel frame (reference §7): a JSON object or array of events. Validation is
 * hand-written rather than ajv because it runs per frame on the hot path and has to walk every
 * level anyway to convert it; one pass does both (see scripts/bench/ingestion.mjs for the
 * measured difference). `PONG` is not JSON and is handled by the connection before this. Never
 * throws: each bad event is reported through `onDrop` and the rest of the frame still counts.
 */
export function parseFrame(text: string, receivedAt: number, handler: FrameHandler): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    handler.onDrop('invalid_json', 'frame is not JSON', text);
    return;
  }
  if (Array.isArray(parsed)) {
    for (let i = 0; i < parsed.length; i++) parseEvent(parsed[i], receivedAt, handler, text);
  } else {
    parseEvent(parsed, receivedAt, handler, text);
  }
}

function parseEvent(value: unknown, receivedAt: number, handler: FrameHandler, frame: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    handler.onDrop('not_object', 'event is not an object', frame);
    return;
  }
  const o = value as Obj;
  const type = o.event_type;
  let result: FeedEvent | string;
  let reason: DropReason;
  switch (type) {
    case 'book':
      result = readBook(o, receivedAt);
      reason = 'bad_book';
      break;
    case 'price_change':
      result = readPriceChange(o, receivedAt);
      reason = 'bad_price_change';
      break;
    case 'last_trade_price':
      result = readLastTrade(o, receivedAt);
      reason = 'bad_last_trade';
      break;
    case 'tick_size_change':
      result = readTickSizeChange(o, receivedAt);
      reason = 'bad_tick_size_change';
      break;
    case 'market_resolved':
      result = readMarketResolved(o, receivedAt);
      reason = 'bad_market_resolved';
      break;
    case 'best_bid_ask':
    case 'new_market':
      handler.onIgnored(type);
      return;
    case undefined:
      handler.onDrop('missing_event_type', 'event has no event_type', frame);
      return;
    default:
      handler.onDrop('unknown_event_type', `unknown event_type ${JSON.stringify(type).slice(0, 40)}`, frame);
      return;
  }
  if (typeof result === 'string') handler.onDrop(reason, result, frame);
  else handler.onEvent(result);
}

function readBook(o: Obj, receivedAt: number): BookSnapshotEvent | string {
  const tokenId = o.asset_id;
  if (!isId(tokenId)) return 'book.asset_id is missing';
  const conditionId = o.market;
  if (typeof conditionId !== 'string') return 'book.market is missing';
  const timestamp = readMillis(o.timestamp);
  if (timestamp < 0) return 'book.timestamp is not epoch ms';
  const bids = toPriceLevels(o.bids, 'bids');
  if (typeof bids === 'string') return `book.${bids}`;
  const asks = toPriceLevels(o.asks, 'asks');
  if (typeof asks === 'string') return `book.${asks}`;
  const tickSize = optionalDecimal(o.tick_size);
  if (tickSize === undefined) return 'book.tick_size is not a decimal';
  const lastTradePrice = optionalDecimal(o.last_trade_price);
  if (lastTradePrice === undefined) return 'book.last_trade_price is not a decimal';
  const minOrderSize = optionalDecimal(o.min_order_size);
  return {
    type: 'book',
    tokenId,
    conditionId,
    bids,
    asks,
    timestamp,
    hash: typeof o.hash === 'string' ? o.hash : null,
    tickSize,
    minOrderSize: minOrderSize ?? null,
    negRisk: typeof o.neg_risk === 'boolean' ? o.neg_risk : null,
    lastTradePrice,
    receivedAt,
    source: 'ws',
  };
}

function readPriceChange(o: Obj, receivedAt: number): PriceChangeEvent | string {
  const conditionId = o.market;
  if (typeof conditionId !== 'string') return 'price_change.market is missing';
  const timestamp = readMillis(o.timestamp);
  if (timestamp < 0) return 'price_change.timestamp is not epoch ms';
  const current = o.price_changes;
  if (current !== undefined) {
    if (!Array.isArray(current)) return 'price_change.price_changes is not an array';
    const changes: LevelChange[] = [];
    for (let i = 0; i < current.length; i++) {
      const item: unknown = current[i];
      if (typeof item !== 'object' || item === null)
        return `price_change.price_changes[${i}] is not an object`;
      const change = readChange(item as Obj, (item as Obj).asset_id);
      if (typeof change === 'string') return `price_change.price_changes[${i}].${change}`;
      changes.push(change);
    }
    return { type: 'price_change', conditionId, timestamp, changes, format: 'current', receivedAt };
  }
  // Legacy (2024): one asset at the top level, `changes: [{price, side, size}]`.
  const legacy = o.changes;
  if (!Array.isArray(legacy)) return 'price_change has neither price_changes nor changes';
  const tokenId = o.asset_id;
  const hash = typeof o.hash === 'string' ? o.hash : null;
  const changes: LevelChange[] = [];
  for (let i = 0; i < legacy.length; i++) {
    const item: unknown = legacy[i];
    if (typeof item !== 'object' || item === null) return `price_change.changes[${i}] is not an object`;
    const change = readChange(item as Obj, tokenId, hash);
    if (typeof change === 'string') return `price_change.changes[${i}].${change}`;
    changes.push(change);
  }
  return { type: 'price_change', conditionId, timestamp, changes, format: 'legacy', receivedAt };
}

function readChange(o: Obj, tokenId: unknown, legacyHash: string | null = null): LevelChange | string {
  if (!isId(tokenId)) return 'asset_id is missing';
  const priceText = o.price;
  if (typeof priceText !== 'string') return 'price is not a string';
  const price = parseDecimal(priceText);
  if (!(price <= 1)) return `price "${priceText.slice(0, 20)}" is not a price`;
  const sizeText = o.size;
  if (typeof sizeText !== 'string') return 'size is not a string';
  const size = parseDecimal(sizeText);
  if (Number.isNaN(size)) return `size "${sizeText.slice(0, 20)}" is not a decimal`;
  const side = readSide(o.side);
  if (side === null) return 'side is not BUY or SELL';
  const bestBid = optionalPrice(o.best_bid);
  if (bestBid === undefined) return 'best_bid is not a price';
  const bestAsk = optionalPrice(o.best_ask);
  if (bestAsk === undefined) return 'best_ask is not a price';
  return {
    tokenId,
    side,
    price,
    priceText,
    size,
    sizeText,
    bestBid,
    bestAsk,
    hash: typeof o.hash === 'string' ? o.hash : legacyHash,
  };
}

function readLastTrade(o: Obj, receivedAt: number): LastTradeEvent | string {
  const tokenId = o.asset_id;
  if (!isId(tokenId)) return 'last_trade_price.asset_id is missing';
  const conditionId = o.market;
  if (typeof conditionId !== 'string') return 'last_trade_price.market is missing';
  const priceText = o.price;
  if (typeof priceText !== 'string') return 'last_trade_price.price is not a string';
  const price = parseDecimal(priceText);
  if (!(price <= 1)) return 'last_trade_price.price is not a price';
  const sizeText = optionalDecimal(o.size);
  if (sizeText === undefined) return 'last_trade_price.size is not a decimal';
  const timestamp = readMillis(o.timestamp);
  if (timestamp < 0) return 'last_trade_price.timestamp is not epoch ms';
  const side = o.side === undefined ? null : readSide(o.side);
  if (side === null && o.side !== undefined) return 'last_trade_price.side is not BUY or SELL';
  return {
    type: 'last_trade_price',
    tokenId,
    conditionId,
    price,
    priceText,
    size: sizeText === null ? null : parseDecimal(sizeText),
    sizeText,
    side,
    timestamp,
    feeRateBps: typeof o.fee_rate_bps === 'string' && o.fee_rate_bps !== '' ? o.fee_rate_bps : null,
    transactionHash: typeof o.transaction_hash === 'string' ? o.transaction_hash : null,
    receivedAt,
  };
}

function readTickSizeChange(o: Obj, receivedAt: number): TickSizeChangeEvent | string {
  const tokenId = o.asset_id;
  if (!isId(tokenId)) return 'tick_size_change.asset_id is missing';
  const conditionId = o.market;
  if (typeof conditionId !== 'string') return 'tick_size_change.market is missing';
  const oldTickSize = optionalDecimal(o.old_tick_size);
  const newTickSize = optionalDecimal(o.new_tick_size);
  if (!oldTickSize) return 'tick_size_change.old_tick_size is not a decimal';
  if (!newTickSize || !(parseDecimal(newTickSize) > 0 && parseDecimal(newTickSize) < 1)) {
    return 'tick_size_change.new_tick_size is not a tick';
  }
  const timestamp = readMillis(o.timestamp);
  if (timestamp < 0) return 'tick_size_change.timestamp is not epoch ms';
  return { type: 'tick_size_change', tokenId, conditionId, oldTickSize, newTickSize, timestamp, receivedAt };
}

function readMarketResolved(o: Obj, receivedAt: number): MarketResolvedEvent | string {
  const conditionId = o.market;
  if (typeof conditionId !== 'string' || conditionId === '') return 'market_resolved.market is missing';
  const ids = o.assets_ids;
  if (!Array.isArray(ids) || !ids.every(isId)) return 'market_resolved.assets_ids is not a list of ids';
  const winner = o.winning_asset_id;
  const timestamp = readMillis(o.timestamp);
  if (timestamp < 0) return 'market_resolved.timestamp is not epoch ms';
  return {
    type: 'market_resolved',
    conditionId,
    tokenIds: ids,
    winningTokenId: isId(winner) ? winner : null,
    timestamp,
    receivedAt,
  };
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function readSide(value: unknown): Side | null {
  return value === 'BUY' || value === 'SELL' ? value : null;
}

/** Epoch ms from "1757908892351" or a number; -1 when neither. */
function readMillis(value: unknown): number {
  if (typeof value === 'string') {
    const n = parseDecimal(value);
    return Number.isInteger(n) ? n : -1;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  return -1;
}

/** null when absent or "" (the venue's empty value); undefined when present but not a decimal. */
function optionalDecimal(value: unknown): string | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') return undefined;
  return Number.isNaN(parseDecimal(value)) ? undefined : value;
}

function optionalPrice(value: unknown): number | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') return undefined;
  const price = parseDecimal(value);
  return price <= 1 ? price : undefined;
}

import { createHash } from 'node:crypto';
import type { SimMarket } from '../types.js';
import { bookSummary, tradeJson } from '../clob/serializers.js';
import { fromMicro } from '../util/decimal.js';
import { quote } from '../venue/quotes.js';
import type { LevelChange, OrderRecord, PublicPrint, TradeRecord } from '../venue/records.js';
import type { OrderEventType } from '../venue/events.js';
import type { Venue } from '../venue/venue.js';
import { orderStatusWord } from '../clob/serializers.js';

/** Wire events of the CLOB WebSocket (reference §7, §8). Timestamps are ms strings. */

export function bookEvent(venue: Venue, market: SimMarket, outcomeIndex: 0 | 1): Record<string, unknown> {
  const s = bookSummary(venue, market, outcomeIndex);
  return {
    event_type: 'book',
    asset_id: s.asset_id,
    market: s.market,
    bids: s.bids,
    asks: s.asks,
    timestamp: s.timestamp,
    hash: s.hash,
    tick_size: s.tick_size,
    last_trade_price: s.last_trade_price,
  };
}

/** New-format price_change: `size` is the new total at the level, plus the asset's top of book. */
export function priceChangeEvent(
  venue: Venue,
  market: SimMarket,
  changes: readonly LevelChange[],
): Record<string, unknown> {
  const timestamp = String(venue.now());
  return {
    event_type: 'price_change',
    market: market.conditionId,
    price_changes: changes.map((c) => {
      const ref = venue.registry.token(c.assetId);
      const q = ref ? quote(venue, ref.market, ref.outcomeIndex) : undefined;
      const price = fromMicro(c.price);
      const size = fromMicro(c.size);
      return {
        asset_id: c.assetId,
        price,
        size,
        side: c.side,
        hash: createHash('sha1').update(`${c.assetId}:${c.side}:${price}:${size}:${timestamp}`).digest('hex'),
        best_bid: q?.bestBid === undefined ? '' : fromMicro(q.bestBid),
        best_ask: q?.bestAsk === undefined ? '' : fromMicro(q.bestAsk),
      };
    }),
    timestamp,
  };
}

export function bestBidAskEvent(
  venue: Venue,
  market: SimMarket,
  outcomeIndex: 0 | 1,
): Record<string, unknown> {
  const q = quote(venue, market, outcomeIndex);
  return {
    event_type: 'best_bid_ask',
    market: market.conditionId,
    asset_id: market.tokenIds[outcomeIndex],
    best_bid: q.bestBid === undefined ? '' : fromMicro(q.bestBid),
    best_ask: q.bestAsk === undefined ? '' : fromMicro(q.bestAsk),
    spread: q.spread === undefined ? '' : fromMicro(q.spread),
    timestamp: String(venue.now()),
  };
}

export function lastTradeEvent(print: PublicPrint): Record<string, unknown> {
  return {
    event_type: 'last_trade_price',
    asset_id: print.tokenId,
    market: print.market.conditionId,
    price: fromMicro(print.price),
    size: fromMicro(print.size),
    fee_rate_bps: print.feeRateBps,
    side: print.side,
    timestamp: String(print.timestamp),
    transaction_hash: print.transactionHash,
  };
}

export function tradeToPrint(trade: TradeRecord): PublicPrint {
  return {
    id: trade.id,
    tokenId: trade.assetId,
    market: trade.market,
    outcomeIndex: trade.outcomeIndex,
    side: trade.side,
    size: trade.size,
    price: trade.price,
    timestamp: trade.matchTime,
    wallet: trade.takerAddress,
    makerWallet: trade.maker.makerAddress,
    transactionHash: trade.transactionHash,
    feeRateBps: trade.feeRateBps,
  };
}

export function tickSizeEvent(
  market: SimMarket,
  assetId: string,
  oldTick: string,
  newTick: string,
  now: number,
): Record<string, unknown> {
  return {
    event_type: 'tick_size_change',
    asset_id: assetId,
    market: market.conditionId,
    old_tick_size: oldTick,
    new_tick_size: newTick,
    timestamp: String(now),
  };
}

export function newMarketEvent(market: SimMarket, now: number): Record<string, unknown> {
  return {
    event_type: 'new_market',
    id: market.id,
    question: market.question,
    market: market.conditionId,
    slug: market.slug,
    description: market.description,
    assets_ids: [...market.tokenIds],
    outcomes: [...market.outcomes],
    timestamp: String(now),
    tags: market.tags.map((t) => t.slug),
    condition_id: market.conditionId,
    active: market.active,
    clob_token_ids: [...market.tokenIds],
    order_price_min_tick_size: market.tickSize,
    group_item_title: market.groupItemTitle,
  };
}

export function userOrderEvent(
  type: OrderEventType,
  order: OrderRecord,
  venue: Venue,
): Record<string, unknown> {
  return {
    event_type: 'order',
    type,
    id: order.id,
    owner: order.owner,
    order_owner: order.owner,
    market: order.market.conditionId,
    asset_id: order.assetId,
    side: order.side,
    price: fromMicro(order.price),
    original_size: fromMicro(order.originalSize),
    size_matched: fromMicro(order.sizeMatched),
    outcome: order.market.outcomes[order.outcomeIndex],
    status: orderStatusWord(order.status, venue.config.statusStyle),
    order_type: order.orderType,
    maker_address: order.makerAddress,
    associate_trades: order.associateTrades.length > 0 ? [...order.associateTrades] : null,
    created_at: String(order.createdAt),
    expiration: String(order.expiration),
    timestamp: String(venue.now()),
  };
}

export function userTradeEvent(trade: TradeRecord, viewer: string, venue: Venue): Record<string, unknown> {
  const base = tradeJson(trade, viewer, venue.config.statusStyle);
  return {
    event_type: 'trade',
    type: 'TRADE',
    ...base,
    trade_owner: viewer,
    timestamp: String(trade.lastUpdate),
  };
}

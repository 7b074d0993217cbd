import { createHash } from 'node:crypto';
import type { StatusStyle, SimMarket } from '../types.js';
import { fromMicro, fromMicroPadded, decimalsOf, microToNumber } from '../util/decimal.js';
import { quote } from '../venue/quotes.js';
import { feeRateBps } from '../venue/fees.js';
import type { OrderRecord, OrderStatus, TradeRecord, TradeStatus } from '../venue/records.js';
import type { Venue } from '../venue/venue.js';

/** Wire shapes of the CLOB REST API (reference §4, §5.5, §5.6, §16.3). */

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function orderStatusWord(status: OrderStatus, style: StatusStyle): string {
  return style === 'enum' ? `ORDER_STATUS_${status}` : status;
}

export function tradeStatusWord(status: TradeStatus, style: StatusStyle): string {
  return style === 'enum' ? `TRADE_STATUS_${status}` : status;
}

export interface BookSummary {
  market: string;
  asset_id: string;
  timestamp: string;
  hash: string;
  bids: { price: string; size: string }[];
  asks: { price: string; size: string }[];
  min_order_size: string;
  tick_size: string;
  neg_risk: boolean;
  last_trade_price: string;
}

/** OrderBookSummary; `hash` is SHA-1 of the summary with `hash:""`, the client's own algorithm. */
export function bookSummary(venue: Venue, market: SimMarket, outcomeIndex: 0 | 1): BookSummary {
  const book = venue.engine.book(market, outcomeIndex);
  const wire = book.wire();
  const last = venue.tape.last(market.tokenIds[outcomeIndex]);
  const summary: BookSummary = {
    market: market.conditionId,
    asset_id: market.tokenIds[outcomeIndex],
    timestamp: String(venue.now()),
    hash: '',
    bids: wire.bids.map((l) => ({ price: fromMicro(l.price), size: fromMicro(l.size) })),
    asks: wire.asks.map((l) => ({ price: fromMicro(l.price), size: fromMicro(l.size) })),
    min_order_size: String(market.minOrderSize),
    tick_size: market.tickSize,
    neg_risk: market.negRisk,
    last_trade_price: last ? fromMicroPadded(last.price, decimalsOf(market.tickSize)) : '',
  };
  summary.hash = createHash('sha1').update(JSON.stringify(summary)).digest('hex');
  return summary;
}

export function clobMarket(venue: Venue, market: SimMarket): Record<string, unknown> {
  return {
    enable_order_book: true,
    active: market.active,
    closed: market.closed,
    archived: market.archived,
    accepting_orders: market.acceptingOrders,
    accepting_order_timestamp: isoSeconds(market.startDate),
    minimum_order_size: market.minOrderSize,
    minimum_tick_size: Number(market.tickSize),
    condition_id: market.conditionId,
    question_id: market.questionId,
    question: market.question,
    description: market.description,
    market_slug: market.slug,
    end_date_iso: isoSeconds(market.endDate),
    game_start_time: null,
    seconds_delay: market.secondsDelay,
    fpmm: '',
    maker_base_fee: 0,
    taker_base_fee: Number(feeRateBps(market)),
    notifications_enabled: true,
    neg_risk: market.negRisk,
    neg_risk_market_id: market.negRiskMarketId ?? '',
    neg_risk_request_id: market.negRisk ? market.questionId : '',
    icon: `https://polymarket-upload.s3.us-east-2.amazonaws.com/${market.slug}.png`,
    image: `https://polymarket-upload.s3.us-east-2.amazonaws.com/${market.slug}.png`,
    rewards: { rates: null, min_size: 0, max_spread: 0 },
    is_50_50_outcome: false,
    tokens: market.tokenIds.map((token_id, i) => ({
      token_id,
      outcome: market.outcomes[i],
      price: microToNumber(quote(venue, market, i as 0 | 1).display),
      winner: market.closed && quote(venue, market, i as 0 | 1).display === 1_000_000n,
    })),
    tags: market.tags.map((t) => t.label),
  };
}

export function simplifiedMarket(venue: Venue, market: SimMarket): Record<string, unknown> {
  const full = clobMarket(venue, market);
  return {
    condition_id: full['condition_id'],
    rewards: full['rewards'],
    tokens: full['tokens'],
    active: full['active'],
    closed: full['closed'],
    archived: full['archived'],
    accepting_orders: full['accepting_orders'],
  };
}

/** GET /clob-markets/{cid}: the compact market info clob-client-v2 caches (t, mts, nr, fd). */
export function clobMarketInfo(market: SimMarket): Record<string, unknown> {
  const info: Record<string, unknown> = {
    c: market.conditionId,
    t: market.tokenIds.map((t, i) => ({ t, o: market.outcomes[i] })),
    mts: Number(market.tickSize),
    nr: market.negRisk,
    mbf: 0,
    tbf: Number(feeRateBps(market)),
    r: null,
    ao: market.acceptingOrders,
    mos: market.minOrderSize,
    sd: market.secondsDelay,
    gst: '',
    rfqe: false,
    itode: false,
    ibce: false,
  };
  if (market.feeRate > 0) info['fd'] = { r: market.feeRate, e: market.feeExponent, to: true };
  return info;
}

export function openOrderJson(order: OrderRecord, style: StatusStyle): Record<string, unknown> {
  return {
    id: order.id,
    status: orderStatusWord(order.status, style),
    owner: order.owner,
    maker_address: order.makerAddress,
    market: order.market.conditionId,
    asset_id: order.assetId,
    side: order.side,
    original_size: fromMicro(order.originalSize),
    size_matched: fromMicro(order.sizeMatched),
    price: fromMicro(order.price),
    associate_trades: [...order.associateTrades],
    outcome: order.market.outcomes[order.outcomeIndex],
    created_at: order.createdAt,
    expiration: String(order.expiration),
    order_type: order.orderType,
  };
}

/** A trade as `viewer` (an API key) sees it: TAKER when it sent the taker order, MAKER otherwise. */
export function tradeJson(
  trade: TradeRecord,
  viewer: string | undefined,
  style: StatusStyle,
): Record<string, unknown> {
  const asMaker = viewer !== undefined && viewer !== trade.takerOwner && viewer === trade.maker.owner;
  const seconds = String(Math.floor(trade.matchTime / 1000));
  return {
    id: trade.id,
    taker_order_id: trade.takerOrderId,
    market: trade.market.conditionId,
    asset_id: trade.assetId,
    side: trade.side,
    size: fromMicro(trade.size),
    fee_rate_bps: trade.feeRateBps,
    price: fromMicro(trade.price),
    status: tradeStatusWord(trade.status, style),
    match_time: seconds,
    match_time_nano: `${trade.matchTime}000000`,
    last_update: String(Math.floor(trade.lastUpdate / 1000)),
    outcome: trade.outcome,
    bucket_index: 0,
    owner: asMaker ? trade.maker.owner : trade.takerOwner,
    maker_address: asMaker ? trade.maker.makerAddress : trade.takerAddress,
    transaction_hash: trade.transactionHash,
    err_msg: null,
    trader_side: asMaker ? 'MAKER' : 'TAKER',
    maker_orders: [
      {
        order_id: trade.maker.orderId,
        owner: trade.maker.owner,
        maker_address: trade.maker.makerAddress,
        matched_amount: fromMicro(trade.maker.matchedAmount),
        price: fromMicro(trade.maker.price),
        fee_rate_bps: '0',
        asset_id: trade.maker.assetId,
        outcome: trade.maker.outcome,
        side: trade.maker.side,
      },
    ],
  };
}

/**
 * Ingestion: fetches and normalizes Polymarket data (Gamma catalogue, CLOB REST, Data API, market
 * WebSocket) and hands it on through typed events and sinks. It stores nothing itself.
 */
export type {
  BookSnapshotEvent,
  FeedEvent,
  FeedSource,
  FeedState,
  FeedStatusEvent,
  IngestionAlert,
  LastTradeEvent,
  LevelChange,
  Market,
  MarketProtocol,
  MarketResolvedEvent,
  MarketSink,
  MarketToken,
  PriceChangeEvent,
  PriceLevel,
  Side,
  TapeBookUpdate,
  TapeSink,
  TapeTrade,
  TickSizeChangeEvent,
  Trade,
} from './types.js';
export { SnapshotPayload } from './types.js';
export type { DeltaPayload, TickSizePayload } from './types.js';
export { parseDecimal, isDecimalText, numberToDecimalText, priceToUnits, PRICE_UNITS } from './decimal.js';
export { parseUtcDate } from './utc-date.js';
export { toPriceLevels } from './book-levels.js';
export { TypedEmitter } from './emitter.js';

export { HttpClient, type HttpRequest, type RetryPolicy, type Service } from './http/http-client.js';
export { Semaphore } from './http/semaphore.js';
export { backoffDelay, parseRetryAfter, type BackoffPolicy } from './http/backoff.js';

export { GammaClient, type MarketPage, type MarketPageQuery } from './rest/gamma-client.js';
export { ClobPublicClient, type LastTradePrice, type QuotedPrice } from './rest/clob-public-client.js';
export { DataApiClient, type TradeQuery } from './rest/data-api-client.js';

export {
  normalizeGammaMarket,
  DEFAULT_MIN_ORDER_SIZE,
  DEFAULT_TICK_SIZE,
  type MarketSkipReason,
  type NormalizedMarket,
} from './catalog/normalize-market.js';
export {
  MarketCatalog,
  isLive as isLiveMarket,
  type CatalogEvents,
  type CatalogPhase,
  type StartupSummary,
} from './catalog/market-catalog.js';

export { BookStore, type BookState, type BookTop } from './feed/book-store.js';
export {
  parseFrame,
  DROP_REASONS,
  type DropReason,
  type FrameHandler,
  type IgnoredEventType,
} from './feed/frame-parser.js';
export { FrameDispatcher, type DispatcherOptions, type MarketDataEvents } from './feed/frame-dispatcher.js';
export { MarketFeed, type FeedEvents, type FeedHealth, type FeedTiming } from './feed/market-feed.js';

export {
  TradeHelpers,
  type PriceCheck,
  type RecentTradesOptions,
  type TradeSizeAtPrice,
  type VerifyPriceOptions,
} from './trades/trade-helpers.js';
export { SubscriptionBridge } from './subscription-bridge.js';
export { IngestionService } from './ingestion-service.js';

/**
 * The normalized shapes ingestion hands to the rest of the engine. Prices and sizes travel as a
 * number (for comparisons) together with the venue's decimal text (for storage and orders).
 */

export type Side = 'BUY' | 'SELL';

/** Which Polymarket protocol a market trades on (Gamma `version`, reference §17). */
export type MarketProtocol = 'v1' | 'v2';

export interface MarketToken {
  /** Outcome token id: a decimal string of up to 78 digits (`clobTokenIds` or V2 `positionIds`). */
  readonly tokenId: string;
  readonly outcome: string;
  readonly outcomeIndex: number;
}

export interface Market {
  /** 0x-prefixed 32-byte hex, lower-cased. Several tokens share one condition (G2). */
  readonly conditionId: string;
  readonly gammaId: string;
  readonly question: string;
  readonly slug: string | null;
  readonly category: string | null;
  readonly tags: readonly string[];
  /** UTC instant (G7); null when Gamma gives none. */
  readonly endDate: Date | null;
  readonly negRisk: boolean;
  /** The price grid as decimal text, e.g. "0.01", "0.005", "0.0025". */
  readonly tickSize: string;
  /** Minimum order size in shares, decimal text. */
  readonly minOrderSize: string;
  readonly active: boolean;
  readonly closed: boolean;
  /** False for markets listed without a CLOB order book: nothing to subscribe to or trade. */
  readonly enableOrderBook: boolean;
  readonly protocol: MarketProtocol;
  readonly tokens: readonly MarketToken[];
}

export interface PriceLevel {
  readonly price: number;
  readonly size: number;
  /** The venue's text, kept for storage and replay. */
  readonly priceText: string;
  readonly sizeText: string;
}

export type FeedSource = 'ws' | 'rest';

export interface BookSnapshotEvent {
  readonly type: 'book';
  readonly tokenId: string;
  readonly conditionId: string;
  /** Best (highest) bid first. */
  readonly bids: readonly PriceLevel[];
  /** Best (lowest) ask first. */
  readonly asks: readonly PriceLevel[];
  /** Venue timestamp, epoch ms. */
  readonly timestamp: number;
  readonly hash: string | null;
  readonly tickSize: string | null;
  readonly minOrderSize: string | null;
  readonly negRisk: boolean | null;
  /** Decimal text, or null when the venue sent none or "" (empty book). */
  readonly lastTradePrice: string | null;
  readonly receivedAt: number;
  readonly source: FeedSource;
}

export interface LevelChange {
  readonly tokenId: string;
  /** BUY = a bid level, SELL = an ask level. */
  readonly side: Side;
  readonly price: number;
  readonly priceText: string;
  /** New total resting size at that price; 0 removes the level. */
  readonly size: number;
  readonly sizeText: string;
  readonly bestBid: number | null;
  readonly bestAsk: number | null;
  readonly hash: string | null;
}

export interface PriceChangeEvent {
  readonly type: 'price_change';
  readonly conditionId: string;
  readonly timestamp: number;
  readonly changes: readonly LevelChange[];
  /** `current` = the `price_changes` format (since Sept 2025); `legacy` = top-level asset with `changes`. */
  readonly format: 'current' | 'legacy';
  readonly receivedAt: number;
}

export interface LastTradeEvent {
  readonly type: 'last_trade_price';
  readonly tokenId: string;
  readonly conditionId: string;
  readonly price: number;
  readonly priceText: string;
  /** The market channel carries size; null only if a frame omits it (see G3 for other sources). */
  readonly size: number | null;
  readonly sizeText: string | null;
  readonly side: Side | null;
  /** Trade time, epoch ms. */
  readonly timestamp: number;
  readonly feeRateBps: string | null;
  readonly transactionHash: string | null;
  readonly receivedAt: number;
}

export interface TickSizeChangeEvent {
  readonly type: 'tick_size_change';
  readonly tokenId: string;
  readonly conditionId: string;
  readonly oldTickSize: string;
  readonly newTickSize: string;
  readonly timestamp: number;
  readonly receivedAt: number;
}

export interface MarketResolvedEvent {
  readonly type: 'market_resolved';
  readonly conditionId: string;
  readonly tokenIds: readonly string[];
  readonly winningTokenId: string | null;
  readonly timestamp: number;
  readonly receivedAt: number;
}

export type FeedEvent =
  BookSnapshotEvent | PriceChangeEvent | LastTradeEvent | TickSizeChangeEvent | MarketResolvedEvent;

export type FeedState = 'connected' | 'disconnected' | 'paused' | 'resumed';

export interface FeedStatusEvent {
  readonly state: FeedState;
  /** The shard concerned; absent for feed-wide states (paused, resumed). */
  readonly shard?: number;
  readonly reason: string;
  readonly at: number;
}

export interface IngestionAlert {
  readonly severity: 'warning' | 'critical' | 'recovered';
  readonly code: string;
  readonly message: string;
  readonly at: number;
}

/** A trade from the Data API (REST): numbers there, decimal text derived once. */
export interface Trade {
  readonly conditionId: string;
  readonly tokenId: string;
  readonly side: Side | null;
  readonly price: number;
  readonly priceText: string;
  readonly size: number;
  readonly sizeText: string;
  /** Epoch ms (the Data API sends seconds). */
  readonly timestamp: number;
  readonly outcome: string | null;
  readonly outcomeIndex: number | null;
  readonly transactionHash: string | null;
}

// ---- Sinks: ingestion fetches and normalizes; storage (wired by the composition root) stores. ----

/**
 * Receives the market catalogue (storage's MarketRepository satisfies it as it is). Awaited:
 * `MarketCatalog.start()` resolves once the first part is stored.
 */
export interface MarketSink {
  upsertMany(markets: readonly Market[]): Promise<unknown>;
}

/**
 * A trade for the tape. Field names follow storage's TradeInput, so the batching TapeWriter
 * satisfies TapeSink as it is.
 */
export interface TapeTrade {
  readonly tokenId: string;
  readonly conditionId: string;
  /** The venue's decimal text. */
  readonly price: string;
  readonly size: string | null;
  readonly side: Side | null;
  /** Trade time, epoch ms. */
  readonly tradedAt: number;
  readonly receivedAt: number;
  readonly source: FeedSource;
  /** The transaction hash when the venue sent one. */
  readonly venueTradeId: string | null;
}

/**
 * Snapshot levels for the tape, serialized lazily: the hot path hands over the level arrays it
 * already has, and only the writer's JSON.stringify (off the socket handler's critical work, in
 * storage) turns them into compact `[price, size]` text pairs.
 */
export class SnapshotPayload {
  constructor(
    readonly source: FeedSource,
    readonly tickSize: string | null,
    readonly bids: readonly PriceLevel[],
    readonly asks: readonly PriceLevel[],
  ) {}

  toJSON(): {
    source: FeedSource;
    tickSize: string | null;
    bids: [string, string][];
    asks: [string, string][];
  } {
    const pairs = (levels: readonly PriceLevel[]): [string, string][] =>
      levels.map((level) => [level.priceText, level.sizeText]);
    return { source: this.source, tickSize: this.tickSize, bids: pairs(this.bids), asks: pairs(this.asks) };
  }
}

export interface DeltaPayload {
  readonly side: Side;
  readonly price: string;
  /** New total size at the level; "0" removes it. */
  readonly size: string;
}

export interface TickSizePayload {
  readonly oldTickSize: string;
  readonly newTickSize: string;
}

/** A book update for the tape, shaped like storage's BookUpdateInput. Best-first levels in snapshots. */
export type TapeBookUpdate =
  | (TapeBookBase & { readonly kind: 'snapshot'; readonly payload: SnapshotPayload })
  | (TapeBookBase & { readonly kind: 'delta'; readonly payload: DeltaPayload })
  | (TapeBookBase & { readonly kind: 'tick_size_change'; readonly payload: TickSizePayload });

interface TapeBookBase {
  readonly tokenId: string;
  readonly conditionId: string;
  /** Venue time, epoch ms. */
  readonly venueTimestamp: number;
  readonly hash: string | null;
  readonly receivedAt: number;
}

/**
 * Receives what replay needs. Called on the hot path and never awaited: an implementation buffers
 * and writes in batches. A returned promise is only observed for rejection (counted and logged).
 */
export interface TapeSink {
  appendTrade(trade: TapeTrade): void | Promise<void>;
  appendBookUpdate(update: TapeBookUpdate): void | Promise<void>;
}

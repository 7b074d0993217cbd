/**
 * What a strategy sees. Every field is plain, read-only data: a strategy gets no handle to a
 * database, a network client or the engine, so the same context replays the same decision.
 */

export type Side = 'BUY' | 'SELL';

/** Where the trade that woke the strategy came from. */
export type TriggerSource = 'websocket' | 'rest' | 'replay' | 'watchlist';

export interface MarketInfo {
  /** The market's condition id (0x-prefixed hex). Several tokens share one condition. */
  readonly conditionId: string;
  readonly question: string;
  readonly category: string | null;
  readonly tags: readonly string[];
  /** When the market is scheduled to end, epoch milliseconds; null when the venue gives none. */
  readonly endDate: number | null;
  readonly negRisk: boolean;
  /** The price grid, e.g. 0.01, 0.005, 0.001. Orders are rounded onto it by the engine. */
  readonly tickSize: number;
  /** The venue's minimum order size in shares. */
  readonly minOrderSize: number;
}

export interface TokenInfo {
  /** The outcome token id (a decimal string of up to 78 digits). */
  readonly tokenId: string;
  /** The outcome's label, e.g. "Yes", "No", "Thunder". */
  readonly outcome: string;
}

export interface TriggerInfo {
  /** The traded price, 0..1. */
  readonly price: number;
  /**
   * The traded size in shares. Absent (null) when the source did not carry it and the engine
   * could not look it up (gotcha G3): a strategy that needs size must handle null.
   */
  readonly size: number | null;
  /** The taker's side when the source says it. */
  readonly side: Side | null;
  /** When the trade happened, epoch milliseconds. */
  readonly timestamp: number;
  /** Seconds between the trade and `now`. The engine never passes a trade older than its limit (G1). */
  readonly ageSeconds: number;
  readonly source: TriggerSource;
}

export interface BookLevel {
  readonly price: number;
  readonly size: number;
}

export interface OrderBookView {
  readonly bestBid: number | null;
  readonly bestAsk: number | null;
  /** Best level first. At most a handful of levels: the top of the book, not all of it. */
  readonly bids: readonly BookLevel[];
  /** Best level first. */
  readonly asks: readonly BookLevel[];
  /** When the engine last received this book, epoch milliseconds. */
  readonly timestamp: number;
}

export interface PositionView {
  readonly tokenId: string;
  /** Shares held. */
  readonly size: number;
  readonly averagePrice: number;
  /** When the position was opened, epoch milliseconds. */
  readonly openedAt: number;
}

export interface StrategyContext<P = Record<string, unknown>> {
  /** The name of the strategy instance being evaluated. */
  readonly strategy: string;
  readonly market: MarketInfo;
  readonly token: TokenInfo;
  readonly trigger: TriggerInfo;
  /** The live order book of the token, or null when none has been received yet. */
  readonly book: OrderBookView | null;
  /** Hours until `market.endDate`; null when the end date is unknown. */
  readonly hoursToEnd: number | null;
  /** This strategy's open position in the market (any of its tokens), or null. */
  readonly position: PositionView | null;
  /** The strategy's own parameters, validated against its `paramsSchema`. */
  readonly params: Readonly<P>;
  /** Engine time, epoch milliseconds. Use it instead of `Date.now()` so replays decide the same. */
  readonly now: number;
}

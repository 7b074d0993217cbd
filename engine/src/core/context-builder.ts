import type {
  MarketInfo,
  OrderBookView,
  PositionView,
  StrategyContext,
  TokenInfo,
  TriggerSource,
} from '@polybot/sdk';
import type { TradeEvent } from './ports.js';

const HOUR_MS = 3_600_000;
/** Strategies see the top of the book, not all of it: contexts are cloned into a worker per call. */
export const CONTEXT_BOOK_DEPTH = 10;

function topOfBook(book: OrderBookView | null): OrderBookView | null {
  if (book === null) return null;
  if (book.bids.length <= CONTEXT_BOOK_DEPTH && book.asks.length <= CONTEXT_BOOK_DEPTH) return book;
  return {
    ...book,
    bids: book.bids.slice(0, CONTEXT_BOOK_DEPTH),
    asks: book.asks.slice(0, CONTEXT_BOOK_DEPTH),
  };
}

export interface ContextParts {
  readonly strategy: string;
  readonly trade: TradeEvent;
  readonly source: TriggerSource;
  readonly market: MarketInfo;
  readonly token: TokenInfo;
  readonly book: OrderBookView | null;
  readonly position: PositionView | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly now: number;
}

/** Plain data only — no handles — so the context clones cheaply and replays identically. */
export function buildStrategyContext(parts: ContextParts): StrategyContext {
  const { trade, market, now } = parts;
  return {
    strategy: parts.strategy,
    market,
    token: parts.token,
    trigger: {
      price: Number(trade.price),
      size: trade.size === null ? null : Number(trade.size),
      side: trade.side,
      timestamp: trade.timestamp,
      ageSeconds: Math.max(0, (now - trade.timestamp) / 1000),
      source: parts.source,
    },
    book: topOfBook(parts.book),
    hoursToEnd: market.endDate === null ? null : (market.endDate - now) / HOUR_MS,
    position: parts.position,
    params: parts.params,
    now,
  };
}

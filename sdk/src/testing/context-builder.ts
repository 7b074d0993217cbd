import type {
  BookLevel,
  MarketInfo,
  OrderBookView,
  PositionView,
  StrategyContext,
  TokenInfo,
  TriggerInfo,
} from '../context.js';

/** A partial context: every nested object may be given in part; the rest keeps its default. */
export interface ContextOverrides<P = Record<string, unknown>> {
  readonly strategy?: string;
  readonly market?: Partial<MarketInfo>;
  readonly token?: Partial<TokenInfo>;
  readonly trigger?: Partial<TriggerInfo>;
  /** `null` for "no book yet"; levels are given best first. */
  readonly book?:
    | (Partial<Omit<OrderBookView, 'bestBid' | 'bestAsk'>> & {
        bestBid?: number | null;
        bestAsk?: number | null;
      })
    | null;
  readonly position?: Partial<PositionView> | null;
  readonly params?: Partial<P>;
  readonly now?: number;
  /** Overrides the value derived from `market.endDate` and `now`. */
  readonly hoursToEnd?: number | null;
}

/** 2026-01-15T12:00:00Z: a fixed default so tests never depend on the wall clock. */
export const DEFAULT_NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const HOUR_MS = 3_600_000;

function deriveBook(book: NonNullable<ContextOverrides['book']>, now: number): OrderBookView {
  const bids: readonly BookLevel[] = book.bids ?? [{ price: 0.95, size: 500 }];
  const asks: readonly BookLevel[] = book.asks ?? [{ price: 0.96, size: 500 }];
  return {
    bids,
    asks,
    bestBid: book.bestBid !== undefined ? book.bestBid : (bids[0]?.price ?? null),
    bestAsk: book.bestAsk !== undefined ? book.bestAsk : (asks[0]?.price ?? null),
    timestamp: book.timestamp ?? now,
  };
}

/**
 * Builds a complete, realistic context: a fresh 0.96 trade of 100 shares on the Yes token of a
 * market that ends in 10 days, with a book around it. Override only what your test is about.
 */
export function createContext<P = Record<string, unknown>>(
  overrides: ContextOverrides<P> = {},
  defaultParams?: Partial<P>,
): StrategyContext<P> {
  const now = overrides.now ?? DEFAULT_NOW;
  const market: MarketInfo = {
    conditionId: '0x' + 'c0'.repeat(32),
    question: 'Will the test pass?',
    category: 'testing',
    tags: [],
    endDate: now + 240 * HOUR_MS,
    negRisk: false,
    tickSize: 0.01,
    minOrderSize: 5,
    ...overrides.market,
  };
  const token: TokenInfo = { tokenId: '1001', outcome: 'Yes', ...overrides.token };
  const triggerTimestamp = overrides.trigger?.timestamp ?? now - 5_000;
  const trigger: TriggerInfo = {
    price: 0.96,
    size: 100,
    side: 'BUY',
    source: 'websocket',
    ...overrides.trigger,
    timestamp: triggerTimestamp,
    ageSeconds: overrides.trigger?.ageSeconds ?? Math.max(0, (now - triggerTimestamp) / 1000),
  };
  const book = overrides.book === null ? null : deriveBook(overrides.book ?? {}, now);
  const position: PositionView | null =
    overrides.position === undefined || overrides.position === null
      ? null
      : {
          tokenId: token.tokenId,
          size: 10,
          averagePrice: trigger.price,
          openedAt: now - 24 * HOUR_MS,
          ...overrides.position,
        };
  const hoursToEnd =
    overrides.hoursToEnd !== undefined
      ? overrides.hoursToEnd
      : market.endDate === null
        ? null
        : (market.endDate - now) / HOUR_MS;
  return {
    strategy: overrides.strategy ?? 'test',
    market,
    token,
    trigger,
    book,
    hoursToEnd,
    position,
    params: { ...(defaultParams ?? {}), ...(overrides.params ?? {}) } as P,
    now,
  };
}

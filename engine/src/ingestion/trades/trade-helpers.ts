import { inject, injectable } from 'tsyringe';
import type { Counter } from 'prom-client';
import { Tokens } from '../../di/tokens.js';
import type { EngineConfig } from '../../config/types.js';
import { describeError, RecoverableError } from '../../errors.js';
import type { Logger } from '../../monitoring/logger.js';
import type { MetricsRegistry } from '../../monitoring/metrics.js';
import type { Clock } from '../../util/clock.js';
import type { MarketCatalog } from '../catalog/market-catalog.js';
import { parseDecimal, priceToUnits } from '../decimal.js';
import type { BookStore } from '../feed/book-store.js';
import type { ClobPublicClient } from '../rest/clob-public-client.js';
import type { DataApiClient } from '../rest/data-api-client.js';
import type { PriceLevel, Side, Trade } from '../types.js';

export interface RecentTradesOptions {
  /** Trades older than this are dropped (G1). Default: `filters.maxTradeAgeSeconds` (300). */
  readonly maxAgeSeconds?: number;
  /** How many of the newest fills to ask the Data API for. */
  readonly limit?: number;
}

export interface TradeSizeAtPrice {
  readonly size: number;
  readonly sizeText: string;
  readonly tokenId: string;
  readonly timestamp: number;
}

export interface PriceCheck {
  readonly valid: boolean;
  /** The book price the expectation was compared with; null when there was none. */
  readonly actualPrice: number | null;
  readonly reason: string;
  /** Where the book came from: the live BookStore, or a REST /book fallback. */
  readonly source: 'book' | 'rest' | null;
}

export interface VerifyPriceOptions {
  /** BUY compares with the best ask (what we would pay), SELL with the best bid. Default BUY. */
  readonly side?: Side;
  /** A synced book updated longer ago than this is re-read over REST. Default 30 s. */
  readonly maxBookAgeMs?: number;
}

/** Trade timestamps this far in the future are tolerated as clock skew; beyond, they are bogus. */
const FUTURE_SKEW_MS = 60_000;
const DEFAULT_MAX_BOOK_AGE_MS = 30_000;

/**
 * The gotcha guards in one place: recent trades are always filtered by timestamp (G1), a trade's
 * size is looked up when the source lacks it (G3), and a price is verified against the live book
 * before anyone trades on it (G5).
 */
@injectable()
export class TradeHelpers {
  private readonly staleTrades: Counter.Internal;
  private readonly priceChecks: Counter<'result' | 'source'>;

  constructor(
    @inject(Tokens.Config) private readonly config: EngineConfig,
    @inject(Tokens.DataApiClient) private readonly data: DataApiClient,
    @inject(Tokens.ClobPublicClient) private readonly clob: ClobPublicClient,
    @inject(Tokens.BookStore) private readonly books: BookStore,
    @inject(Tokens.MarketCatalog) private readonly catalog: MarketCatalog,
    @inject(Tokens.Clock) private readonly clock: Clock,
    @inject(Tokens.Logger) private readonly logger: Logger,
    @inject(Tokens.Metrics) metrics: MetricsRegistry,
  ) {
    this.staleTrades = metrics
      .counter('polybot_ingestion_stale_trades_total', 'Trades dropped for being older than the limit (G1)', [
        'source',
      ])
      .labels('rest');
    this.priceChecks = metrics.counter(
      'polybot_price_checks_total',
      'Price verifications against the book (G5), by result and book source',
      ['result', 'source'],
    );
  }

  /**
   * Trades of a condition (0x…) or of one token, newest first, NEVER older than `maxAgeSeconds`
   * (G1: the Data API's "recent" trades can be months old). A token is mapped to its condition
   * through the catalogue; an unknown token is an error, not an empty answer.
   */
  async getRecentTrades(id: string, options: RecentTradesOptions = {}): Promise<Trade[]> {
    const maxAgeMs = (options.maxAgeSeconds ?? this.config.filters.maxTradeAgeSeconds) * 1000;
    const isCondition = id.startsWith('0x');
    const conditionId = isCondition ? id.toLowerCase() : this.catalog.conditionOf(id);
    if (conditionId === undefined) {
      throw new RecoverableError('unknown_token', `token ${id} is not in the market catalogue`);
    }
    const trades = await this.data.getTrades(conditionId, { limit: options.limit ?? 100 });
    const now = this.clock.now();
    const fresh: Trade[] = [];
    for (const trade of trades) {
      if (!isCondition && trade.tokenId !== id) continue;
      const age = now - trade.timestamp;
      if (age > maxAgeMs || age < -FUTURE_SKEW_MS) {
        this.staleTrades.inc();
        continue;
      }
      fresh.push(trade);
    }
    return fresh;
  }

  /**
   * The size of the most recent fresh trade at `price` (G3: some sources carry price only). Null
   * when no trade at that price happened within `maxAgeSeconds`.
   */
  async getTradeSizeAtPrice(
    conditionId: string,
    price: number | string,
    options: RecentTradesOptions & { readonly tokenId?: string } = {},
  ): Promise<TradeSizeAtPrice | null> {
    const wanted = priceToUnits(typeof price === 'string' ? parseDecimal(price) : price);
    const trades = await this.getRecentTrades(conditionId, options);
    for (const trade of trades) {
      if (options.tokenId !== undefined && trade.tokenId !== options.tokenId) continue;
      if (priceToUnits(trade.price) !== wanted) continue;
      return {
        size: trade.size,
        sizeText: trade.sizeText,
        tokenId: trade.tokenId,
        timestamp: trade.timestamp,
      };
    }
    return null;
  }

  /**
   * Checks `expectedPrice` (usually the trigger trade's) against the live book (G5): invalid when
   * the best ask (BUY) or best bid (SELL) is more than `maxDeviation` away, when that side is empty,
   * or when no book can be read. Uses the BookStore when its book is synced and fresh, else REST.
   */
  async verifyPrice(
    tokenId: string,
    expectedPrice: number,
    maxDeviation: number = this.config.filters.maxPriceDeviation,
    options: VerifyPriceOptions = {},
  ): Promise<PriceCheck> {
    const side = options.side ?? 'BUY';
    const maxBookAgeMs = options.maxBookAgeMs ?? DEFAULT_MAX_BOOK_AGE_MS;
    let best: PriceLevel | null;
    let source: 'book' | 'rest';
    const state = this.books.state(tokenId);
    if (state && state.synced && this.clock.now() - state.updatedAt <= maxBookAgeMs) {
      best = side === 'BUY' ? state.bestAsk : state.bestBid;
      source = 'book';
    } else {
      source = 'rest';
      try {
        const book = await this.clob.getBook(tokenId);
        if (book === null)
          return this.result(false, null, `no order book exists for token ${tokenId}`, 'rest', 'no_book');
        best = (side === 'BUY' ? book.asks[0] : book.bids[0]) ?? null;
      } catch (error) {
        this.logger.warn('could not read the order book to verify a price', {
          component: 'trades',
          asset: tokenId,
          error: describeError(error),
        });
        return this.result(
          false,
          null,
          `could not read the order book: ${describeError(error)}`,
          'rest',
          'error',
        );
      }
    }
    const bookSide = side === 'BUY' ? 'ask' : 'bid';
    if (best === null) return this.result(false, null, `the book has no ${bookSide}s`, source, 'empty_side');
    const deviation = Math.abs(priceToUnits(best.price) - priceToUnits(expectedPrice));
    if (deviation > priceToUnits(maxDeviation)) {
      return this.result(
        false,
        best.price,
        `orderbook mismatch: best ${bookSide} ${best.priceText} is more than ${maxDeviation} away from ${expectedPrice}`,
        source,
        'divergent',
      );
    }
    return this.result(
      true,
      best.price,
      `best ${bookSide} ${best.priceText} is within ${maxDeviation} of ${expectedPrice}`,
      source,
      'valid',
    );
  }

  private result(
    valid: boolean,
    actualPrice: number | null,
    reason: string,
    source: 'book' | 'rest',
    label: string,
  ): PriceCheck {
    this.priceChecks.labels(label, source).inc();
    return { valid, actualPrice, reason, source };
  }
}

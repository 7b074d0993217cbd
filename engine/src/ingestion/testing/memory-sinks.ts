import type { Market, MarketSink, TapeBookUpdate, TapeSink, TapeTrade } from '../types.js';

/** In-memory MarketSink for unit tests (a test double of our own sink interface). */
export class MemoryMarketSink implements MarketSink {
  readonly markets = new Map<string, Market>();
  readonly batches: number[] = [];
  failNext = 0;

  upsertMany(markets: readonly Market[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('sink unavailable'));
    }
    this.batches.push(markets.length);
    for (const market of markets) this.markets.set(market.conditionId, market);
    return Promise.resolve();
  }
}

export class MemoryTapeSink implements TapeSink {
  readonly trades: TapeTrade[] = [];
  readonly books: TapeBookUpdate[] = [];
  fail: 'throw' | 'reject' | null = null;

  appendTrade(trade: TapeTrade): void | Promise<void> {
    if (this.fail === 'throw') throw new Error('tape down');
    if (this.fail === 'reject') return Promise.reject(new Error('tape down'));
    this.trades.push(trade);
  }

  appendBookUpdate(update: TapeBookUpdate): void | Promise<void> {
    if (this.fail === 'throw') throw new Error('tape down');
    if (this.fail === 'reject') return Promise.reject(new Error('tape down'));
    this.books.push(update);
  }
}

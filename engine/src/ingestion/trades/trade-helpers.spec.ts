import { expect } from 'chai';
import { RecoverableError } from '../../errors.js';
import { ManualClock } from '../../util/clock.js';
import { MarketCatalog } from '../catalog/market-catalog.js';
import { BookStore } from '../feed/book-store.js';
import { HttpClient } from '../http/http-client.js';
import { ClobPublicClient } from '../rest/clob-public-client.js';
import { DataApiClient } from '../rest/data-api-client.js';
import { GammaClient } from '../rest/gamma-client.js';
import { testDeps, type TestDeps } from '../testing/context.js';
import { conditionIdFor, gammaMarket, tokenIdFor } from '../testing/fixtures.js';
import { MemoryMarketSink } from '../testing/memory-sinks.js';
import { StubHttpServer } from '../testing/stub-server.js';
import type { PriceLevel } from '../types.js';
import { TradeHelpers } from './trade-helpers.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const SECOND = 1000;
const YES = tokenIdFor(1, 0);
const NO = tokenIdFor(1, 1);
const CONDITION = conditionIdFor(1);

function dataTrade(tokenId: string, price: number, size: number, ageSeconds: number) {
  return {
    asset: tokenId,
    conditionId: CONDITION,
    price,
    size,
    side: 'BUY',
    timestamp: Math.floor((NOW - ageSeconds * SECOND) / 1000),
  };
}

const lvl = (price: string, size = '100'): PriceLevel => ({
  price: Number(price),
  size: Number(size),
  priceText: price,
  sizeText: size,
});

describe('TradeHelpers', () => {
  let server: StubHttpServer;
  let http: HttpClient;
  let deps: TestDeps;
  let books: BookStore;
  let helpers: TradeHelpers;
  let catalog: MarketCatalog;
  let clock: ManualClock;
  let trades: unknown[];

  beforeEach(async () => {
    clock = new ManualClock(NOW);
    server = new StubHttpServer();
    const url = await server.start();
    trades = [];
    server.on('GET /markets', (req) => ({
      body: Number(req.query.get('offset')) === 0 ? [gammaMarket(1)] : [],
    }));
    server.on('GET /trades', () => ({ body: trades }));
    deps = testDeps(
      { polymarket: { gammaUrl: url, dataUrl: url, clobUrl: url }, ingestion: { marketRefreshSeconds: 0 } },
      clock,
    );
    http = new HttpClient(deps.config, deps.logger, deps.metrics);
    http.retryPolicy = { ...http.retryPolicy, retries: 0 };
    catalog = new MarketCatalog(
      deps.config,
      new GammaClient(http, deps.logger, deps.metrics),
      new MemoryMarketSink(),
      deps.logger,
      deps.metrics,
    );
    await catalog.start();
    books = new BookStore();
    helpers = new TradeHelpers(
      deps.config,
      new DataApiClient(http, deps.logger, deps.metrics),
      new ClobPublicClient(http, clock),
      books,
      catalog,
      clock,
      deps.logger,
      deps.metrics,
    );
  });

  afterEach(async () => {
    await catalog.stop();
    http.close();
    await server.stop();
  });

  describe('getRecentTrades (G1)', () => {
    it('never returns a trade older than maxAgeSeconds, whatever the API calls recent', async () => {
      trades = [
        dataTrade(YES, 0.95, 10, 60 * 24 * 3600), // the "Belichick" trade: two months old at 95¢
        dataTrade(YES, 0.06, 20, 30),
        dataTrade(NO, 0.94, 5, 299),
        dataTrade(NO, 0.5, 5, 301),
        dataTrade(YES, 0.5, 5, -3600), // an hour in the future: bogus
      ];
      const recent = await helpers.getRecentTrades(CONDITION);
      expect(recent.map((t) => [t.tokenId, t.price])).to.deep.equal([
        [YES, 0.06],
        [NO, 0.94],
      ]);
      expect(server.requests.find((r) => r.path === '/trades')?.query.get('market')).to.equal(CONDITION);
      expect(await deps.metrics.value('polybot_ingestion_stale_trades_total', { source: 'rest' })).to.equal(
        3,
      );
      expect((await helpers.getRecentTrades(CONDITION, { maxAgeSeconds: 10 })).length).to.equal(0);
      expect((await helpers.getRecentTrades(CONDITION, { maxAgeSeconds: 400 })).length).to.equal(3);
    });

    it('accepts a token id, maps it to its condition and keeps that token only', async () => {
      trades = [dataTrade(YES, 0.06, 20, 30), dataTrade(NO, 0.94, 5, 30)];
      const recent = await helpers.getRecentTrades(NO);
      expect(recent.map((t) => t.tokenId)).to.deep.equal([NO]);
      const error = await helpers.getRecentTrades('12345').catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RecoverableError);
      expect((error as RecoverableError).code).to.equal('unknown_token');
    });
  });

  describe('getTradeSizeAtPrice (G3)', () => {
    it('returns the size of the most recent fresh trade at that price', async () => {
      trades = [dataTrade(YES, 0.95, 120, 10), dataTrade(YES, 0.95, 80, 20), dataTrade(NO, 0.05, 7, 5)];
      expect(await helpers.getTradeSizeAtPrice(CONDITION, '0.95')).to.deep.include({
        size: 120,
        sizeText: '120',
        tokenId: YES,
      });
      expect(await helpers.getTradeSizeAtPrice(CONDITION, 0.05)).to.deep.include({ size: 7, tokenId: NO });
      expect(await helpers.getTradeSizeAtPrice(CONDITION, 0.05, { tokenId: YES })).to.equal(null);
      expect(await helpers.getTradeSizeAtPrice(CONDITION, 0.5)).to.equal(null);
    });

    it('does not match a stale trade at the same price', async () => {
      trades = [dataTrade(YES, 0.95, 500, 3 * 3600)];
      expect(await helpers.getTradeSizeAtPrice(CONDITION, 0.95)).to.equal(null);
    });
  });

  describe('verifyPrice (G5)', () => {
    function liveBook(bids: PriceLevel[], asks: PriceLevel[], receivedAt = NOW): void {
      books.applySnapshot({
        type: 'book',
        tokenId: YES,
        conditionId: CONDITION,
        bids,
        asks,
        timestamp: receivedAt,
        hash: null,
        tickSize: '0.01',
        minOrderSize: null,
        negRisk: null,
        lastTradePrice: null,
        receivedAt,
        source: 'ws',
      });
    }

    it('rejects a trade price far from the live book (a 95¢ print in a 5¢ market)', async () => {
      liveBook([lvl('0.04')], [lvl('0.05')]);
      const check = await helpers.verifyPrice(YES, 0.95);
      expect(check).to.deep.include({ valid: false, actualPrice: 0.05, source: 'book' });
      expect(check.reason).to.match(/orderbook mismatch: best ask 0.05/);
      expect(server.count('GET /book')).to.equal(0);
      expect(await deps.metrics.value('polybot_price_checks_total', { result: 'divergent' })).to.equal(1);
    });

    it('accepts a price within the deviation, the boundary included', async () => {
      liveBook([lvl('0.84')], [lvl('0.85')]);
      expect(await helpers.verifyPrice(YES, 0.95)).to.deep.include({ valid: true, actualPrice: 0.85 });
      expect((await helpers.verifyPrice(YES, 0.96)).valid).to.equal(false);
      expect((await helpers.verifyPrice(YES, 0.9, 0.05)).valid).to.equal(true);
      expect((await helpers.verifyPrice(YES, 0.91, 0.05)).valid).to.equal(false);
    });

    it('compares a SELL with the best bid, and rejects an empty side', async () => {
      liveBook([lvl('0.6')], []);
      expect(await helpers.verifyPrice(YES, 0.65, 0.1, { side: 'SELL' })).to.deep.include({
        valid: true,
        actualPrice: 0.6,
      });
      expect(await helpers.verifyPrice(YES, 0.65)).to.deep.include({
        valid: false,
        actualPrice: null,
        reason: 'the book has no asks',
      });
    });

    it('reads the book over REST when the live book is unsynced or stale', async () => {
      server.on('GET /book', () => ({
        body: {
          asset_id: YES,
          market: CONDITION,
          bids: [{ price: '0.93', size: '5' }],
          asks: [{ price: '0.97', size: '5' }],
        },
      }));
      expect(await helpers.verifyPrice(YES, 0.95)).to.deep.include({
        valid: true,
        actualPrice: 0.97,
        source: 'rest',
      });
      liveBook([lvl('0.04')], [lvl('0.05')], NOW - 60_000);
      expect(await helpers.verifyPrice(YES, 0.95)).to.deep.include({ valid: true, source: 'rest' });
      liveBook([lvl('0.04')], [lvl('0.05')]);
      books.markUnsynced(YES);
      expect(await helpers.verifyPrice(YES, 0.95)).to.deep.include({ source: 'rest' });
      expect(server.count('GET /book')).to.equal(3);
    });

    it('is invalid when no book can be read', async () => {
      server.on('GET /book', (req) =>
        req.query.get('token_id') === 'none'
          ? { status: 404, body: { error: 'No orderbook exists' } }
          : { status: 500 },
      );
      expect(await helpers.verifyPrice('none', 0.5)).to.deep.include({
        valid: false,
        actualPrice: null,
        source: 'rest',
      });
      const failed = await helpers.verifyPrice(YES, 0.5);
      expect(failed.valid).to.equal(false);
      expect(failed.reason).to.match(/could not read the order book: .*HTTP 500/);
    });
  });
});

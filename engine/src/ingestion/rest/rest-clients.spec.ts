import { expect } from 'chai';
import { VenueError } from '../../errors.js';
import { ManualClock } from '../../util/clock.js';
import { HttpClient } from '../http/http-client.js';
import { testDeps, type TestDeps } from '../testing/context.js';
import { conditionIdFor, gammaMarket, tokenIdFor } from '../testing/fixtures.js';
import { StubHttpServer } from '../testing/stub-server.js';
import { ClobPublicClient } from './clob-public-client.js';
import { DataApiClient } from './data-api-client.js';
import { GammaClient } from './gamma-client.js';

describe('REST clients', () => {
  let server: StubHttpServer;
  let http: HttpClient;
  let deps: TestDeps;
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));

  beforeEach(async () => {
    server = new StubHttpServer();
    const url = await server.start();
    deps = testDeps({ polymarket: { clobUrl: url, gammaUrl: url, dataUrl: url } }, clock);
    http = new HttpClient(deps.config, deps.logger, deps.metrics);
    http.retryPolicy = { ...http.retryPolicy, baseMs: 5, maxMs: 10 };
  });

  afterEach(async () => {
    http.close();
    await server.stop();
  });

  describe('ClobPublicClient', () => {
    const book = {
      market: conditionIdFor(1),
      asset_id: '111',
      timestamp: '1790265943981',
      hash: '25d0fa90',
      bids: [
        { price: '0.01', size: '3181.31' },
        { price: '0.68', size: '20' },
        { price: '0.69', size: '5' },
      ],
      asks: [
        { price: '0.99', size: '167' },
        { price: '0.8', size: '54.99' },
        { price: '0.75', size: '5' },
      ],
      min_order_size: '5',
      tick_size: '0.01',
      neg_risk: true,
      last_trade_price: '0.70',
    };

    it('reads a book best-first with the venue text kept', async () => {
      server.on('GET /book', () => ({ body: book }));
      const clob = new ClobPublicClient(http, clock);
      const snapshot = await clob.getBook('111');
      expect(server.requests[0]?.query.get('token_id')).to.equal('111');
      expect(snapshot?.bids.map((l) => l.priceText)).to.deep.equal(['0.69', '0.68', '0.01']);
      expect(snapshot?.asks[0]).to.deep.equal({ price: 0.75, size: 5, priceText: '0.75', sizeText: '5' });
      expect(snapshot).to.include({
        tokenId: '111',
        conditionId: conditionIdFor(1),
        timestamp: 1790265943981,
        tickSize: '0.01',
        minOrderSize: '5',
        negRisk: true,
        lastTradePrice: '0.70',
        source: 'rest',
        receivedAt: clock.now(),
      });
    });

    it('answers null for a token without a book (404) and rejects a malformed book', async () => {
      server.on('GET /book', (req) =>
        req.query.get('token_id') === 'none'
          ? { status: 404, body: { error: 'No orderbook exists for the requested token id' } }
          : { body: { ...book, bids: [{ price: 'high', size: '1' }] } },
      );
      const clob = new ClobPublicClient(http, clock);
      expect(await clob.getBook('none')).to.equal(null);
      const error = (await clob.getBook('bad').catch((e: unknown) => e)) as VenueError;
      expect(error).to.be.instanceOf(VenueError);
      expect(error.code).to.equal('malformed_response');
    });

    it('batches POST /books in chunks of 100', async () => {
      server.on('POST /books', (req) => ({
        body: (JSON.parse(req.body) as Array<{ token_id: string }>).map((t) => ({
          ...book,
          asset_id: t.token_id,
          timestamp: undefined,
        })),
      }));
      const clob = new ClobPublicClient(http, clock);
      const ids = Array.from({ length: 150 }, (_, i) => String(i + 1));
      const books = await clob.getBooks(ids);
      expect(books.map((b) => b.tokenId)).to.deep.equal(ids);
      expect(books[0]?.timestamp).to.equal(clock.now());
      expect(server.count('POST /books')).to.equal(2);
    });

    it('reads tick size (a number) as decimal text, neg-risk, last trade, price and midpoint', async () => {
      server
        .on('GET /tick-size', () => ({ body: { minimum_tick_size: 0.0025 } }))
        .on('GET /neg-risk', () => ({ body: { neg_risk: true } }))
        .on('GET /last-trade-price', () => ({ body: { price: '0.5', side: 'BUY' } }))
        .on('GET /price', (req) => ({ body: { price: req.query.get('side') === 'BUY' ? '0.52' : '0.54' } }))
        .on('GET /midpoint', () => ({ body: { mid: '0.515' } }));
      const clob = new ClobPublicClient(http, clock);
      expect(await clob.getTickSize('1')).to.equal('0.0025');
      expect(await clob.getNegRisk('1')).to.equal(true);
      expect(await clob.getLastTradePrice('1')).to.deep.equal({ price: 0.5, priceText: '0.5', side: 'BUY' });
      expect(await clob.getPrice('1', 'BUY')).to.deep.equal({ price: 0.52, priceText: '0.52' });
      expect(await clob.getPrice('1', 'SELL')).to.deep.equal({ price: 0.54, priceText: '0.54' });
      expect(await clob.getMidpoint('1')).to.deep.equal({ price: 0.515, priceText: '0.515' });
      server.on('GET /last-trade-price', () => ({ body: { price: 0.25 } }));
      expect(await clob.getLastTradePrice('1')).to.deep.equal({ price: 0.25, priceText: '0.25', side: null });
    });
  });

  describe('DataApiClient', () => {
    it('normalizes trades (seconds → ms, numbers → decimal text) and skips malformed ones', async () => {
      server.on('GET /trades', () => ({
        body: [
          {
            proxyWallet: '0x48',
            side: 'SELL',
            asset: '5362',
            conditionId: conditionIdFor(2),
            size: 2,
            price: 0.999,
            timestamp: 1778039492,
            outcome: 'Thunder',
            outcomeIndex: 1,
            transactionHash: '0xabc',
          },
          { asset: '5362', conditionId: conditionIdFor(2), size: '2', price: 0.5, timestamp: 1 },
          { asset: '5363', conditionId: conditionIdFor(2), size: 1e-7, price: 0.5, timestamp: 1778039492123 },
        ],
      }));
      const data = new DataApiClient(http, deps.logger, deps.metrics);
      const trades = await data.getTrades(conditionIdFor(2), { limit: 50 });
      const query = server.requests[0]?.query;
      expect(query?.get('market')).to.equal(conditionIdFor(2));
      expect(query?.get('limit')).to.equal('50');
      expect(query?.get('takerOnly')).to.equal('true');
      expect(trades).to.have.length(2);
      expect(trades[0]).to.deep.equal({
        conditionId: conditionIdFor(2),
        tokenId: '5362',
        side: 'SELL',
        price: 0.999,
        priceText: '0.999',
        size: 2,
        sizeText: '2',
        timestamp: 1778039492000,
        outcome: 'Thunder',
        outcomeIndex: 1,
        transactionHash: '0xabc',
      });
      expect(trades[1]).to.include({
        sizeText: '0.0000001',
        timestamp: 1778039492123,
        side: null,
        outcome: null,
      });
      expect(
        await deps.metrics.value('polybot_ingestion_trades_skipped_total', { reason: 'schema' }),
      ).to.equal(1);
    });
  });

  describe('GammaClient', () => {
    it('asks for open markets ordered by id, skips and counts malformed ones', async () => {
      server.on('GET /markets', () => ({
        body: [gammaMarket(1), gammaMarket(2, { clobTokenIds: '[broken' }), 'not a market', gammaMarket(3)],
      }));
      const gamma = new GammaClient(http, deps.logger, deps.metrics);
      const page = await gamma.getMarketsPage({ limit: 10, offset: 20 });
      const query = server.requests[0]?.query;
      expect(query?.get('limit')).to.equal('10');
      expect(query?.get('offset')).to.equal('20');
      expect(query?.get('closed')).to.equal('false');
      expect(query?.get('order')).to.equal('id');
      expect(page.received).to.equal(4);
      expect(page.skipped).to.equal(2);
      expect(page.markets.map((m) => m.gammaId)).to.deep.equal(['1001', '1003']);
      expect(
        await deps.metrics.value('polybot_ingestion_markets_skipped_total', { reason: 'bad_token_ids' }),
      ).to.equal(1);
      expect(
        await deps.metrics.value('polybot_ingestion_markets_skipped_total', { reason: 'schema' }),
      ).to.equal(1);
    });

    it('looks one market up by id, closed ones included; 404 → null', async () => {
      server.on('GET /markets/1005', () => ({ body: gammaMarket(5, { closed: true }) }));
      const gamma = new GammaClient(http, deps.logger, deps.metrics);
      expect((await gamma.getMarket('1005'))?.closed).to.equal(true);
      expect(await gamma.getMarket('9999')).to.equal(null);
      expect(tokenIdFor(5, 0)).to.match(/^\d+$/);
    });
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { testConfig } from '../config/index.js';
import { GammaClient, HttpClient, MarketCatalog } from '../ingestion/index.js';
import { createSilentLogger, MetricsRegistry } from '../monitoring/index.js';
import { MarketRepository } from '../storage/index.js';
import { createTestDatabase, type TestDatabase } from '../storage/testing/index.js';
import { CatalogMarketLookup, toMarketInfo } from './market-lookup.js';

const conditionFor = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;
const tokenFor = (n: number, outcome: number): string => `${9_000_000 + n * 10 + outcome}`;

/** A Gamma market as /markets lists it (JSON-encoded lists, numeric tick and minimum size). */
function gammaMarket(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: String(500 + n),
    question: `Will market ${n} resolve Yes?`,
    conditionId: conditionFor(n),
    slug: `market-${n}`,
    endDate: '2027-06-30T12:00:00Z',
    outcomes: '["Yes", "No"]',
    outcomePrices: '["0.5", "0.5"]',
    clobTokenIds: JSON.stringify([tokenFor(n, 0), tokenFor(n, 1)]),
    active: true,
    closed: false,
    enableOrderBook: true,
    negRisk: false,
    orderPriceMinTickSize: 0.01,
    orderMinSize: 5,
    ...extra,
  };
}

/** Stands in for Polymarket's Gamma API: the listing, paged by offset and limit. */
async function startGamma(
  listing: readonly Record<string, unknown>[],
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://gamma');
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const body = url.pathname === '/markets' ? listing.slice(offset, offset + limit) : { error: 'not found' };
    response.writeHead(url.pathname === '/markets' ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('app: market lookup (catalogue first, storage for what it does not know yet)', function () {
  this.timeout(20_000);

  describe('toMarketInfo', () => {
    const market = {
      conditionId: conditionFor(1),
      question: 'Will it happen?',
      category: 'sports',
      tags: ['NBA', 'Finals'],
      endDate: new Date('2027-06-30T12:00:00Z'),
      negRisk: true,
      tickSize: '0.005',
      minOrderSize: '2.5',
    };

    it('converts to the SDK shape: epoch-ms end date, numeric tick and minimum size', () => {
      expect(toMarketInfo(market)).to.deep.equal({
        conditionId: conditionFor(1),
        question: 'Will it happen?',
        category: 'sports',
        tags: ['NBA', 'Finals'],
        endDate: Date.UTC(2027, 5, 30, 12, 0, 0),
        negRisk: true,
        tickSize: 0.005,
        minOrderSize: 2.5,
      });
    });

    it('keeps a missing end date and category as null', () => {
      expect(toMarketInfo({ ...market, endDate: null, category: null })).to.deep.include({
        endDate: null,
        category: null,
      });
    });
  });

  describe('CatalogMarketLookup', () => {
    let testDb: TestDatabase;
    let gamma: { url: string; server: Server };
    let http: HttpClient;
    let catalog: MarketCatalog;
    let markets: MarketRepository;
    let lookup: CatalogMarketLookup;

    before(async () => {
      testDb = await createTestDatabase({ backend: 'postgres' });
      gamma = await startGamma([
        gammaMarket(1, { category: 'sports', tags: [{ label: 'NBA' }] }),
        gammaMarket(2, { endDate: null, negRisk: true, orderPriceMinTickSize: 0.001 }),
      ]);
      const config = testConfig({
        polymarket: { gammaUrl: gamma.url },
        ingestion: { marketRefreshSeconds: 0, httpRetries: 0, startupMarketLimit: 100 },
      });
      const logger = createSilentLogger();
      const metrics = new MetricsRegistry();
      http = new HttpClient(config, logger, metrics);
      markets = new MarketRepository(testDb.database);
      catalog = new MarketCatalog(config, new GammaClient(http, logger, metrics), markets, logger, metrics);
      expect(await catalog.start()).to.deep.include({ loaded: 2 });
    });

    beforeEach(() => {
      lookup = new CatalogMarketLookup(catalog, markets);
    });

    after(async () => {
      await catalog?.stop();
      http?.close();
      await new Promise((resolve) => gamma?.server.close(resolve));
      await testDb?.dispose();
    });

    it('answers a catalogue token with its market and outcome; every token of a condition maps to it (G2)', async () => {
      const yes = await lookup.lookup(tokenFor(1, 0));
      expect(yes).to.deep.equal({
        market: {
          conditionId: conditionFor(1),
          question: 'Will market 1 resolve Yes?',
          category: 'sports',
          tags: ['NBA'],
          endDate: Date.UTC(2027, 5, 30, 12, 0, 0),
          negRisk: false,
          tickSize: 0.01,
          minOrderSize: 5,
        },
        token: { tokenId: tokenFor(1, 0), outcome: 'Yes' },
      });
      const no = await lookup.lookup(tokenFor(1, 1));
      expect(no?.token).to.deep.equal({ tokenId: tokenFor(1, 1), outcome: 'No' });
      expect(no?.market.conditionId).to.equal(conditionFor(1));
      const other = await lookup.lookup(tokenFor(2, 0));
      expect(other?.market).to.deep.include({ endDate: null, negRisk: true, tickSize: 0.001 });
    });

    it('converts a catalogue market once, and again when the catalogue replaces it', async () => {
      const first = await lookup.lookup(tokenFor(1, 0));
      const again = await lookup.lookup(tokenFor(1, 1));
      expect(again?.market).to.equal(first?.market);
      await catalog.applyTickSize(tokenFor(1, 0), '0.005');
      try {
        const changed = await lookup.lookup(tokenFor(1, 0));
        expect(changed?.market).to.not.equal(first?.market);
        expect(changed?.market.tickSize).to.equal(0.005);
        expect(first?.market.tickSize, 'what was handed out earlier stays as it was').to.equal(0.01);
        expect((await lookup.lookup(tokenFor(1, 1)))?.market).to.equal(changed?.market);
      } finally {
        await catalog.applyTickSize(tokenFor(1, 0), '0.01');
      }
    });

    it('looks a token the catalogue does not know up in storage, and remembers it (G8)', async () => {
      await markets.upsertMany([
        {
          conditionId: conditionFor(3),
          question: 'A market still being synced in the background',
          category: 'politics',
          tags: ['Elections'],
          endDate: '2027-01-01T00:00:00Z',
          tickSize: '0.01',
          minOrderSize: '5',
          tokens: [
            { tokenId: tokenFor(3, 0), outcome: 'Yes', outcomeIndex: 0 },
            { tokenId: tokenFor(3, 1), outcome: 'No', outcomeIndex: 1 },
          ],
        },
      ]);
      expect(await lookup.lookup(tokenFor(3, 1))).to.deep.equal({
        market: {
          conditionId: conditionFor(3),
          question: 'A market still being synced in the background',
          category: 'politics',
          tags: ['Elections'],
          endDate: Date.UTC(2027, 0, 1),
          negRisk: false,
          tickSize: 0.01,
          minOrderSize: 5,
        },
        token: { tokenId: tokenFor(3, 1), outcome: 'No' },
      });
      await testDb.database.db.none('DELETE FROM markets WHERE condition_id = $1', [conditionFor(3)]);
      expect((await lookup.lookup(tokenFor(3, 1)))?.market.conditionId, 'remembered').to.equal(
        conditionFor(3),
      );
      expect(await lookup.lookup(tokenFor(3, 0)), 'the other token was never asked for').to.equal(null);
    });

    it('answers null for an unknown token, without remembering the miss', async () => {
      expect(await lookup.lookup(tokenFor(4, 0))).to.equal(null);
      await markets.upsertMany([
        {
          conditionId: conditionFor(4),
          question: 'Stored a moment later',
          tickSize: '0.01',
          minOrderSize: '5',
          tokens: [{ tokenId: tokenFor(4, 0), outcome: 'Yes', outcomeIndex: 0 }],
        },
      ]);
      expect((await lookup.lookup(tokenFor(4, 0)))?.market.question).to.equal('Stored a moment later');
    });
  });
});

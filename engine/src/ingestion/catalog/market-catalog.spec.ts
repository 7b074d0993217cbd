import { expect } from 'chai';
import { HttpClient } from '../http/http-client.js';
import { GammaClient } from '../rest/gamma-client.js';
import { testDeps, type TestDeps } from '../testing/context.js';
import { conditionIdFor, gammaMarket, tokenIdFor } from '../testing/fixtures.js';
import { MemoryMarketSink } from '../testing/memory-sinks.js';
import { StubHttpServer } from '../testing/stub-server.js';
import { waitFor } from '../testing/wait-for.js';
import type { Market } from '../types.js';
import { MarketCatalog } from './market-catalog.js';

describe('MarketCatalog', () => {
  let server: StubHttpServer;
  let http: HttpClient;
  let sink: MemoryMarketSink;
  let deps: TestDeps;
  let catalog: MarketCatalog;
  /** The venue's listing; `clamp` emulates Gamma silently capping `limit`. */
  let listing: Array<Record<string, unknown>>;
  let clamp: number;
  let slowFrom: number;
  let failFrom: number;

  async function setup(ingestion: Record<string, unknown>): Promise<void> {
    server = new StubHttpServer();
    const url = await server.start();
    server.on('GET /markets', (req) => {
      const limit = Math.min(Number(req.query.get('limit')), clamp);
      const offset = Number(req.query.get('offset'));
      if (offset >= failFrom) return { status: 500, body: { error: 'boom' } };
      const open = listing.filter((m) => req.query.get('closed') !== 'false' || m.closed !== true);
      return { body: open.slice(offset, offset + limit), delayMs: offset >= slowFrom ? 30 : 0 };
    });
    server.on('GET /markets/*', (req) => {
      const market = listing.find((m) => m.id === req.path.split('/').pop());
      return market ? { body: market } : { status: 404, body: { error: 'not found' } };
    });
    deps = testDeps({ polymarket: { gammaUrl: url }, ingestion: { marketRefreshSeconds: 0, ...ingestion } });
    http = new HttpClient(deps.config, deps.logger, deps.metrics);
    http.retryPolicy = { ...http.retryPolicy, retries: 1, baseMs: 5, maxMs: 10 };
    sink = new MemoryMarketSink();
    catalog = new MarketCatalog(
      deps.config,
      new GammaClient(http, deps.logger, deps.metrics),
      sink,
      deps.logger,
      deps.metrics,
    );
  }

  beforeEach(() => {
    listing = Array.from({ length: 25 }, (_, i) => gammaMarket(i + 1));
    clamp = Number.POSITIVE_INFINITY;
    slowFrom = Number.POSITIVE_INFINITY;
    failFrom = Number.POSITIVE_INFINITY;
  });

  afterEach(async () => {
    await catalog?.stop();
    http?.close();
    await server?.stop();
  });

  it('stores at most startupMarketLimit before resolving, then continues in the background (G8)', async () => {
    await setup({ startupMarketLimit: 10, marketPageSize: 4 });
    slowFrom = 10;
    const added: number[] = [];
    catalog.on('marketsAdded', (markets) => added.push(markets.length));
    const summary = await catalog.start();
    expect(summary).to.deep.equal({ loaded: 10, skipped: 0, complete: false });
    expect(sink.markets.size).to.equal(10);
    expect(catalog.size).to.equal(10);
    expect(catalog.phase).to.equal('background');
    await catalog.whenComplete();
    expect(catalog.phase).to.equal('ready');
    expect(sink.markets.size).to.equal(25);
    expect(added[0]).to.equal(10);
    expect(added.reduce((a, b) => a + b, 0)).to.equal(25);
    const offsets = server.requests.map((r) => Number(r.query.get('offset')));
    expect(offsets.slice(0, 3).sort((a, b) => a - b)).to.deep.equal([0, 4, 8]);
    expect(await deps.metrics.value('polybot_ingestion_markets', { state: 'open' })).to.equal(25);
  });

  it('pages correctly when Gamma silently clamps the page size', async () => {
    await setup({ startupMarketLimit: 2000, marketPageSize: 500 });
    clamp = 3;
    const summary = await catalog.start();
    expect(summary).to.deep.include({ loaded: 25, complete: true });
    expect(catalog.phase).to.equal('ready');
    expect([...sink.markets.keys()].sort()).to.deep.equal(listing.map((m) => String(m.conditionId)).sort());
    // 9 pages of ≤3 plus the empty page that proves the end; none beyond it is needed.
    expect(server.count('GET /markets')).to.be.at.most(12);
  });

  it('stops on a short page without an extra request when the page size is proven', async () => {
    await setup({ startupMarketLimit: 100, marketPageSize: 10 });
    await catalog.start();
    expect(catalog.size).to.equal(25);
    expect(server.requests.map((r) => r.query.get('offset'))).to.include.members(['0', '10', '20']);
  });

  it('skips a malformed market with a reason and never fails the sync', async () => {
    listing[3] = gammaMarket(4, { clobTokenIds: 'not json' });
    listing[7] = { id: '1008', question: 'no condition' };
    await setup({ startupMarketLimit: 100, marketPageSize: 10 });
    const summary = await catalog.start();
    expect(summary).to.deep.include({ loaded: 23, skipped: 2 });
    expect(
      await deps.metrics.value('polybot_ingestion_markets_skipped_total', { reason: 'bad_token_ids' }),
    ).to.equal(1);
    expect(
      await deps.metrics.value('polybot_ingestion_markets_skipped_total', { reason: 'schema' }),
    ).to.equal(1);
  });

  it('maps tokens to their condition (G2) and lists live tokens', async () => {
    listing[0] = gammaMarket(1, { enableOrderBook: false });
    await setup({ startupMarketLimit: 100, marketPageSize: 50 });
    await catalog.start();
    expect(catalog.conditionOf(tokenIdFor(2, 0))).to.equal(conditionIdFor(2));
    expect(catalog.conditionOf(tokenIdFor(2, 1))).to.equal(conditionIdFor(2));
    expect(catalog.byToken(tokenIdFor(2, 1))?.token.outcome).to.equal('No');
    expect(catalog.byToken('nope')).to.equal(undefined);
    expect(catalog.get(conditionIdFor(2).toUpperCase().replace('0X', '0x'))?.gammaId).to.equal('1002');
    expect(catalog.liveTokenIds()).to.have.length(48);
    expect(catalog.all()).to.have.length(25);
  });

  it('refresh adds new markets, updates changed ones and closes those that closed', async () => {
    await setup({ startupMarketLimit: 100, marketPageSize: 10 });
    await catalog.start();
    const events: string[] = [];
    catalog.on('marketsAdded', (m) => events.push(`added:${m.map((x) => x.gammaId).join(',')}`));
    catalog.on('marketsUpdated', (m) => events.push(`updated:${m.map((x) => x.gammaId).join(',')}`));
    catalog.on('marketsClosed', (m) => events.push(`closed:${m.map((x) => x.gammaId).join(',')}`));
    listing.push(gammaMarket(26));
    listing[0] = { ...listing[0], closed: true }; // filtered out of the open listing: confirmed by id
    listing[1] = { ...listing[1], orderPriceMinTickSize: 0.001 };
    listing[2] = { ...listing[2], active: false }; // still listed, no longer live
    listing.splice(4, 1); // gone from Gamma entirely (404)
    await catalog.refresh();
    expect(events).to.deep.equal(['added:1026', 'updated:1002', 'closed:1003,1001,1005']);
    expect(sink.markets.get(conditionIdFor(1))?.closed).to.equal(true);
    expect(sink.markets.get(conditionIdFor(2))?.tickSize).to.equal('0.001');
    expect(catalog.get(conditionIdFor(5))?.closed).to.equal(true);
    expect(catalog.liveTokenIds()).to.not.include(tokenIdFor(1, 0));
    expect(await deps.metrics.value('polybot_ingestion_markets', { state: 'closed' })).to.equal(3);
  });

  it('keeps a market that only looked missing (offset paging skipped it) open', async () => {
    await setup({ startupMarketLimit: 100, marketPageSize: 10 });
    await catalog.start();
    const hidden = listing[5] as Record<string, unknown>;
    server.on('GET /markets', (req) => {
      const offset = Number(req.query.get('offset'));
      const visible = listing.filter((m) => m !== hidden);
      return { body: visible.slice(offset, offset + Number(req.query.get('limit'))) };
    });
    const closed: Market[] = [];
    catalog.on('marketsClosed', (m) => closed.push(...m));
    await catalog.refresh();
    expect(closed).to.deep.equal([]);
    expect(server.count('GET /markets/1006')).to.equal(1);
  });

  it('does not close anything after a refresh that failed part-way', async () => {
    await setup({ startupMarketLimit: 100, marketPageSize: 10 });
    await catalog.start();
    failFrom = 10;
    listing.push(gammaMarket(30));
    const closed: Market[] = [];
    catalog.on('marketsClosed', (m) => closed.push(...m));
    await catalog.refresh();
    expect(closed).to.deep.equal([]);
    expect(
      await deps.metrics.value('polybot_ingestion_market_sync_errors_total', { phase: 'refresh' }),
    ).to.equal(1);
  });

  it('fails startup when Gamma or the sink fails; later sink failures are retried by the next refresh', async () => {
    await setup({ startupMarketLimit: 100, marketPageSize: 10 });
    failFrom = 0;
    const error = await catalog.start().catch((e: unknown) => e);
    expect(String(error)).to.match(/HTTP 500/);

    await catalog.stop();
    failFrom = Number.POSITIVE_INFINITY;
    catalog = new MarketCatalog(
      deps.config,
      new GammaClient(http, deps.logger, deps.metrics),
      sink,
      deps.logger,
      deps.metrics,
    );
    sink.failNext = 1;
    expect(String(await catalog.start().catch((e: unknown) => e))).to.match(/sink unavailable/);

    await catalog.stop();
    catalog = new MarketCatalog(
      deps.config,
      new GammaClient(http, deps.logger, deps.metrics),
      sink,
      deps.logger,
      deps.metrics,
    );
    await catalog.start();
    listing.push(gammaMarket(40));
    sink.failNext = 1;
    await catalog.refresh();
    expect(catalog.get(conditionIdFor(40))).to.equal(undefined);
    await catalog.refresh();
    expect(catalog.get(conditionIdFor(40))?.gammaId).to.equal('1040');
    expect(
      await deps.metrics.value('polybot_ingestion_market_sync_errors_total', { phase: 'store_refresh' }),
    ).to.equal(1);
  });

  it('logs and survives a background failure; the next refresh picks the rest up', async () => {
    await setup({ startupMarketLimit: 10, marketPageSize: 5 });
    failFrom = 15;
    await catalog.start();
    await catalog.whenComplete();
    expect(catalog.size).to.equal(15);
    expect(
      await deps.metrics.value('polybot_ingestion_market_sync_errors_total', { phase: 'background' }),
    ).to.equal(1);
    failFrom = Number.POSITIVE_INFINITY;
    await catalog.refresh();
    expect(catalog.size).to.equal(25);
  });

  it('follows live tick sizes and resolutions from the feed', async () => {
    await setup({ startupMarketLimit: 100, marketPageSize: 50 });
    await catalog.start();
    const updated: string[] = [];
    catalog.on('marketsUpdated', (m) => updated.push(m[0]?.tickSize ?? ''));
    await catalog.applyTickSize(tokenIdFor(3, 1), '0.005');
    await catalog.applyTickSize(tokenIdFor(3, 1), '0.005');
    await catalog.applyTickSize('unknown', '0.005');
    expect(updated).to.deep.equal(['0.005']);
    expect(sink.markets.get(conditionIdFor(3))?.tickSize).to.equal('0.005');
    const closed: string[] = [];
    catalog.on('marketsClosed', (m) => closed.push(m[0]?.gammaId ?? ''));
    await catalog.markClosed(conditionIdFor(3));
    await catalog.markClosed(conditionIdFor(3));
    await catalog.markClosed('0xunknown');
    expect(closed).to.deep.equal(['1003']);
  });

  it('refreshes on its timer, and refuses a second start', async () => {
    await setup({ startupMarketLimit: 100, marketPageSize: 50, marketRefreshSeconds: 0.05 });
    await catalog.start();
    listing.push(gammaMarket(50));
    await waitFor(() => catalog.get(conditionIdFor(50)) !== undefined, 'timer refresh');
    expect(String(await catalog.start().catch((e: unknown) => e))).to.match(/already/);
  });
});

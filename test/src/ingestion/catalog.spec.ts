import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Simulator } from '@polybot/simulator';
import { createIngestion, openMarkets, type Ingestion } from './harness.js';

describe('ingestion against the simulator: market catalogue', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let ingestion: Ingestion | undefined;

  afterEach(async () => {
    await ingestion?.stop();
    ingestion = undefined;
    await sim?.stop();
  });

  it('stores the capped first part before start() resolves and loads the rest in the background (G8)', async () => {
    sim = await Simulator.start({ seed: 7, marketCount: 600, gammaMaxLimit: 100 });
    const expected = openMarkets(sim).length;
    expect(expected).to.be.greaterThan(300);
    ingestion = createIngestion(sim.urls, { startupMarketLimit: 250, marketPageSize: 500 });
    const added: number[] = [];
    ingestion.catalog.on('marketsAdded', (markets) => added.push(markets.length));

    const summary = await ingestion.catalog.start();
    // Gamma clamps pages to 100 here; the cap still holds exactly.
    expect(summary).to.deep.include({ loaded: 250, skipped: 0, complete: false });
    expect(ingestion.marketSink.markets.size).to.equal(250);
    expect(ingestion.catalog.phase).to.equal('background');

    await ingestion.catalog.whenComplete();
    expect(ingestion.catalog.phase).to.equal('ready');
    expect(ingestion.marketSink.markets.size).to.equal(expected);
    expect(added[0]).to.equal(250);
    const sample = openMarkets(sim)[17];
    const stored = ingestion.marketSink.markets.get(sample?.conditionId ?? '');
    expect(stored?.tokens.map((t) => t.tokenId)).to.deep.equal(sample?.tokenIds);
    // G2: every token maps back to its condition.
    for (const tokenId of sample?.tokenIds ?? [])
      expect(ingestion.catalog.conditionOf(tokenId)).to.equal(sample?.conditionId);
  });

  it('normalizes what Gamma serves: dates in UTC, tick sizes as decimal text, tags', async () => {
    sim = await Simulator.start({ seed: 3, marketCount: 5 });
    const created = sim.scenario.createMarket({
      question: 'Will the normalizer keep 0.0025 ticks exact?',
      endDate: '2027-06-30T18:00:00Z',
      tickSize: '0.0025',
      negRisk: true,
      category: 'Crypto',
      tags: ['Bitcoin'],
      minOrderSize: 15,
    });
    ingestion = createIngestion(sim.urls);
    await ingestion.catalog.start();
    const market = ingestion.catalog.get(created.conditionId);
    expect(market).to.include({
      tickSize: '0.0025',
      minOrderSize: '15',
      negRisk: true,
      category: 'Crypto',
      closed: false,
    });
    expect(market?.endDate?.toISOString()).to.equal('2027-06-30T18:00:00.000Z');
    expect(market?.tags).to.include('Bitcoin');
    expect(market?.tokens.map((t) => t.outcome)).to.deep.equal(['Yes', 'No']);
  });

  it('rides out a 429 with Retry-After during startup', async () => {
    sim = await Simulator.start({ seed: 5, marketCount: 30 });
    sim.scenario.failNext({ service: 'gamma', path: '/markets', status: 429, retryAfter: 1 });
    ingestion = createIngestion(sim.urls);
    const summary = await ingestion.catalog.start();
    expect(summary.loaded).to.equal(openMarkets(sim).length);
    const calls = sim.scenario.requestLog().filter((r) => r.service === 'gamma' && r.path === '/markets');
    expect(calls[0]?.status).to.equal(429);
    expect(calls[1]?.status).to.equal(200);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).to.be.at.least(950);
    expect(
      await ingestion.metrics.value('polybot_http_errors_total', { service: 'gamma', reason: '429' }),
    ).to.equal(1);
  });

  it('picks up new and closed markets on refresh', async () => {
    sim = await Simulator.start({ seed: 9, marketCount: 20 });
    ingestion = createIngestion(sim.urls);
    await ingestion.catalog.start();
    const closing = openMarkets(sim)[0];
    const events: string[] = [];
    ingestion.catalog.on('marketsAdded', (m) => events.push(...m.map((x) => `added ${x.conditionId}`)));
    ingestion.catalog.on('marketsClosed', (m) => events.push(...m.map((x) => `closed ${x.conditionId}`)));
    const created = sim.scenario.createMarket({ question: 'A market created after startup?' });
    sim.scenario.closeMarket(closing?.conditionId ?? '');
    await ingestion.catalog.refresh();
    expect(events).to.have.members([`added ${created.conditionId}`, `closed ${closing?.conditionId}`]);
    expect(ingestion.marketSink.markets.get(closing?.conditionId ?? '')?.closed).to.equal(true);
  });

  describe('with one malformed market in the listing', () => {
    let proxy: Server;

    afterEach(async () => {
      proxy?.closeAllConnections();
      await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    });

    it('skips and counts the malformed market and loads every other one', async () => {
      sim = await Simulator.start({ seed: 11, marketCount: 40 });
      const victim = openMarkets(sim)[3]?.conditionId;
      // A stand-in in front of the simulator's Gamma that corrupts one market's clobTokenIds.
      proxy = createServer((req, res) => {
        void fetch(`${sim.urls.gamma}${req.url ?? '/'}`).then(async (upstream) => {
          const body = (await upstream.json()) as Array<Record<string, unknown>>;
          const patched = Array.isArray(body)
            ? body.map((m) => (m.conditionId === victim ? { ...m, clobTokenIds: '["123", ' } : m))
            : body;
          res.writeHead(upstream.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(patched));
        });
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const gammaUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      ingestion = createIngestion({ ...sim.urls, gamma: gammaUrl });
      const summary = await ingestion.catalog.start();
      expect(summary.skipped).to.equal(1);
      expect(summary.loaded).to.equal(openMarkets(sim).length - 1);
      expect(ingestion.catalog.get(victim ?? '')).to.equal(undefined);
      expect(
        await ingestion.metrics.value('polybot_ingestion_markets_skipped_total', { reason: 'bad_token_ids' }),
      ).to.equal(1);
    });
  });
});

import { expect } from 'chai';
import { Simulator } from '@polybot/simulator';
import { createIngestion, waitFor, type Ingestion } from './harness.js';

const DAY = 24 * 3600 * 1000;

describe('ingestion against the simulator: trade helpers (G1, G3, G5)', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let ingestion: Ingestion;
  let market: { conditionId: string; tokenIds: readonly string[] };

  beforeEach(async () => {
    sim = await Simulator.start({ seed: 31, marketCount: 5 });
    market = sim.scenario.createMarket({
      question: 'Will a stale print fool the bot?',
      book: { bids: [{ price: '0.04', size: '500' }], asks: [{ price: '0.05', size: '500' }] },
    });
    ingestion = createIngestion(sim.urls);
    await ingestion.service.start();
    await waitFor(() => ingestion.books.isSynced(market.tokenIds[0] ?? ''), 'book synced');
  });

  afterEach(async () => {
    await ingestion.stop();
    await sim.stop();
  });

  it('G1: a months-old trade never comes out of getRecentTrades, by condition or by token', async () => {
    const yes = market.tokenIds[0] ?? '';
    const now = Date.now();
    sim.scenario.printTrade({ tokenId: yes, price: '0.95', size: '100', timestamp: now - 60 * DAY });
    sim.scenario.printTrade({ tokenId: yes, price: '0.05', size: '40', timestamp: now - 10_000 });
    const recent = await ingestion.helpers.getRecentTrades(market.conditionId);
    expect(recent.some((t) => t.priceText === '0.05' && t.sizeText === '40')).to.equal(true);
    expect(recent.some((t) => t.priceText === '0.95')).to.equal(false);
    expect(recent.every((t) => Date.now() - t.timestamp <= 300_000)).to.equal(true);
    const byToken = await ingestion.helpers.getRecentTrades(yes);
    expect(byToken.every((t) => t.tokenId === yes && t.priceText !== '0.95')).to.equal(true);
    // The API itself did hand the stale trade over: the filter is what stopped it.
    const raw = await fetch(`${sim.urls.data}/trades?market=${market.conditionId}&limit=500`).then(
      (r) => r.json() as Promise<Array<{ price: number }>>,
    );
    expect(raw.some((t) => t.price === 0.95)).to.equal(true);
  });

  it('G3: looks up the size of a trade known only by price', async () => {
    const no = market.tokenIds[1] ?? '';
    sim.scenario.printTrade({ tokenId: no, price: '0.951', size: '73.5', timestamp: Date.now() - 5_000 });
    const found = await ingestion.helpers.getTradeSizeAtPrice(market.conditionId, '0.951');
    expect(found).to.deep.include({ size: 73.5, sizeText: '73.5', tokenId: no });
    sim.scenario.printTrade({ tokenId: no, price: '0.952', size: '10', timestamp: Date.now() - 30 * DAY });
    expect(await ingestion.helpers.getTradeSizeAtPrice(market.conditionId, 0.952)).to.equal(null);
  });

  it('G5: rejects a trade price far from the live book, accepts one near it', async () => {
    const yes = market.tokenIds[0] ?? '';
    const spike = await ingestion.helpers.verifyPrice(yes, 0.95);
    expect(spike).to.deep.include({ valid: false, actualPrice: 0.05, source: 'book' });
    expect(spike.reason).to.match(/orderbook mismatch/);
    expect(await ingestion.helpers.verifyPrice(yes, 0.06)).to.deep.include({
      valid: true,
      actualPrice: 0.05,
    });

    sim.scenario.setBook(yes, {
      bids: [{ price: '0.93', size: '50' }],
      asks: [{ price: '0.94', size: '50' }],
    });
    await waitFor(() => ingestion.books.bestAsk(yes)?.priceText === '0.94', 'book update received');
    expect(await ingestion.helpers.verifyPrice(yes, 0.95)).to.deep.include({
      valid: true,
      actualPrice: 0.94,
    });
  });

  it('G5: falls back to REST /book when the live book is not synced', async () => {
    const yes = market.tokenIds[0] ?? '';
    ingestion.books.markUnsynced(yes);
    sim.scenario.clearRequestLog();
    const check = await ingestion.helpers.verifyPrice(yes, 0.95);
    expect(check).to.deep.include({ valid: false, actualPrice: 0.05, source: 'rest' });
    expect(sim.scenario.requestLog().some((r) => r.path === '/book')).to.equal(true);
  });
});

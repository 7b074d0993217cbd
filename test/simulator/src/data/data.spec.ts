import { expect } from 'chai';
import { Simulator } from '../simulator.js';
import { http } from '../testing/support.js';

type Json = Record<string, unknown>;
const DAY = 86_400_000;

describe('Data API /trades', () => {
  let sim: Simulator;
  const get = (path: string) => http<Json[]>(`${sim.urls.data}${path}`);

  before(async () => {
    sim = await Simulator.start({ seed: 9, marketCount: 200 });
  });

  after(() => sim.stop());

  it('answers a bare array, newest first, integer-second timestamps and numeric size/price', async () => {
    const rows = (await get('/trades?limit=50')).body;
    expect(rows).to.be.an('array').with.length(50);
    const stamps = rows.map((r) => r['timestamp'] as number);
    expect(stamps.every((t) => Number.isInteger(t) && t < 1e11)).to.equal(true);
    expect(stamps).to.deep.equal([...stamps].sort((a, b) => b - a));
    const row = rows[0] as Json;
    expect(row['size']).to.be.a('number');
    expect(row['price']).to.be.a('number');
    expect(row).to.include.keys(
      'proxyWallet',
      'side',
      'asset',
      'conditionId',
      'title',
      'slug',
      'outcome',
      'outcomeIndex',
      'transactionHash',
    );
  });

  it('keeps months-old prints as the latest trade of illiquid markets (G1)', async () => {
    const market = sim.scenario.markets().find((m) => m.liquidity === 'illiquid' && !m.closed);
    if (!market) throw new Error('expected an illiquid market');
    const rows = (await get(`/trades?market=${market.conditionId}`)).body;
    expect(rows.length).to.be.greaterThan(0);
    const ageDays = (Date.now() / 1000 - ((rows[0] as Json)['timestamp'] as number)) / 86_400;
    expect(ageDays).to.be.greaterThan(29);
  });

  it('filters by one or several markets (comma-separated) and pages with limit/offset', async () => {
    const m = sim.scenario.createMarket({ question: 'Data filter?' });
    const n = sim.scenario.createMarket({ question: 'Data filter 2?' });
    const now = Date.now();
    for (let i = 0; i < 5; i++)
      sim.scenario.printTrade({
        tokenId: m.tokenIds[0],
        price: 0.9,
        size: 10 + i,
        timestamp: now - i * 1_000,
      });
    sim.scenario.printTrade({ tokenId: n.tokenIds[1], price: 0.2, size: 3, timestamp: now - 90 * DAY });
    const only = (await get(`/trades?market=${m.conditionId}`)).body;
    expect(only.map((r) => r['size'])).to.deep.equal([10, 11, 12, 13, 14]);
    expect(only.every((r) => r['conditionId'] === m.conditionId && r['price'] === 0.9)).to.equal(true);
    const both = (await get(`/trades?market=${m.conditionId},${n.conditionId}`)).body;
    expect(both).to.have.length(6);
    expect((both[5] as Json)['outcome']).to.equal('No');
    expect((both[5] as Json)['outcomeIndex']).to.equal(1);
    const page = (await get(`/trades?market=${m.conditionId}&limit=2&offset=2`)).body;
    expect(page.map((r) => r['size'])).to.deep.equal([12, 13]);
    expect(
      (await get(`/trades?market=${m.conditionId}&filterType=TOKENS&filterAmount=13`)).body,
    ).to.have.length(2);
    expect((await get(`/trades?market=${m.conditionId}&side=SELL`)).body).to.deep.equal([]);
    expect((await get(`/trades?market=0x${'1'.repeat(64)}`)).body).to.deep.equal([]);
    expect((await get('/trades?side=UP')).status).to.equal(400);
  });
});

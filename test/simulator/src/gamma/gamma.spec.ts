import { expect } from 'chai';
import { Simulator } from '../simulator.js';
import { http } from '../testing/support.js';

type Json = Record<string, unknown>;

describe('Gamma API', () => {
  let sim: Simulator;
  const get = <T = Json[]>(path: string) => http<T>(`${sim.urls.gamma}${path}`);

  before(async () => {
    sim = await Simulator.start({ seed: 5, marketCount: 300 });
  });

  after(() => sim.stop());

  it('serves bare arrays with JSON-encoded string fields and string/number types as the venue', async () => {
    const res = await get('/markets?limit=5');
    expect(res.status).to.equal(200);
    expect(res.body).to.be.an('array').with.length(5);
    const m = res.body[0] as Json;
    for (const field of ['outcomes', 'outcomePrices', 'clobTokenIds', 'umaResolutionStatuses']) {
      expect(m[field], field).to.be.a('string');
    }
    const outcomes = JSON.parse(m['outcomes'] as string) as string[];
    const prices = JSON.parse(m['outcomePrices'] as string) as string[];
    const tokens = JSON.parse(m['clobTokenIds'] as string) as string[];
    expect(outcomes).to.have.length(2);
    expect(prices.every((p) => typeof p === 'string' && Number(p) >= 0 && Number(p) <= 1)).to.equal(true);
    expect(tokens.every((t) => /^\d{60,}$/.test(t))).to.equal(true);
    expect(m['outcomes']).to.match(/^\["[^"]+", "[^"]+"\]$/);
    expect(m['id']).to.be.a('string').and.match(/^\d+$/);
    expect(m['conditionId']).to.match(/^0x[0-9a-f]{64}$/);
    expect(m['volume']).to.be.a('string');
    expect(m['liquidity']).to.be.a('string');
    expect(m['volumeNum']).to.be.a('number');
    expect(m['liquidityNum']).to.be.a('number');
    expect(m['volume24hr']).to.be.a('number');
    expect(m['orderPriceMinTickSize']).to.be.a('number');
    expect(m['orderMinSize']).to.be.a('number');
    expect(m['endDate']).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(m).to.include.keys(
      'negRisk',
      'active',
      'closed',
      'acceptingOrders',
      'bestBid',
      'bestAsk',
      'category',
      'events',
    );
    expect(m).to.not.have.property('tags');
  });

  it('pages with limit/offset until a short page, with no market twice', async () => {
    const seen = new Set<string>();
    let offset = 0;
    for (;;) {
      const page = (await get(`/markets?limit=100&offset=${offset}`)).body;
      for (const m of page) seen.add(m['conditionId'] as string);
      if (page.length < 100) break;
      offset += 100;
    }
    const open = sim.scenario.markets().filter((m) => !m.closed);
    expect(seen.size).to.equal(open.length);
  });

  it('applies the implicit closed=false and honours closed=true', async () => {
    const closedCount = sim.scenario.markets().filter((m) => m.closed).length;
    expect(closedCount).to.be.greaterThan(0);
    const all = (await get('/markets?limit=500')).body;
    expect(all.every((m) => m['closed'] === false)).to.equal(true);
    const closed = (await get('/markets?limit=500&closed=true')).body;
    expect(closed).to.have.length(closedCount);
    expect(closed.every((m) => m['closed'] === true)).to.equal(true);
  });

  it('clamps limit silently to the page maximum', async () => {
    const big = await Simulator.start({ seed: 5, marketCount: 50, gammaMaxLimit: 20 });
    try {
      expect((await http<Json[]>(`${big.urls.gamma}/markets?limit=1000`)).body).to.have.length(20);
    } finally {
      await big.stop();
    }
  });

  it('filters by clob_token_ids and condition_ids (repeated or comma-separated)', async () => {
    const [a, b] = sim.scenario.markets().filter((m) => !m.closed);
    if (!a || !b) throw new Error('need two open markets');
    const byToken = (await get(`/markets?clob_token_ids=${a.tokenIds[1]}&clob_token_ids=${b.tokenIds[0]}`))
      .body;
    expect(byToken.map((m) => m['conditionId'])).to.have.members([a.conditionId, b.conditionId]);
    const byCondition = (await get(`/markets?condition_ids=${a.conditionId},${b.conditionId}`)).body;
    expect(byCondition.map((m) => m['conditionId'])).to.have.members([a.conditionId, b.conditionId]);
    const closed = sim.scenario.markets().find((m) => m.closed);
    if (!closed) throw new Error('need a closed market');
    // The implicit closed=false also hides closed markets from id look-ups (reference §10 gotcha).
    expect((await get(`/markets?condition_ids=${closed.conditionId}`)).body).to.deep.equal([]);
    expect((await get(`/markets?condition_ids=${closed.conditionId}&closed=true`)).body).to.have.length(1);
  });

  it('filters by active, tag and end date, and orders by a field', async () => {
    sim.scenario.createMarket({
      question: 'Inactive scripted?',
      active: false,
      category: 'Science',
      tags: ['Science'],
    });
    const inactive = (await get('/markets?active=false&limit=500')).body;
    expect(inactive.map((m) => m['question'])).to.include('Inactive scripted?');
    const weather = (await get('/markets?tag_id=84&limit=500&include_tag=true')).body;
    expect(weather.length).to.be.greaterThan(0);
    expect(weather.every((m) => (m['tags'] as Json[]).some((t) => t['label'] === 'Weather'))).to.equal(true);
    const soon = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const ending = (await get(`/markets?end_date_max=${soon}&limit=500`)).body;
    expect(ending.every((m) => Date.parse(m['endDate'] as string) <= Date.parse(soon))).to.equal(true);
    const byVolume = (await get('/markets?order=volume24hr&ascending=false&limit=50')).body.map(
      (m) => m['volume24hr'] as number,
    );
    expect(byVolume).to.deep.equal([...byVolume].sort((x, y) => y - x));
    expect((await get('/markets?order=nonsense')).status).to.equal(400);
  });

  it('serves single markets by id and slug, including closed ones', async () => {
    const closed = sim.scenario.markets().find((m) => m.closed);
    if (!closed) throw new Error('need a closed market');
    expect((await get<Json>(`/markets/${closed.id}`)).body['conditionId']).to.equal(closed.conditionId);
    expect((await get<Json>(`/markets/slug/${closed.slug}`)).body['id']).to.equal(closed.id);
    expect((await get('/markets/1')).status).to.equal(404);
  });

  it('serves /events with nested markets and tags; neg-risk groups share one negRiskMarketID', async () => {
    const events = (await get('/events?limit=500')).body;
    expect(events.length).to.be.greaterThan(0);
    const group = events.find((e) => e['negRisk'] === true && (e['markets'] as Json[]).length > 1);
    if (!group) throw new Error('expected a neg-risk group among 300 markets');
    const ids = new Set((group['markets'] as Json[]).map((m) => m['negRiskMarketID']));
    expect(ids.size).to.equal(1);
    expect(group['enableNegRisk']).to.equal(true);
    expect(group['tags']).to.be.an('array').that.is.not.empty;
    expect((group['markets'] as Json[]).every((m) => typeof m['clobTokenIds'] === 'string')).to.equal(true);
    expect((await get<Json>(`/events/${group['id'] as string}`)).body['slug']).to.equal(group['slug']);
    const paged = (await get('/events?limit=3&offset=3')).body;
    expect(paged.map((e) => e['id'])).to.deep.equal(events.slice(3, 6).map((e) => e['id']));
  });
});

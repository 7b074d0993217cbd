import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { Simulator } from '../simulator.js';
import { http } from '../testing/support.js';
import type { SimMarket } from '../types.js';

type Json = Record<string, unknown>;

describe('CLOB public REST', () => {
  let sim: Simulator;
  let m: SimMarket;
  let fee: SimMarket;
  const get = <T = Json>(path: string) => http<T>(`${sim.urls.clob}${path}`);

  before(async () => {
    sim = await Simulator.start({ seed: 11, marketCount: 1_150 });
    m = sim.scenario.createMarket({
      question: 'Public REST market?',
      book: {
        bids: [
          { price: 0.48, size: 30 },
          { price: 0.5, size: 15 },
        ],
        asks: [
          { price: 0.54, size: 10 },
          { price: 0.52, size: 25 },
        ],
      },
    });
    fee = sim.scenario.createMarket({
      question: 'Fee market?',
      feeRate: 0.02,
      feeExponent: 2,
      negRisk: true,
      tickSize: '0.001',
    });
  });

  after(() => sim.stop());

  it('answers health, time (bare seconds) and version', async () => {
    expect((await get('/')).body).to.equal('OK');
    expect((await get('/ok')).body).to.equal('OK');
    const time = (await get<number>('/time')).body;
    expect(time).to.be.a('number');
    expect(Math.abs(time - Date.now() / 1000)).to.be.lessThan(5);
    expect((await get('/version')).body).to.deep.equal({ version: 2 });
  });

  it('serves /book with string levels, best level LAST, ms timestamp and the client hash', async () => {
    const res = await get<Json>(`/book?token_id=${m.tokenIds[0]}`);
    expect(res.headers.get('content-type')).to.equal('application/json');
    const book = res.body;
    expect(book['bids']).to.deep.equal([
      { price: '0.48', size: '30' },
      { price: '0.5', size: '15' },
    ]);
    expect(book['asks']).to.deep.equal([
      { price: '0.54', size: '10' },
      { price: '0.52', size: '25' },
    ]);
    expect(book).to.include({
      market: m.conditionId,
      asset_id: m.tokenIds[0],
      min_order_size: '5',
      tick_size: '0.01',
      neg_risk: false,
      last_trade_price: '',
    });
    expect(book['timestamp']).to.match(/^\d{13}$/);
    // clob-client's getOrderBookHash: SHA-1 of the summary with hash "".
    const copy = { ...book, hash: '' };
    expect(book['hash']).to.equal(createHash('sha1').update(JSON.stringify(copy)).digest('hex'));
    expect(Object.keys(book)).to.deep.equal([
      'market',
      'asset_id',
      'timestamp',
      'hash',
      'bids',
      'asks',
      'min_order_size',
      'tick_size',
      'neg_risk',
      'last_trade_price',
    ]);
  });

  it('answers the documented /book errors', async () => {
    expect(await get('/book')).to.deep.include({ status: 400, body: { error: 'Invalid token id' } });
    expect(await get('/book?token_id=123')).to.deep.include({
      status: 404,
      body: { error: 'No orderbook exists for the requested token id' },
    });
  });

  it('serves POST /books for several tokens and rejects a bad payload', async () => {
    const res = await http<Json[]>(`${sim.urls.clob}/books`, {
      method: 'POST',
      body: JSON.stringify([{ token_id: m.tokenIds[0] }, { token_id: m.tokenIds[1] }]),
    });
    expect(res.body.map((b) => b['asset_id'])).to.deep.equal([m.tokenIds[0], m.tokenIds[1]]);
    const bad = await http(`${sim.urls.clob}/books`, { method: 'POST', body: '{"token_id":"1"}' });
    expect(bad).to.deep.include({ status: 400, body: { error: 'Invalid payload' } });
  });

  it('answers price (BUY = best bid, SELL = best ask), midpoint, spread and last trade', async () => {
    const t = m.tokenIds[0];
    expect((await get(`/price?token_id=${t}&side=BUY`)).body).to.deep.equal({ price: '0.5' });
    expect((await get(`/price?token_id=${t}&side=SELL`)).body).to.deep.equal({ price: '0.52' });
    expect((await get(`/price?token_id=${t}&side=UP`)).status).to.equal(400);
    expect((await get(`/midpoint?token_id=${t}`)).body).to.deep.equal({ mid: '0.51' });
    expect((await get(`/spread?token_id=${t}`)).body).to.deep.equal({ spread: '0.02' });
    expect((await get(`/last-trade-price?token_id=${t}`)).body).to.deep.equal({ price: '0.5', side: '' });
    sim.scenario.printTrade({ tokenId: t, price: 0.51, size: 12, side: 'SELL' });
    expect((await get(`/last-trade-price?token_id=${t}`)).body).to.deep.equal({
      price: '0.51',
      side: 'SELL',
    });
    const mids = await http<Json>(`${sim.urls.clob}/midpoints`, {
      method: 'POST',
      body: JSON.stringify([{ token_id: t }]),
    });
    expect(mids.body).to.deep.equal({ [t]: '0.51' });
    const prices = await http<Json>(`${sim.urls.clob}/prices`, {
      method: 'POST',
      body: JSON.stringify([
        { token_id: t, side: 'BUY' },
        { token_id: t, side: 'SELL' },
      ]),
    });
    expect(prices.body).to.deep.equal({ [t]: { BUY: '0.5', SELL: '0.52' } });
  });

  it('answers tick size as a number, neg risk and fee rate, with 404 for unknown tokens', async () => {
    expect((await get(`/tick-size?token_id=${fee.tokenIds[0]}`)).body).to.deep.equal({
      minimum_tick_size: 0.001,
    });
    expect((await get(`/neg-risk?token_id=${fee.tokenIds[1]}`)).body).to.deep.equal({ neg_risk: true });
    expect((await get(`/fee-rate?token_id=${fee.tokenIds[0]}`)).body).to.deep.equal({ base_fee: 200 });
    expect((await get(`/fee-rate?token_id=${m.tokenIds[0]}`)).body).to.deep.equal({ base_fee: 0 });
    expect(await get('/tick-size?token_id=1')).to.deep.include({
      status: 404,
      body: { error: 'market not found' },
    });
  });

  it('pages /markets with base64 offset cursors from MA== to the LTE= sentinel', async () => {
    const first = (await get<Json>('/markets')).body;
    expect(first).to.include({
      limit: 1000,
      count: 1000,
      next_cursor: Buffer.from('1000').toString('base64'),
    });
    const second = (
      await get<Json>(`/markets?next_cursor=${encodeURIComponent(first['next_cursor'] as string)}`)
    ).body;
    expect(second['count']).to.equal(sim.scenario.markets().length - 1000);
    expect(second['next_cursor']).to.equal('LTE=');
    const end = (await get<Json>('/markets?next_cursor=LTE=')).body;
    expect(end).to.deep.equal({ limit: 1000, count: 0, next_cursor: 'LTE=', data: [] });
    const sample = (first['data'] as Json[])[0] as Json;
    expect(sample['minimum_tick_size']).to.be.a('number');
    expect(sample['minimum_order_size']).to.be.a('number');
    expect(sample['tokens']).to.have.length(2);
    expect(((sample['tokens'] as Json[])[0] as Json)['price']).to.be.a('number');
  });

  it('serves /markets/{cid}, /markets-by-token and the compact /clob-markets info', async () => {
    const one = (await get<Json>(`/markets/${m.conditionId}`)).body;
    expect(one).to.include({
      condition_id: m.conditionId,
      question: m.question,
      neg_risk: false,
      accepting_orders: true,
    });
    expect((await get(`/markets/0x${'9'.repeat(64)}`)).status).to.equal(404);
    expect((await get(`/markets-by-token/${fee.tokenIds[1]}`)).body).to.deep.equal({
      condition_id: fee.conditionId,
      primary_token_id: fee.tokenIds[0],
      secondary_token_id: fee.tokenIds[1],
    });
    const info = (await get<Json>(`/clob-markets/${fee.conditionId}`)).body;
    expect(info).to.deep.include({
      t: [
        { t: fee.tokenIds[0], o: 'Yes' },
        { t: fee.tokenIds[1], o: 'No' },
      ],
      mts: 0.001,
      nr: true,
      fd: { r: 0.02, e: 2, to: true },
    });
    expect((await get<Json>(`/clob-markets/${m.conditionId}`)).body).to.not.have.property('fd');
  });

  it('answers unknown paths with a JSON 404', async () => {
    expect(await get('/nope')).to.deep.include({ status: 404, body: { error: 'not found' } });
  });
});

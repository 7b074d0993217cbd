import { expect } from 'chai';
import { Simulator } from '../simulator.js';
import { Caller, WsCollector, events, orderPayload, signOrderV2, wallet } from '../testing/support.js';
import type { SimMarket } from '../types.js';
import { ASSET_LIMIT_CLOSE_CODE } from './market-channel.js';

type Json = Record<string, unknown>;

describe('market WebSocket /ws/market', () => {
  let sim: Simulator;
  let m: SimMarket;
  let alice: Caller;
  const sockets: WsCollector[] = [];

  const open = async (): Promise<WsCollector> => {
    const ws = await WsCollector.open(sim.urls.ws);
    sockets.push(ws);
    return ws;
  };

  before(async () => {
    sim = await Simulator.start({ seed: 21, marketCount: 5, perConnectionAssetLimit: 4 });
    const w = wallet();
    alice = new Caller(sim.urls.clob, w, sim.scenario.createApiKey(w.address));
  });

  beforeEach(() => {
    m = sim.scenario.createMarket({
      question: `WS ${Math.random()}?`,
      book: {
        bids: [
          { price: 0.3, size: 10 },
          { price: 0.4, size: 20 },
        ],
        asks: [
          { price: 0.6, size: 30 },
          { price: 0.5, size: 40 },
        ],
      },
    });
  });

  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  after(() => sim.stop());

  const place = async (side: 'BUY' | 'SELL', price: number, size: number) => {
    const order = await signOrderV2(alice.w, {
      tokenId: m.tokenIds[0],
      side,
      makerAmount: BigInt(Math.round((side === 'BUY' ? price * size : size) * 1e6)),
      takerAmount: BigInt(Math.round((side === 'BUY' ? size : price * size) * 1e6)),
    });
    return alice.call<Json>('POST', '/order', orderPayload(order, alice.creds.key));
  };

  it('answers the subscribe message with one JSON array of book snapshots, best level last', async () => {
    const ws = await open();
    ws.send({ assets_ids: [m.tokenIds[0], m.tokenIds[1]], type: 'market' });
    const frame = await ws.next();
    const parsed = JSON.parse(frame) as Json[];
    expect(parsed).to.be.an('array').with.length(2);
    const yes = parsed.find((e) => e['asset_id'] === m.tokenIds[0]) as Json;
    expect(yes).to.include({
      event_type: 'book',
      market: m.conditionId,
      tick_size: '0.01',
      last_trade_price: '',
    });
    expect(yes['bids']).to.deep.equal([
      { price: '0.3', size: '10' },
      { price: '0.4', size: '20' },
    ]);
    expect(yes['asks']).to.deep.equal([
      { price: '0.6', size: '30' },
      { price: '0.5', size: '40' },
    ]);
    expect(yes['timestamp']).to.match(/^\d{13}$/);
    expect(yes['hash']).to.match(/^[0-9a-f]{40}$/);
  });

  it('answers [] for unknown assets and PONG to a text PING', async () => {
    const ws = await open();
    ws.send({ assets_ids: ['123456'], type: 'market' });
    expect(await ws.next()).to.equal('[]');
    ws.send('PING');
    expect(await ws.next()).to.equal('PONG');
  });

  it('sends new-format price_change (new level total, best bid/ask) when an order rests', async () => {
    const ws = await open();
    ws.send({ assets_ids: [m.tokenIds[0]], type: 'market' });
    await ws.next();
    await place('BUY', 0.4, 5);
    const change = await ws.event('price_change');
    expect(change['market']).to.equal(m.conditionId);
    expect(change['timestamp']).to.match(/^\d{13}$/);
    expect(change['price_changes']).to.have.length(1);
    expect((change['price_changes'] as Json[])[0]).to.include({
      asset_id: m.tokenIds[0],
      price: '0.4',
      size: '25',
      side: 'BUY',
      best_bid: '0.4',
      best_ask: '0.5',
    });
  });

  it('sends last_trade_price with size and a fresh book after a match', async () => {
    const ws = await open();
    ws.send({ assets_ids: [m.tokenIds[0]], type: 'market' });
    await ws.next();
    await place('BUY', 0.5, 15);
    const trade = await ws.event('last_trade_price');
    expect(trade).to.include({
      asset_id: m.tokenIds[0],
      market: m.conditionId,
      price: '0.5',
      size: '15',
      side: 'BUY',
      fee_rate_bps: '0',
    });
    expect(trade['timestamp']).to.match(/^\d{13}$/);
    expect(trade['transaction_hash']).to.match(/^0x[0-9a-f]{64}$/);
    const book = await ws.event('book');
    expect((book['asks'] as Json[]).slice(-1)[0]).to.deep.equal({ price: '0.5', size: '25' });
    expect(book['last_trade_price']).to.equal('0.50');
  });

  it('sends tick_size_change to subscribers of both outcomes', async () => {
    const ws = await open();
    ws.send({ assets_ids: [m.tokenIds[1]], type: 'market' });
    await ws.next();
    sim.scenario.setTickSize(m.tokenIds[0], '0.001');
    const change = await ws.event('tick_size_change');
    expect(change).to.include({
      asset_id: m.tokenIds[1],
      market: m.conditionId,
      old_tick_size: '0.01',
      new_tick_size: '0.001',
    });
  });

  it('supports operation subscribe/unsubscribe on the same socket', async () => {
    const ws = await open();
    ws.send({ assets_ids: [m.tokenIds[1]], type: 'market' });
    await ws.next();
    ws.send({ operation: 'subscribe', assets_ids: [m.tokenIds[0]] });
    const snap = events(await ws.next());
    expect(snap.map((e) => e['asset_id'])).to.deep.equal([m.tokenIds[0]]);
    ws.send({ operation: 'unsubscribe', assets_ids: [m.tokenIds[0]] });
    await ws.sync();
    await place('BUY', 0.35, 5);
    await ws.sync();
    expect(ws.frames.filter((f) => f.includes('price_change'))).to.deep.equal([]);
    expect(sim.scenario.connections().assetCounts).to.include(1);
  });

  it('skips the snapshot with initial_dump:false', async () => {
    const ws = await open();
    ws.send({ assets_ids: [m.tokenIds[0]], type: 'market', initial_dump: false });
    await ws.sync();
    expect(ws.frames).to.deep.equal(['PONG']);
  });

  it('closes a socket that subscribes to more assets than the per-connection limit', async () => {
    const ws = await open();
    const others = sim.scenario
      .markets()
      .slice(0, 2)
      .flatMap((x) => x.tokenIds);
    ws.send({ assets_ids: [...others, m.tokenIds[0]], type: 'market' });
    expect(await ws.waitClosed()).to.equal(ASSET_LIMIT_CLOSE_CODE);
    expect(ws.closeReason).to.match(/too many assets: 5 > 4/);
  });

  it('sends best_bid_ask and new_market only to custom-feature subscribers', async () => {
    const custom = await open();
    const plain = await open();
    custom.send({ assets_ids: [m.tokenIds[0]], type: 'market', custom_feature_enabled: true });
    plain.send({ assets_ids: [m.tokenIds[0]], type: 'market' });
    await custom.next();
    await plain.next();
    await place('BUY', 0.45, 5);
    const bba = await custom.event('best_bid_ask');
    expect(bba).to.include({ asset_id: m.tokenIds[0], best_bid: '0.45', best_ask: '0.5', spread: '0.05' });
    const fresh = sim.scenario.createMarket({ question: `Brand new ${Math.random()}?` });
    const announced = await custom.event('new_market');
    expect(announced).to.include({ market: fresh.conditionId, question: fresh.question });
    await plain.sync();
    expect(plain.frames.some((f) => f.includes('best_bid_ask') || f.includes('new_market'))).to.equal(false);
  });
});

import { expect } from 'chai';
import { Simulator } from '../simulator.js';
import {
  Caller,
  HARDHAT_KEY_1,
  WsCollector,
  events,
  orderPayload,
  signOrderV2,
  wallet,
} from '../testing/support.js';
import type { SimMarket } from '../types.js';
import { UNAUTHORIZED_CLOSE_CODE } from './user-channel.js';

type Json = Record<string, unknown>;

describe('user WebSocket /ws/user', () => {
  let sim: Simulator;
  let m: SimMarket;
  let other: SimMarket;
  let alice: Caller;
  let bob: Caller;
  const sockets: WsCollector[] = [];

  before(async () => {
    sim = await Simulator.start({
      seed: 22,
      marketCount: 0,
      tradeSettlement: { minedMs: 20, confirmedMs: 40 },
    });
    const a = wallet();
    const b = wallet(HARDHAT_KEY_1);
    alice = new Caller(sim.urls.clob, a, sim.scenario.createApiKey(a.address));
    bob = new Caller(sim.urls.clob, b, sim.scenario.createApiKey(b.address));
    m = sim.scenario.createMarket({ question: 'User channel?' });
    other = sim.scenario.createMarket({ question: 'Other market?' });
  });

  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  after(() => sim.stop());

  const subscribe = async (c: Caller, markets: string[] = []): Promise<WsCollector> => {
    const ws = await WsCollector.open(sim.urls.wsUser);
    sockets.push(ws);
    ws.send({
      auth: { apiKey: c.creds.key, secret: c.creds.secret, passphrase: c.creds.passphrase },
      markets,
      type: 'user',
    });
    await ws.sync();
    return ws;
  };

  const place = async (c: Caller, market: SimMarket, side: 'BUY' | 'SELL', price: number, size: number) => {
    const order = await signOrderV2(c.w, {
      tokenId: market.tokenIds[0],
      side,
      makerAmount: BigInt(Math.round((side === 'BUY' ? price * size : size) * 1e6)),
      takerAmount: BigInt(Math.round((side === 'BUY' ? size : price * size) * 1e6)),
    });
    return c.call<Json>('POST', '/order', orderPayload(order, c.creds.key));
  };

  it('closes the socket for wrong credentials', async () => {
    const ws = await WsCollector.open(sim.urls.wsUser);
    sockets.push(ws);
    ws.send({
      auth: { apiKey: alice.creds.key, secret: 'wrong', passphrase: alice.creds.passphrase },
      markets: [],
      type: 'user',
    });
    expect(await ws.waitClosed()).to.equal(UNAUTHORIZED_CLOSE_CODE);
  });

  it('sends order PLACEMENT and CANCELLATION for the key’s own orders only', async () => {
    const ws = await subscribe(alice, [m.conditionId]);
    const res = await place(alice, m, 'BUY', 0.3, 10);
    const placement = await ws.event('order', (e) => e['type'] === 'PLACEMENT');
    expect(placement).to.include({
      id: res.body['orderID'],
      owner: alice.creds.key,
      market: m.conditionId,
      asset_id: m.tokenIds[0],
      side: 'BUY',
      price: '0.3',
      original_size: '10',
      size_matched: '0',
      outcome: 'Yes',
      order_type: 'GTC',
    });
    expect(placement['timestamp']).to.match(/^\d{13}$/);
    await place(bob, m, 'BUY', 0.2, 10);
    await place(alice, other, 'BUY', 0.2, 10);
    await alice.call('DELETE', '/order', { orderID: res.body['orderID'] });
    const cancel = await ws.event('order', (e) => e['type'] === 'CANCELLATION');
    expect(cancel['id']).to.equal(res.body['orderID']);
    await ws.sync();
    const placements = ws.frames.filter((f) => f.includes('"PLACEMENT"'));
    expect(placements).to.have.length(1);
  });

  it('sends trade events MATCHED → MINED → CONFIRMED to taker and maker, and maker order UPDATEs', async () => {
    const wsAlice = await subscribe(alice);
    const wsBob = await subscribe(bob);
    sim.scenario.setPosition(bob.w.address, m.tokenIds[0], 100);
    const maker = await place(bob, m, 'SELL', 0.6, 20);
    await place(alice, m, 'BUY', 0.6, 8);
    for (const status of ['MATCHED', 'MINED', 'CONFIRMED']) {
      const t = await wsAlice.event('trade', (e) => e['status'] === status);
      expect(t).to.include({
        type: 'TRADE',
        trader_side: 'TAKER',
        side: 'BUY',
        size: '8',
        price: '0.6',
        owner: alice.creds.key,
      });
      const mk = await wsBob.event('trade', (e) => e['status'] === status);
      expect(mk).to.include({ trader_side: 'MAKER', owner: bob.creds.key, trade_owner: bob.creds.key });
      expect((mk['maker_orders'] as Json[])[0]).to.include({
        order_id: maker.body['orderID'],
        matched_amount: '8',
      });
    }
    const update = wsBob.frames
      .flatMap((f) => events(f))
      .find(
        (e) => e['event_type'] === 'order' && e['type'] === 'UPDATE' && e['id'] === maker.body['orderID'],
      );
    expect(update?.['size_matched']).to.equal('8');
  });
});

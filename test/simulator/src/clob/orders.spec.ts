import { expect } from 'chai';
import { Simulator } from '../simulator.js';
import {
  Caller,
  HARDHAT_KEY_1,
  http,
  l2Headers,
  orderPayload,
  signOrderV1,
  signOrderV2,
  wallet,
} from '../testing/support.js';
import type { SimMarket } from '../types.js';
import { ORDER_ERRORS } from './order-intake.js';

type Json = Record<string, unknown>;

describe('CLOB orders (POST /order, /orders, cancels, records)', () => {
  const clock = { t: Date.now() };
  let sim: Simulator;
  let alice: Caller;
  let bob: Caller;
  let market: SimMarket;
  let yes: string;

  before(async () => {
    sim = await Simulator.start({
      seed: 3,
      marketCount: 0,
      clock: () => clock.t,
      heartbeatTimeoutMs: 10_000,
    });
  });

  after(() => sim.stop());

  beforeEach(async () => {
    const a = wallet();
    const b = wallet(HARDHAT_KEY_1);
    alice = new Caller(sim.urls.clob, a, sim.scenario.createApiKey(a.address));
    bob = new Caller(sim.urls.clob, b, sim.scenario.createApiKey(b.address));
    sim.scenario.setBalance(a.address, 1_000);
    sim.scenario.setBalance(b.address, 1_000);
    market = sim.scenario.createMarket({
      question: `Orders ${Math.random()}?`,
      book: { bids: [{ price: 0.4, size: 100 }], asks: [{ price: 0.6, size: 100 }] },
    });
    yes = market.tokenIds[0];
    await alice.call('DELETE', '/cancel-all');
    await bob.call('DELETE', '/cancel-all');
  });

  const post = async (c: Caller, order: Json, orderType = 'GTC', postOnly = false) =>
    c.call<Json>('POST', '/order', orderPayload(order, c.creds.key, orderType, postOnly));

  const buy = (
    c: Caller,
    price: number,
    size: number,
    extra: Partial<Parameters<typeof signOrderV2>[1]> = {},
  ) =>
    signOrderV2(c.w, {
      tokenId: yes,
      side: 'BUY',
      makerAmount: BigInt(Math.round(price * size * 1e6)),
      takerAmount: BigInt(Math.round(size * 1e6)),
      ...extra,
    });

  it('accepts a resting GTC order: live status, typed-data hash as orderID, §5.5 record', async () => {
    const order = await buy(alice, 0.5, 10);
    const res = await post(alice, order);
    expect(res.status).to.equal(200);
    expect(res.body).to.have.all.keys(
      'success',
      'errorMsg',
      'orderID',
      'status',
      'takingAmount',
      'makingAmount',
      'transactionsHashes',
      'tradeIDs',
    );
    expect(res.body).to.include({
      success: true,
      errorMsg: '',
      status: 'live',
      takingAmount: '',
      makingAmount: '',
    });
    const id = res.body['orderID'] as string;
    expect(id).to.match(/^0x[0-9a-f]{64}$/);

    const rec = await alice.call<Json>('GET', `/data/order/${id}`);
    expect(rec.body).to.deep.include({
      id,
      status: 'LIVE',
      owner: alice.creds.key,
      maker_address: alice.w.address,
      market: market.conditionId,
      asset_id: yes,
      side: 'BUY',
      original_size: '10',
      size_matched: '0',
      price: '0.5',
      outcome: 'Yes',
      expiration: '0',
      order_type: 'GTC',
    });
    expect(rec.body['created_at']).to.be.a('number');
    expect((await bob.call('GET', `/data/order/${id}`)).status).to.equal(404);
  });

  it('matches a crossing order: matched status, amounts, transaction hashes and trade ids', async () => {
    const res = await post(alice, await buy(alice, 0.6, 10));
    expect(res.body).to.include({ success: true, status: 'matched', takingAmount: '10', makingAmount: '6' });
    expect(res.body['tradeIDs']).to.have.length(1);
    expect(res.body['transactionsHashes']).to.have.length(1);
    const trades = await alice.call<Json>(
      'GET',
      `/data/trades?id=${(res.body['tradeIDs'] as string[])[0]}&next_cursor=MA==`,
    );
    expect(trades.body).to.include({ limit: 100, count: 1, next_cursor: 'LTE=' });
    const trade = (trades.body['data'] as Json[])[0] as Json;
    expect(trade).to.include({
      taker_order_id: res.body['orderID'],
      market: market.conditionId,
      asset_id: yes,
      side: 'BUY',
      size: '10',
      price: '0.6',
      status: 'MATCHED',
      trader_side: 'TAKER',
      transaction_hash: (res.body['transactionsHashes'] as string[])[0],
      outcome: 'Yes',
      bucket_index: 0,
      fee_rate_bps: '0',
    });
    expect(trade['match_time']).to.match(/^\d{10}$/);
  });

  it('rejects a tampered signature, a wrong neg-risk domain and a foreign signer', async () => {
    const order = await buy(alice, 0.5, 10);
    const tampered = { ...order, takerAmount: '11000000' };
    expect((await post(alice, tampered)).body).to.deep.equal({ error: ORDER_ERRORS.signature });

    const wrongDomain = await buy(alice, 0.5, 10, { negRisk: true });
    expect((await post(alice, wrongDomain)).body).to.deep.equal({ error: 'invalid signature' });

    const signedByBob = await buy(bob, 0.5, 10);
    const res = await post(alice, signedByBob);
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.equal({ error: ORDER_ERRORS.signer });
  });

  it('verifies neg-risk markets against the neg-risk exchange domain', async () => {
    const nr = sim.scenario.createMarket({ question: `Neg risk ${Math.random()}?`, negRisk: true });
    const order = await signOrderV2(alice.w, {
      tokenId: nr.tokenIds[0],
      side: 'BUY',
      makerAmount: 5_000_000n,
      takerAmount: 10_000_000n,
      negRisk: true,
    });
    expect((await post(alice, order)).body).to.include({ success: true, status: 'live' });
    const normal = await signOrderV2(alice.w, {
      tokenId: nr.tokenIds[0],
      side: 'BUY',
      makerAmount: 5_000_000n,
      takerAmount: 10_000_000n,
    });
    expect((await post(alice, normal)).body).to.deep.equal({ error: 'invalid signature' });
  });

  it('requires the owner to be the API key and answers 401 to a bad HMAC or foreign key', async () => {
    const order = await buy(alice, 0.5, 10);
    const wrongOwner = await alice.call<Json>('POST', '/order', orderPayload(order, bob.creds.key));
    expect(wrongOwner.body).to.deep.equal({ error: ORDER_ERRORS.owner });

    const body = JSON.stringify(orderPayload(order, alice.creds.key));
    const headers = l2Headers(alice.creds, alice.w.address, 'POST', '/order', body);
    headers['POLY_SIGNATURE'] = `${headers['POLY_SIGNATURE']?.slice(0, -4)}AAA=`;
    const badHmac = await http(`${sim.urls.clob}/order`, { method: 'POST', headers, body });
    expect(badHmac.status).to.equal(401);
    expect(badHmac.body).to.deep.equal({ error: 'Unauthorized/Invalid api key' });

    const foreign = new Caller(sim.urls.clob, alice.w, bob.creds);
    expect((await foreign.call('GET', '/data/orders')).status).to.equal(401);
    const badPass = new Caller(sim.urls.clob, alice.w, { ...alice.creds, passphrase: 'x' });
    expect((await badPass.call('GET', '/data/orders')).status).to.equal(401);
    const received = sim.scenario.receivedOrders().slice(-1)[0];
    expect(received).to.include({ verdict: 'rejected', apiKey: '', error: 'Unauthorized/Invalid api key' });
  });

  it('answers order_version_mismatch to a V1 struct, and accepts V1 when /version says 1', async () => {
    const v1 = await signOrderV1(alice.w, {
      tokenId: yes,
      side: 'BUY',
      makerAmount: 5_000_000n,
      takerAmount: 10_000_000n,
    });
    const res = await post(alice, v1);
    expect(res.status).to.equal(400);
    expect(res.body['error']).to.include('order_version_mismatch');

    sim.scenario.setApiVersion(1);
    try {
      expect((await http<Json>(`${sim.urls.clob}/version`)).body).to.deep.equal({ version: 1 });
      const ok = await post(
        alice,
        await signOrderV1(alice.w, {
          tokenId: yes,
          side: 'BUY',
          makerAmount: 5_000_000n,
          takerAmount: 10_000_000n,
        }),
      );
      expect(ok.body).to.include({ success: true, status: 'live' });
      expect((await post(alice, await buy(alice, 0.5, 10))).body['error']).to.include(
        'order_version_mismatch',
      );
      const wrongFee = await signOrderV1(alice.w, {
        tokenId: yes,
        side: 'BUY',
        makerAmount: 5_000_000n,
        takerAmount: 10_000_000n,
        feeRateBps: '100',
      });
      expect((await post(alice, wrongFee)).body['error']).to.match(/^invalid fee rate/);
    } finally {
      sim.scenario.setApiVersion(2);
    }
  });

  it('enforces the tick grid (incl. 0.005 and 0.0025) and the minimum size with the venue messages', async () => {
    const off = await buy(alice, 0.505, 10);
    const res = await post(alice, off);
    expect(res.body['error']).to.match(
      /^order 0x[0-9a-f]{64} is invalid\. Price \(0\.505\) breaks minimum tick size rule: 0\.01$/,
    );

    const fine = sim.scenario.createMarket({ question: `Grid ${Math.random()}?`, tickSize: '0.005' });
    const at = (price: number) =>
      signOrderV2(alice.w, {
        tokenId: fine.tokenIds[0],
        side: 'BUY',
        makerAmount: BigInt(Math.round(price * 10 * 1e6)),
        takerAmount: 10_000_000n,
      });
    expect((await post(alice, await at(0.955))).body).to.include({ success: true });
    expect((await post(alice, await at(0.957))).body['error']).to.include(
      'breaks minimum tick size rule: 0.005',
    );

    const quarter = sim.scenario.createMarket({ question: `Quarter ${Math.random()}?`, tickSize: '0.0025' });
    const q = (price: number) =>
      signOrderV2(alice.w, {
        tokenId: quarter.tokenIds[0],
        side: 'BUY',
        makerAmount: BigInt(Math.round(price * 10 * 1e6)),
        takerAmount: 10_000_000n,
      });
    expect((await post(alice, await q(0.9725))).body).to.include({ success: true });
    expect((await post(alice, await q(0.9726))).body['error']).to.include(
      'breaks minimum tick size rule: 0.0025',
    );

    const small = await post(alice, await buy(alice, 0.3, 4.99));
    expect(small.body['error']).to.match(/is invalid\. Size \(4\.99\) lower than the minimum: 5$/);
  });

  it('rejects what the balance minus open-order reservations cannot cover', async () => {
    sim.scenario.setBalance(alice.w.address, 10);
    expect((await post(alice, await buy(alice, 0.5, 15))).body).to.include({ success: true }); // reserves 7.50
    const res = await post(alice, await buy(alice, 0.5, 6)); // needs 3.00 of 2.50 left
    expect(res.status).to.equal(400);
    expect(res.body['error']).to.match(
      /^not enough balance \/ allowance: the balance is not enough -> balance: 2500000, order amount: 3000000$/,
    );

    const sell = await post(
      alice,
      await signOrderV2(alice.w, {
        tokenId: yes,
        side: 'SELL',
        makerAmount: 5_000_000n,
        takerAmount: 3_000_000n,
      }),
    );
    expect(sell.body['error']).to.match(/^not enough balance \/ allowance/);
    sim.scenario.setPosition(alice.w.address, yes, 5);
    const sold = await post(
      alice,
      await signOrderV2(alice.w, {
        tokenId: yes,
        side: 'SELL',
        makerAmount: 5_000_000n,
        takerAmount: 3_500_000n,
      }),
    );
    expect(sold.body).to.include({ success: true, status: 'live' });
  });

  it('applies FOK, FAK, post-only, the $1 marketable minimum and duplicate rules', async () => {
    const fokBig = await buy(alice, 0.6, 150);
    expect((await post(alice, fokBig, 'FOK')).body).to.deep.equal({ error: ORDER_ERRORS.fok });
    const book = await http<Json>(`${sim.urls.clob}/book?token_id=${yes}`);
    expect(book.body['asks']).to.deep.equal([{ price: '0.6', size: '100' }]);

    const fakNone = await buy(alice, 0.55, 10);
    expect((await post(alice, fakNone, 'FAK')).body).to.deep.equal({ error: ORDER_ERRORS.fak });

    const fak = await post(alice, await buy(alice, 0.6, 150), 'FAK');
    expect(fak.body).to.include({
      success: true,
      status: 'matched',
      takingAmount: '100',
      makingAmount: '60',
    });
    expect(fak.body['transactionsHashes']).to.deep.equal([]);
    expect(fak.body['tradeIDs']).to.have.length(1);

    const crossing = await buy(alice, 0.4, 10, {});
    const sellCross = await signOrderV2(alice.w, {
      tokenId: yes,
      side: 'SELL',
      makerAmount: 10_000_000n,
      takerAmount: 4_000_000n,
    });
    sim.scenario.setPosition(alice.w.address, yes, 200);
    expect((await post(alice, sellCross, 'GTC', true)).body).to.deep.equal({
      error: ORDER_ERRORS.postOnlyCrosses,
    });
    expect((await post(alice, crossing, 'FOK', true)).body).to.deep.equal({
      error: ORDER_ERRORS.postOnlyType,
    });

    const tiny = await signOrderV2(alice.w, {
      tokenId: yes,
      side: 'SELL',
      makerAmount: 2_000_000n,
      takerAmount: 800_000n,
    });
    expect((await post(alice, tiny, 'FAK')).body).to.deep.equal({
      error: 'invalid amount for a marketable SELL order ($0.8), min size: $1',
    });

    const once = await buy(alice, 0.3, 10);
    expect((await post(alice, once)).body).to.include({ success: true });
    expect((await post(alice, once)).body['error']).to.match(/is invalid\. Duplicated\.$/);
  });

  it('enforces GTD expiration with the 60 s threshold and expires resting GTD orders', async () => {
    const nowS = Math.floor(clock.t / 1000);
    const tooSoon = await buy(alice, 0.3, 10, { expiration: String(nowS + 60) });
    expect((await post(alice, tooSoon, 'GTD')).body['error']).to.match(/^invalid expiration value/);
    const gtcWithExpiry = await buy(alice, 0.3, 10, { expiration: String(nowS + 600) });
    expect((await post(alice, gtcWithExpiry, 'GTC')).body['error']).to.match(/only GTD orders can expire/);

    const gtd = await post(alice, await buy(alice, 0.3, 10, { expiration: String(nowS + 90) }), 'GTD');
    const id = gtd.body['orderID'] as string;
    expect(gtd.body).to.include({ success: true, status: 'live' });
    clock.t += 29_000;
    expect((await alice.call<Json>('GET', `/data/order/${id}`)).body['status']).to.equal('LIVE');
    clock.t += 2_000;
    expect((await alice.call<Json>('GET', `/data/order/${id}`)).body['status']).to.equal('CANCELED');
  });

  it('validates /orders all-or-nothing (≤ 15) and answers one response per order', async () => {
    const good = await buy(alice, 0.3, 10);
    const bad = await buy(alice, 0.305, 10);
    const rejected = await alice.call<Json>('POST', '/orders', [
      orderPayload(good, alice.creds.key),
      orderPayload(bad, alice.creds.key),
    ]);
    expect(rejected.status).to.equal(400);
    expect(rejected.body['error']).to.include('breaks minimum tick size rule');
    expect((await alice.call<Json>('GET', '/data/orders')).body['data']).to.deep.equal([]);

    const many = await Promise.all(Array.from({ length: 16 }, () => buy(alice, 0.2, 5)));
    const tooMany = await alice.call<Json>(
      'POST',
      '/orders',
      many.map((o) => orderPayload(o, alice.creds.key)),
    );
    expect(tooMany.body).to.deep.equal({ error: ORDER_ERRORS.tooMany });

    sim.scenario.setBalance(alice.w.address, 5);
    const each3 = [await buy(alice, 0.3, 10), await buy(alice, 0.3, 10)];
    const broke = await alice.call<Json>(
      'POST',
      '/orders',
      each3.map((o) => orderPayload(o, alice.creds.key)),
    );
    expect(broke.body['error']).to.match(/^not enough balance/);
    expect(sim.scenario.openOrders().filter((o) => o['owner'] === alice.creds.key)).to.have.length(0);

    sim.scenario.setBalance(alice.w.address, 100);
    const ok = await alice.call<Json[]>('POST', '/orders', [
      orderPayload(await buy(alice, 0.3, 10), alice.creds.key),
      orderPayload(await buy(alice, 0.6, 10), alice.creds.key, 'FOK'),
    ]);
    expect(ok.status).to.equal(200);
    expect(ok.body.map((r) => r['status'])).to.deep.equal(['live', 'matched']);
  });

  it('cancels by id, by bare-array ids, by market and all, reporting what was not cancelled', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++)
      ids.push((await post(alice, await buy(alice, 0.1 + i / 100, 10))).body['orderID'] as string);
    const one = await alice.call<Json>('DELETE', '/order', { orderID: ids[0] });
    expect(one.body).to.deep.equal({ canceled: [ids[0]], not_canceled: {} });
    const again = await alice.call<Json>('DELETE', '/order', { orderID: ids[0] });
    expect(again.body).to.deep.equal({
      canceled: [],
      not_canceled: { [ids[0] as string]: "order can't be canceled, status: CANCELED" },
    });
    const byBob = await bob.call<Json>('DELETE', '/orders', [ids[1]]);
    expect(byBob.body).to.deep.equal({
      canceled: [],
      not_canceled: { [ids[1] as string]: 'order not found' },
    });
    expect((await alice.call('DELETE', '/orders', { ids })).status).to.equal(400);
    const two = await alice.call<Json>('DELETE', '/orders', [ids[1]]);
    expect(two.body['canceled']).to.deep.equal([ids[1]]);
    const mkt = await alice.call<Json>('DELETE', '/cancel-market-orders', { market: market.conditionId });
    expect(mkt.body['canceled']).to.have.members([ids[2], ids[3]]);
    await post(alice, await buy(alice, 0.2, 10));
    const all = await alice.call<Json>('DELETE', '/cancel-all');
    expect(all.body['canceled']).to.have.length(1);
    expect((await alice.call<Json>('GET', '/data/orders')).body['data']).to.deep.equal([]);
  });

  it('records every order body received with its verdict', async () => {
    const before = sim.scenario.receivedOrders().length;
    await post(alice, await buy(alice, 0.3, 10));
    await post(alice, await buy(alice, 0.3, 1));
    const log = sim.scenario.receivedOrders().slice(before);
    expect(log.map((r) => r.verdict)).to.deep.equal(['accepted', 'rejected']);
    expect(log[0]).to.include({ path: '/order', apiKey: alice.creds.key, status: 'live' });
    expect(log[1]?.error).to.include('lower than the minimum');
    expect((log[0]?.payload as Json)['owner']).to.equal(alice.creds.key);
  });

  it('holds marketable orders of delayed markets (status delayed) and matches them afterwards', async () => {
    const delayed = sim.scenario.createMarket({
      question: `Delayed ${Math.random()}?`,
      secondsDelay: 1,
      book: { bids: [], asks: [{ price: 0.5, size: 50 }] },
    });
    const order = await signOrderV2(alice.w, {
      tokenId: delayed.tokenIds[0],
      side: 'BUY',
      makerAmount: 5_000_000n,
      takerAmount: 10_000_000n,
    });
    const res = await post(alice, order);
    expect(res.body).to.include({ success: true, status: 'delayed' });
    const id = res.body['orderID'] as string;
    expect((await alice.call<Json>('GET', `/data/order/${id}`)).body['status']).to.equal('DELAYED');
    const deadline = Date.now() + 5_000;
    let status = 'DELAYED';
    while (status === 'DELAYED' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await alice.call<Json>('GET', `/data/order/${id}`)).body['status'] as string;
    }
    expect(status).to.equal('MATCHED');

    // A FOK that cannot match is refused at once, delay or not.
    const unfillable = await signOrderV2(alice.w, {
      tokenId: delayed.tokenIds[0],
      side: 'BUY',
      makerAmount: 4_000_000n,
      takerAmount: 10_000_000n,
    });
    expect((await post(alice, unfillable, 'FOK')).body).to.deep.equal({ error: ORDER_ERRORS.fok });
  });

  it('runs the heartbeat dead-man switch: ids chain, a lapse cancels every order of the key once', async () => {
    const first = await alice.call<Json>('POST', '/v1/heartbeats', { heartbeat_id: '' });
    expect(first.status).to.equal(200);
    const id = first.body['heartbeat_id'] as string;
    const next = await alice.call<Json>('POST', '/v1/heartbeats', { heartbeat_id: id });
    expect(next.body['heartbeat_id']).to.be.a('string').and.not.equal(id);
    const wrong = await alice.call<Json>('POST', '/v1/heartbeats', { heartbeat_id: id });
    expect(wrong.status).to.equal(400);

    const live = await post(alice, await buy(alice, 0.2, 10));
    const bobs = await post(bob, await buy(bob, 0.2, 10));
    clock.t += 11_000;
    const after = await alice.call<Json>('GET', `/data/order/${live.body['orderID'] as string}`);
    expect(after.body['status']).to.equal('CANCELED');
    expect(
      (await bob.call<Json>('GET', `/data/order/${bobs.body['orderID'] as string}`)).body['status'],
    ).to.equal('LIVE');
    // The switch fired once: a new order after the lapse stays until heartbeats start again.
    const later = await post(alice, await buy(alice, 0.2, 10));
    clock.t += 11_000;
    expect(
      (await alice.call<Json>('GET', `/data/order/${later.body['orderID'] as string}`)).body['status'],
    ).to.equal('LIVE');
  });
});

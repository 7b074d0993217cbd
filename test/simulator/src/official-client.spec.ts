import { AssetType, ClobClient, OrderType, Side, type ApiKeyCreds } from '@polymarket/clob-client-v2';
import { expect } from 'chai';
import { Simulator } from './simulator.js';
import { HARDHAT_KEY_0, wallet } from './testing/support.js';
import type { SimMarket } from './types.js';

type Json = Record<string, unknown>;

/**
 * Drives the simulator with the official @polymarket/clob-client-v2 1.1.0 and an ethers v5 Wallet
 * (Hardhat key #0): if the simulator drifted from the venue's protocol, these calls would fail.
 */
describe('official @polymarket/clob-client-v2 against the simulator', () => {
  let sim: Simulator;
  let creds: ApiKeyCreds;
  let client: ClobClient;
  let m: SimMarket;
  const signer = wallet(HARDHAT_KEY_0);

  before(async () => {
    sim = await Simulator.start({
      seed: 41,
      marketCount: 20,
      tradeSettlement: { minedMs: 20, confirmedMs: 40 },
    });
    const l1 = new ClobClient({ host: sim.urls.clob, chain: 137, signer });
    creds = await l1.createOrDeriveApiKey();
    client = new ClobClient({
      host: sim.urls.clob,
      chain: 137,
      signer,
      creds,
      signatureType: 0,
      throwOnError: true,
    });
  });

  beforeEach(() => {
    m = sim.scenario.createMarket({
      question: `Official client ${Math.random()}?`,
      book: {
        bids: [{ price: 0.45, size: 200 }],
        asks: [
          { price: 0.55, size: 50 },
          { price: 0.52, size: 200 },
        ],
      },
    });
  });

  after(() => sim.stop());

  it('creates, then derives, the same API key over L1 auth', async () => {
    expect(creds.key).to.match(/^[0-9a-f-]{36}$/);
    const again = await new ClobClient({ host: sim.urls.clob, chain: 137, signer }).createOrDeriveApiKey();
    expect(again).to.deep.equal(creds);
    const log = sim.scenario.requestLog().filter((e) => e.path.startsWith('/auth/'));
    expect(log.map((e) => `${e.method} ${e.path} ${e.status}`)).to.include.members([
      'POST /auth/api-key 200',
      'POST /auth/api-key 400',
      'GET /auth/derive-api-key 200',
    ]);
    expect((await client.getApiKeys()).apiKeys).to.deep.equal([creds.key]);
  });

  it('reads the book, tick size, neg risk and server time; the client reproduces the book hash', async () => {
    const book = await client.getOrderBook(m.tokenIds[0]);
    expect(book.asks.map((l) => l.price)).to.deep.equal(['0.55', '0.52']);
    const hash = book.hash;
    expect(await client.getOrderBookHash({ ...book })).to.equal(hash);
    expect(await client.getTickSize(m.tokenIds[0])).to.equal('0.01');
    expect(await client.getNegRisk(m.tokenIds[0])).to.equal(false);
    expect(await client.getVersion()).to.equal(2);
    expect(Math.abs((await client.getServerTime()) - Date.now() / 1000)).to.be.lessThan(5);
    expect(await client.getMidpoint(m.tokenIds[0])).to.deep.equal({ mid: '0.485' });
  });

  it('places a resting limit order, lists it, cancels it', async () => {
    const res = await client.createAndPostOrder(
      { tokenID: m.tokenIds[0], price: 0.5, size: 10, side: Side.BUY },
      undefined,
      OrderType.GTC,
    );
    expect(res).to.include({ success: true, status: 'live', errorMsg: '' });
    const open = await client.getOpenOrders({ market: m.conditionId });
    expect(open.map((o) => [o.id, o.price, o.original_size, o.status])).to.deep.equal([
      [res.orderID, '0.5', '10', 'LIVE'],
    ]);
    expect((await client.getOrder(res.orderID)).id).to.equal(res.orderID);
    const cancelled = (await client.cancelOrder({ orderID: res.orderID })) as Json;
    expect(cancelled['canceled']).to.deep.equal([res.orderID]);
    expect(await client.getOpenOrders({ market: m.conditionId })).to.deep.equal([]);
  });

  it('fills a market BUY (FOK) and resolves its transaction hash with one trade poll, not 30 s of polling', async () => {
    sim.scenario.clearRequestLog();
    const res = await client.createAndPostMarketOrder(
      { tokenID: m.tokenIds[0], amount: 20, side: Side.BUY },
      undefined,
      OrderType.FOK,
    );
    expect(res).to.include({ success: true, status: 'matched' });
    expect(Number(res.takingAmount)).to.be.closeTo(20 / 0.52, 0.001);
    expect(res.tradeIDs).to.have.length(1);
    expect(res.transactionsHashes).to.have.length(1);
    const polls = sim.scenario.requestLog().filter((e) => e.path === '/data/trades');
    expect(polls).to.have.length(1);
    const paths = sim.scenario.requestLog().map((e) => e.path.replace(/\/\d+$|\/0x[0-9a-f]+$/, '/…'));
    expect(paths).to.include.members(['/markets-by-token/…', '/clob-markets/…', '/book', '/order']);

    const trades = await client.getTrades({ market: m.conditionId });
    expect(trades).to.have.length(1);
    expect(trades[0]).to.include({
      side: 'BUY',
      price: '0.52',
      trader_side: 'TAKER',
      transaction_hash: res.transactionsHashes?.[0],
    });
  });

  it('sells back with a market SELL (FAK) and reports balances as raw 1e6 strings', async () => {
    const before = await client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL });
    await client.createAndPostOrder({ tokenID: m.tokenIds[0], price: 0.55, size: 20, side: Side.BUY });
    const shares = await client.getBalanceAllowance({
      asset_type: AssetType.CONDITIONAL,
      token_id: m.tokenIds[0],
    });
    expect(shares.balance).to.equal('20000000');
    const sell = await client.createAndPostMarketOrder(
      { tokenID: m.tokenIds[0], amount: 20, side: Side.SELL },
      undefined,
      OrderType.FAK,
    );
    expect(sell).to.include({ success: true, status: 'matched', makingAmount: '20', takingAmount: '9' });
    const after = await client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL });
    expect(BigInt(before.balance) - BigInt(after.balance)).to.equal(BigInt(20 * 0.52 * 1e6 - 9e6));
    expect(after.allowances).to.be.an('object').that.is.not.empty;
  });

  it('signs neg-risk markets against the neg-risk exchange and honours 0.005 ticks', async () => {
    const nr = sim.scenario.createMarket({
      question: `NR ${Math.random()}?`,
      negRisk: true,
      tickSize: '0.005',
    });
    const res = await client.createAndPostOrder({
      tokenID: nr.tokenIds[0],
      price: 0.955,
      size: 10,
      side: Side.BUY,
    });
    expect(res).to.include({ success: true, status: 'live' });
    const received = sim.scenario.receivedOrders().slice(-1)[0];
    expect(received?.verdict).to.equal('accepted');
  });

  it('posts a batch with postOrders and heartbeats', async () => {
    const a = await client.createOrder({ tokenID: m.tokenIds[0], price: 0.4, size: 10, side: Side.BUY });
    const b = await client.createOrder({ tokenID: m.tokenIds[0], price: 0.41, size: 10, side: Side.BUY });
    const res = await client.postOrders([
      { order: a, orderType: OrderType.GTC },
      { order: b, orderType: OrderType.GTC },
    ]);
    expect(res.map((r) => r.status)).to.deep.equal(['live', 'live']);
    const hb = await client.postHeartbeat();
    expect(hb.heartbeat_id).to.be.a('string').and.not.empty;
    expect((await client.postHeartbeat(hb.heartbeat_id)).heartbeat_id).to.be.a('string');
    await client.cancelAll();
  });

  it('rejects a tampered HMAC (wrong secret) with 401 and a foreign signature with invalid signature', async () => {
    const forged = new ClobClient({
      host: sim.urls.clob,
      chain: 137,
      signer,
      creds: { ...creds, secret: Buffer.from('x'.repeat(32)).toString('base64') },
      throwOnError: true,
    });
    let error: unknown;
    try {
      await forged.getOpenOrders();
    } catch (err) {
      error = err;
    }
    expect(error).to.have.property('status', 401);
    expect((error as Error).message).to.equal('Unauthorized/Invalid api key');

    const order = await client.createOrder({ tokenID: m.tokenIds[0], price: 0.4, size: 10, side: Side.BUY });
    const tampered = { ...order, signature: `${order.signature.slice(0, -6)}abcdef` };
    const res = (await new ClobClient({ host: sim.urls.clob, chain: 137, signer, creds }).postOrder(
      tampered,
    )) as unknown as Json;
    expect(res).to.deep.equal({ error: 'invalid signature', status: 400 });
  });

  it('recovers from order_version_mismatch by re-reading /version and re-signing (V1 → V2)', async () => {
    sim.scenario.setApiVersion(1);
    const fresh = new ClobClient({ host: sim.urls.clob, chain: 137, signer, creds });
    try {
      const v1 = await fresh.createAndPostOrder({
        tokenID: m.tokenIds[0],
        price: 0.3,
        size: 10,
        side: Side.BUY,
      });
      expect(v1).to.include({ success: true, status: 'live' });
      expect((sim.scenario.receivedOrders().slice(-1)[0]?.payload as { order: Json }).order).to.have.property(
        'nonce',
      );
    } finally {
      sim.scenario.setApiVersion(2);
    }
    const v2 = await fresh.createAndPostOrder({
      tokenID: m.tokenIds[0],
      price: 0.31,
      size: 10,
      side: Side.BUY,
    });
    expect(v2).to.include({ success: true, status: 'live' });
    const last = sim.scenario.receivedOrders().slice(-2);
    expect(last.map((r) => r.error ?? r.verdict)).to.deep.equal(['order_version_mismatch', 'accepted']);
    expect((last[1]?.payload as { order: Json }).order).to.have.property('timestamp');
    await client.cancelAll();
  });
});

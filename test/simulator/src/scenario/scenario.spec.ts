import { expect } from 'chai';
import { Simulator } from '../simulator.js';
import {
  Caller,
  WsCollector,
  events,
  http,
  l1Headers,
  orderPayload,
  signOrderV2,
  wallet,
} from '../testing/support.js';
import type { SimMarket } from '../types.js';

type Json = Record<string, unknown>;
const DAY = 86_400_000;

describe('scenario controls', () => {
  let sim: Simulator;
  let alice: Caller;
  let m: SimMarket;
  const sockets: WsCollector[] = [];

  const market = async (tokens: string[]): Promise<WsCollector> => {
    const ws = await WsCollector.open(sim.urls.ws);
    sockets.push(ws);
    ws.send({ assets_ids: tokens, type: 'market' });
    await ws.next();
    return ws;
  };

  const buy = async (price: number, size: number, token = m.tokenIds[0]) => {
    const order = await signOrderV2(alice.w, {
      tokenId: token,
      side: 'BUY',
      makerAmount: BigInt(Math.round(price * size * 1e6)),
      takerAmount: BigInt(Math.round(size * 1e6)),
    });
    return alice.call<Json>('POST', '/order', orderPayload(order, alice.creds.key));
  };

  before(async () => {
    sim = await Simulator.start({ seed: 31, marketCount: 10 });
    const w = wallet();
    alice = new Caller(sim.urls.clob, w, sim.scenario.createApiKey(w.address));
  });

  beforeEach(() => {
    sim.scenario.clearFaults();
    m = sim.scenario.createMarket({
      question: `Scenario ${Math.random()}?`,
      book: { bids: [{ price: 0.4, size: 100 }], asks: [{ price: 0.6, size: 100 }] },
    });
  });

  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  after(() => sim.stop());

  describe('markets', () => {
    it('createMarket lists a scripted market in Gamma and the CLOB with the given attributes', async () => {
      const end = Date.now() + 3 * DAY;
      const made = sim.scenario.createMarket({
        question: 'Will Rainbow Six Siege be scripted?',
        conditionId: `0x${'ab'.repeat(32)}`,
        tokenIds: ['111', '222'],
        outcomes: ['Up', 'Down'],
        endDate: new Date(end),
        category: 'Esports',
        tags: ['Esports', 'Rainbow Six Siege'],
        negRisk: true,
        tickSize: '0.005',
        minOrderSize: 15,
        feeRate: 0.07,
        feeExponent: 1,
      });
      expect(sim.scenario.market(made.conditionId)).to.equal(made);
      const gamma = (
        await http<Json[]>(`${sim.urls.gamma}/markets?condition_ids=${made.conditionId}&include_tag=true`)
      ).body[0] as Json;
      expect(gamma).to.include({
        question: 'Will Rainbow Six Siege be scripted?',
        clobTokenIds: '["111", "222"]',
        outcomes: '["Up", "Down"]',
        negRisk: true,
        orderPriceMinTickSize: 0.005,
        orderMinSize: 15,
        category: 'Esports',
        feesEnabled: true,
      });
      expect(Date.parse(gamma['endDate'] as string)).to.equal(Math.floor(end / 1000) * 1000);
      expect((gamma['tags'] as Json[]).map((t) => t['label'])).to.deep.equal([
        'Esports',
        'Rainbow Six Siege',
      ]);
      expect((await http<Json>(`${sim.urls.clob}/neg-risk?token_id=222`)).body).to.deep.equal({
        neg_risk: true,
      });
      expect(sim.scenario.markets()).to.include(made);
      expect(sim.scenario.events().some((e) => e.conditionIds.includes(made.conditionId))).to.equal(true);
      expect(sim.scenario.now()).to.be.closeTo(Date.now(), 5_000);
      expect(() => sim.scenario.createMarket({ question: 'dup', conditionId: made.conditionId })).to.throw(
        /already listed/,
      );
    });

    it('closeMarket closes it in Gamma and the CLOB, cancels resting orders and refuses new ones', async () => {
      const live = await buy(0.3, 10);
      sim.scenario.closeMarket(m.conditionId);
      expect(
        (await http<Json[]>(`${sim.urls.gamma}/markets?condition_ids=${m.conditionId}`)).body,
      ).to.deep.equal([]);
      const closed = (
        await http<Json[]>(`${sim.urls.gamma}/markets?condition_ids=${m.conditionId}&closed=true`)
      ).body[0] as Json;
      expect(closed).to.include({ closed: true, acceptingOrders: false });
      expect((await http<Json>(`${sim.urls.clob}/markets/${m.conditionId}`)).body).to.include({
        closed: true,
        accepting_orders: false,
      });
      expect(
        (await alice.call<Json>('GET', `/data/order/${live.body['orderID'] as string}`)).body['status'],
      ).to.equal('CANCELED');
      expect((await buy(0.3, 10)).body).to.deep.equal({ error: 'the market is closed' });
    });
  });

  describe('prices and books', () => {
    it('printTrade: a fresh print reaches the market channel with size; an old one only the Data API (G1, G3)', async () => {
      const ws = await market([m.tokenIds[0]]);
      sim.scenario.printTrade({
        tokenId: m.tokenIds[0],
        price: 0.97,
        size: 120,
        side: 'BUY',
        timestamp: Date.now() - 60 * DAY,
      });
      await ws.sync();
      expect(
        ws.frames.flatMap((f) => events(f)).some((e) => e['event_type'] === 'last_trade_price'),
      ).to.equal(false);
      sim.scenario.printTrade({ tokenId: m.tokenIds[0], price: '0.55', size: '33.5', side: 'SELL' });
      const e = await ws.event('last_trade_price');
      expect(e).to.include({ price: '0.55', size: '33.5', side: 'SELL', asset_id: m.tokenIds[0] });
      const rows = (await http<Json[]>(`${sim.urls.data}/trades?market=${m.conditionId}`)).body;
      expect(rows.map((r) => r['price'])).to.deep.equal([0.55, 0.97]);
      expect(() => sim.scenario.printTrade({ tokenId: m.tokenIds[0], price: 1.2, size: 1 })).to.throw(
        RangeError,
      );
    });

    it('setBook replaces the liquidity, emits a book snapshot, and new levels that cross a user order trade', async () => {
      const ws = await market([m.tokenIds[0]]);
      const resting = await buy(0.3, 10);
      sim.scenario.setBook(m.tokenIds[0], {
        bids: [{ price: 0.04, size: 500 }],
        asks: [
          { price: 0.25, size: 4 },
          { price: 0.35, size: 900 },
        ],
      });
      const book = await ws.event('book', (e) => (e['asks'] as Json[]).length === 1);
      const expected = {
        bids: [
          { price: '0.04', size: '500' },
          { price: '0.3', size: '6' },
        ],
        asks: [{ price: '0.35', size: '900' }],
      };
      expect({ bids: book['bids'], asks: book['asks'] }).to.deep.equal(expected);
      const rest = (await http<Json>(`${sim.urls.clob}/book?token_id=${m.tokenIds[0]}`)).body;
      expect({ bids: rest['bids'], asks: rest['asks'] }).to.deep.equal(expected);
      // A book far from the last trade (G5): the print says 0.97, the book says 0.04/0.35.
      sim.scenario.printTrade({ tokenId: m.tokenIds[0], price: 0.97, size: 60 });
      expect(
        (await http<Json>(`${sim.urls.clob}/price?token_id=${m.tokenIds[0]}&side=SELL`)).body,
      ).to.deep.equal({ price: '0.35' });
      const order = (await alice.call<Json>('GET', `/data/order/${resting.body['orderID'] as string}`)).body;
      expect(order['size_matched']).to.equal('4');
      expect(() =>
        sim.scenario.setBook(m.tokenIds[0], {
          bids: [{ price: 0.5, size: 1 }],
          asks: [{ price: 0.5, size: 1 }],
        }),
      ).to.throw(/cross/);
      expect(() =>
        sim.scenario.setBook(m.tokenIds[0], { bids: [{ price: 0.505, size: 1 }], asks: [] }),
      ).to.throw(/grid/);
    });

    it('setTickSize emits tick_size_change and changes what /tick-size and order validation use', async () => {
      const ws = await market([m.tokenIds[0]]);
      sim.scenario.setTickSize(m.tokenIds[0], '0.001');
      expect(await ws.event('tick_size_change')).to.include({
        old_tick_size: '0.01',
        new_tick_size: '0.001',
      });
      expect((await http<Json>(`${sim.urls.clob}/tick-size?token_id=${m.tokenIds[1]}`)).body).to.deep.equal({
        minimum_tick_size: 0.001,
      });
      expect((await buy(0.305, 10)).body).to.include({ success: true });
    });
  });

  describe('balances', () => {
    it('setBalance / balanceOf set and read true collateral; balance-allowance reports raw 1e6 strings', async () => {
      sim.scenario.setBalance(alice.w.address.toLowerCase(), 123.45);
      expect(sim.scenario.balanceOf(alice.w.address)).to.equal(123.45);
      const res = await alice.call<Json>('GET', '/balance-allowance?asset_type=COLLATERAL&signature_type=0');
      expect(res.body['balance']).to.equal('123450000');
      expect(res.body['allowances']).to.be.an('object');
      expect(res.body['allowance']).to.match(/^\d+$/);
      sim.scenario.setPosition(alice.w.address, m.tokenIds[0], 7.5);
      const cond = await alice.call<Json>(
        'GET',
        `/balance-allowance?asset_type=CONDITIONAL&token_id=${m.tokenIds[0]}&signature_type=0`,
      );
      expect(cond.body['balance']).to.equal('7500000');
      expect(sim.scenario.positionOf(alice.w.address, m.tokenIds[0])).to.equal(7.5);
      const proxy = await alice.call<Json>(
        'GET',
        '/balance-allowance?asset_type=COLLATERAL&signature_type=1',
      );
      expect(proxy.body['balance']).to.equal('0');
    });

    it('setStaleBalance reproduces the aggressive cache (G4) until /balance-allowance/update', async () => {
      sim.scenario.setBalance(alice.w.address, 1_000);
      const read = async () =>
        (await alice.call<Json>('GET', '/balance-allowance?asset_type=COLLATERAL&signature_type=0')).body[
          'balance'
        ];
      expect(await read()).to.equal('1000000000');
      sim.scenario.setStaleBalance(true);
      try {
        await buy(0.6, 50); // pays 30
        sim.scenario.setBalance(alice.w.address, 50);
        expect(await read()).to.equal('1000000000');
        const update = await alice.call(
          'GET',
          '/balance-allowance/update?asset_type=COLLATERAL&signature_type=0',
        );
        expect(update.status).to.equal(200);
        expect(update.text).to.equal('');
        expect(await read()).to.equal('50000000');
      } finally {
        sim.scenario.setStaleBalance(false);
      }
    });

    it('setAllowance below the order amount yields the allowance variant of the balance error', async () => {
      sim.scenario.setBalance(alice.w.address, 1_000);
      sim.scenario.setAllowance(alice.w.address, 1);
      try {
        expect((await buy(0.3, 10)).body['error']).to.match(
          /^not enough balance \/ allowance: the allowance is not enough/,
        );
      } finally {
        sim.scenario.setAllowance(alice.w.address, 1e12);
      }
    });

    it('linkFunder (or a proxy order) makes signature_type 1/2 balance reads follow the funder', async () => {
      const proxy = '0x00000000000000000000000000000000000abcde';
      const read = async () =>
        (await alice.call<Json>('GET', '/balance-allowance?asset_type=COLLATERAL&signature_type=2')).body[
          'balance'
        ];
      sim.scenario.setBalance(proxy, 77);
      sim.scenario.linkFunder(alice.w.address, proxy);
      expect(await read()).to.equal('77000000');

      // A POLY_GNOSIS_SAFE order (maker = the safe, signer = the EOA) links its funder too.
      const safe = '0x0000000000000000000000000000000000054321';
      sim.scenario.setBalance(safe, 12);
      const order = await signOrderV2(alice.w, {
        tokenId: m.tokenIds[0],
        side: 'BUY',
        makerAmount: 3_000_000n,
        takerAmount: 10_000_000n,
        maker: safe,
        signatureType: 2,
      });
      const res = await alice.call<Json>('POST', '/order', orderPayload(order, alice.creds.key));
      expect(res.body).to.include({ success: true, status: 'live' });
      expect(await read()).to.equal('12000000');
      expect(
        (await alice.call<Json>('GET', `/data/order/${res.body['orderID'] as string}`)).body['maker_address'],
      ).to.equal(safe);
    });

    it('createApiKey returns the same creds the L1 endpoints derive', async () => {
      const w = wallet('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
      const creds = sim.scenario.createApiKey(w.address);
      expect(sim.scenario.createApiKey(w.address)).to.deep.equal(creds);
      const derived = await http<Json>(`${sim.urls.clob}/auth/derive-api-key`, {
        headers: await l1Headers(w),
      });
      expect(derived.body).to.deep.equal({
        apiKey: creds.key,
        secret: creds.secret,
        passphrase: creds.passphrase,
      });
    });
  });

  describe('faults', () => {
    it('failNext answers 500, then 429 with Retry-After, then 503 with retry_after_seconds, once each', async () => {
      sim.scenario.failNext({ path: '/book', status: 500 });
      sim.scenario.failNext({ path: '/book', status: 429, retryAfter: 7 });
      sim.scenario.failNext({ path: '/book', status: 503, retryAfter: 3 });
      const url = `${sim.urls.clob}/book?token_id=${m.tokenIds[0]}`;
      const a = await http(url);
      expect(a).to.deep.include({ status: 500, body: { error: 'Internal Server Error' } });
      const b = await http(url);
      expect(b.status).to.equal(429);
      expect(b.headers.get('retry-after')).to.equal('7');
      expect(b.body).to.deep.equal({ error: 'Too Many Requests' });
      const c = await http(url);
      expect(c.status).to.equal(503);
      expect(c.body).to.include({ retry_after_seconds: 3 });
      expect((await http(url)).status).to.equal(200);
    });

    it('failNext honours count, method, service, path prefixes and a custom body', async () => {
      sim.scenario.failNext({
        path: '/markets',
        service: 'gamma',
        status: 500,
        count: 2,
        body: { error: 'boom' },
      });
      sim.scenario.failNext({ path: '/data/*', method: 'GET', status: 425 });
      expect((await http(`${sim.urls.clob}/markets`)).status).to.equal(200);
      expect((await http(`${sim.urls.gamma}/markets`)).body).to.deep.equal({ error: 'boom' });
      expect((await http(`${sim.urls.gamma}/markets`)).status).to.equal(500);
      expect((await http(`${sim.urls.gamma}/markets`)).status).to.equal(200);
      expect((await alice.call('GET', '/data/orders')).status).to.equal(425);
      expect(() => sim.scenario.failNext({ path: '/x', status: 200 })).to.throw(RangeError);
    });

    it('delayNext delays a response, and a long delay hangs until the client times out', async () => {
      sim.scenario.delayNext({ path: '/time', ms: 150 });
      const started = Date.now();
      expect((await http(`${sim.urls.clob}/time`)).status).to.equal(200);
      expect(Date.now() - started).to.be.at.least(140);
      sim.scenario.delayNext({ path: '/time', ms: 60_000 });
      let error: unknown;
      try {
        await fetch(`${sim.urls.clob}/time`, { signal: AbortSignal.timeout(200) });
      } catch (err) {
        error = err;
      }
      expect((error as Error).name).to.equal('TimeoutError');
      expect((await http(`${sim.urls.clob}/time`)).status).to.equal(200);
    });

    it('dropNext destroys the socket without an answer', async () => {
      sim.scenario.dropNext({ path: '/trades', service: 'data' });
      let error: unknown;
      try {
        await fetch(`${sim.urls.data}/trades`);
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(TypeError);
      const entry = sim.scenario
        .requestLog()
        .filter((e) => e.path === '/trades')
        .slice(-1)[0];
      expect(entry).to.include({ fault: 'drop', status: 0 });
      expect((await http(`${sim.urls.data}/trades?limit=1`)).status).to.equal(200);
    });

    it('dropConnections terminates market and user sockets', async () => {
      const ws = await market([m.tokenIds[0]]);
      const user = await WsCollector.open(sim.urls.wsUser);
      sockets.push(user);
      user.send({
        auth: { apiKey: alice.creds.key, secret: alice.creds.secret, passphrase: alice.creds.passphrase },
        markets: [],
      });
      await user.sync();
      sim.scenario.dropConnections('market');
      expect(await ws.waitClosed()).to.equal(1006);
      expect(user.closeCode).to.equal(undefined);
      sim.scenario.dropConnections();
      expect(await user.waitClosed()).to.equal(1006);
    });

    it('freezeFeed keeps sockets open and answering PONG but sends no data until unfrozen', async () => {
      const ws = await market([m.tokenIds[0]]);
      sim.scenario.freezeFeed(true);
      try {
        sim.scenario.printTrade({ tokenId: m.tokenIds[0], price: 0.5, size: 10 });
        await buy(0.45, 10);
        await ws.sync();
        expect(ws.unread()).to.deep.equal([]);
      } finally {
        sim.scenario.freezeFeed(false);
      }
      sim.scenario.printTrade({ tokenId: m.tokenIds[0], price: 0.5, size: 11 });
      expect(await ws.event('last_trade_price')).to.include({ size: '11' });
    });

    it('sendRaw delivers malformed frames verbatim to every subscriber', async () => {
      const a = await market([m.tokenIds[0]]);
      const b = await market([m.tokenIds[1]]);
      sim.scenario.sendRaw('{"event_type":"book","bids":[{"price":');
      sim.scenario.sendRaw('not json at all');
      expect(await a.next()).to.equal('{"event_type":"book","bids":[{"price":');
      expect(await a.next()).to.equal('not json at all');
      expect(await b.next()).to.equal('{"event_type":"book","bids":[{"price":');
    });
  });

  describe('inspection', () => {
    it('openOrders and trades expose the matching engine state (users only)', async () => {
      const resting = await buy(0.35, 10);
      const matched = await buy(0.6, 5);
      expect(sim.scenario.openOrders().map((o) => o['id'])).to.include(resting.body['orderID']);
      expect(
        sim.scenario.openOrders().every((o) => o['owner'] !== '00000000-0000-4000-8000-000000000000'),
      ).to.equal(true);
      const trade = sim.scenario.trades().find((t) => t['taker_order_id'] === matched.body['orderID']);
      expect(trade).to.include({ size: '5', price: '0.6', side: 'BUY' });
    });

    it('requestLog records service, method, path, status and time of every request', async () => {
      sim.scenario.clearRequestLog();
      await http(`${sim.urls.gamma}/markets?limit=1`);
      await http(`${sim.urls.clob}/nope`);
      const log = sim.scenario.requestLog();
      expect(log.map((e) => [e.service, e.method, e.path, e.status, e.query])).to.deep.equal([
        ['gamma', 'GET', '/markets', 200, 'limit=1'],
        ['clob', 'GET', '/nope', 404, ''],
      ]);
      expect(log[0]?.at).to.be.closeTo(Date.now(), 5_000);
    });

    it('connections counts market sockets with their asset counts, and user sockets', async () => {
      const before = sim.scenario.connections();
      await market([m.tokenIds[0], m.tokenIds[1]]);
      const after = sim.scenario.connections();
      expect(after.market).to.equal(before.market + 1);
      expect(after.assetCounts).to.include(2);
      expect(after.user).to.equal(before.user);
    });

    it('receivedOrders lists every order body with its verdict', async () => {
      const n = sim.scenario.receivedOrders().length;
      await buy(0.35, 10);
      expect(sim.scenario.receivedOrders().slice(n)).to.have.length(1);
      expect(sim.scenario.receivedOrders()[n]).to.include({ verdict: 'accepted', status: 'live' });
    });
  });

  describe('activity', () => {
    it('tickActivity trades at the top of a book through the matching engine', async () => {
      const ws = await market([m.tokenIds[0], m.tokenIds[1]]);
      const before = sim.scenario.trades().length;
      for (let i = 0; i < 4; i++) sim.scenario.tickActivity(m.conditionId);
      expect(sim.scenario.trades().length).to.be.greaterThan(before);
      const e = await ws.event('last_trade_price');
      expect(['0.4', '0.6']).to.include(e['price']);
    });

    it('startActivity keeps producing trades until stopActivity', async () => {
      const before = sim.scenario.trades().length;
      sim.scenario.startActivity({ intervalMs: 5, conditionIds: [m.conditionId] });
      const deadline = Date.now() + 5_000;
      while (sim.scenario.trades().length < before + 3 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      sim.scenario.stopActivity();
      expect(sim.scenario.trades().length).to.be.at.least(before + 3);
      const stopped = sim.scenario.trades().length;
      await new Promise((r) => setTimeout(r, 50));
      expect(sim.scenario.trades().length).to.equal(stopped);
    });
  });
});

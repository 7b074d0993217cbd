import { expect } from 'chai';
import {
  ExecutionService,
  createSilentLogger,
  deterministicSalt,
  planOrder,
  type Exchange,
  type ExecutionRequest,
  type PreparedOrder,
} from 'polybot';
import type { TestDatabase } from 'polybot/testing';
import {
  OTHER_ADDRESS,
  OTHER_KEY,
  OUR_ADDRESS,
  createVenueWorld,
  secretsFor,
  sharedDatabase,
  type VenueWorld,
} from './support.js';

const DAY = 86_400_000;

function buy(
  tokenId: string,
  conditionId: string,
  overrides: Partial<ExecutionRequest> = {},
): ExecutionRequest {
  return {
    strategy: 'high_prob_yes',
    tokenId,
    conditionId,
    side: 'BUY',
    price: '0.95',
    size: null,
    notional: '20',
    orderType: 'GTC',
    expiresInSeconds: null,
    reason: 'integration',
    triggerPrice: '0.95',
    ...overrides,
  };
}

/** An exchange that behaves like `inner` except where a test overrides it. */
function wrap(inner: Exchange, overrides: Partial<Exchange>): Exchange {
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (key in overrides) return (overrides as Record<string | symbol, unknown>)[key];
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A service built like the others but never stopped: it stands for a process that was killed. */
function killedProcess(world: VenueWorld, exchange: Exchange): ExecutionService {
  return new ExecutionService(
    world.config,
    exchange,
    world.testDb.database,
    world.repos.orders,
    world.repos.fills,
    world.repos.positions,
    world.repos.balances,
    world.verifier,
    { book: () => null },
    world.alerts,
    world.clock,
    createSilentLogger(),
    world.metrics,
    undefined,
    { syncIntervalMs: 0, retryDelayMs: 0, unknownGraceMs: 0 },
  );
}

describe('execution: live mode end to end (simulator + PostgreSQL)', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let world: VenueWorld;

  before(async () => {
    db = await sharedDatabase();
  });

  after(async () => {
    await db.dispose();
  });

  afterEach(async () => {
    await world.close();
  });

  async function setup(options: { staleBalance?: boolean; feeRate?: number } = {}) {
    world = await createVenueWorld({ db, staleBalance: options.staleBalance ?? false });
    const market = await world.market({
      feeRate: options.feeRate ?? 0,
      book: { bids: [{ price: '0.94', size: '100' }], asks: [{ price: '0.95', size: '100' }] },
    });
    const token = market.tokenIds[0]!;
    await world.syncBook(token);
    return { ...market, token };
  }

  it('places a correctly signed V2 order the simulator accepts, records fills, position and the fee, and re-reads the balance', async () => {
    const { conditionId, token } = await setup({ feeRate: 0.02 });
    const service = world.service(world.live());
    await service.start();
    // The first read of the market's fee schedule fails: that fill's fee is then estimated; the next read succeeds.
    world.sim.scenario.failNext({ path: '/clob-markets/*', method: 'GET', status: 500 });
    const result = await service.submit(buy(token, conditionId));
    expect(result).to.deep.include({ accepted: true, state: 'filled' });

    const received = world.sim.scenario.receivedOrders();
    expect(received).to.have.length(1);
    expect(received[0]).to.deep.include({ verdict: 'accepted', orderID: result.order?.venueOrderId });
    const fills = await world.repos.fills.listByOrder(result.clientOrderId!);
    expect(fills.map((f) => [f.side, f.price, f.size])).to.deep.equal([['BUY', '0.95', '21.05']]);
    // 21.05 × 0.02 × (0.95 × 0.05)² → the venue's own fee, floored to 5 decimals
    expect(fills[0]?.fee).to.equal('0.00094');
    expect(await world.repos.positions.getOpenByCondition(conditionId)).to.deep.include({
      tokenId: token,
      size: '21.05',
    });
    const truth = world.sim.scenario.balanceOf(OUR_ADDRESS);
    expect(Number(service.status.balance)).to.equal(truth);
    expect(truth).to.equal(10_000 - 19.9975 - 0.00094);
    expect(service.status.reserved).to.equal('0');
  });

  it('G4: with the venue caching balances, the balance is refreshed after every fill (without it, it stays stale)', async () => {
    world = await createVenueWorld({ db, staleBalance: true });
    const book = { bids: [{ price: '0.94', size: '100' }], asks: [{ price: '0.95', size: '100' }] };
    const first = await world.market({ book });
    const second = await world.market({ book, question: 'A second market?' });
    await world.syncBook(first.tokenIds[0]!);
    await world.syncBook(second.tokenIds[0]!);

    // Without the fix: an exchange whose balance read skips /balance-allowance/update.
    const live = world.live();
    const unfixed = world.service(wrap(live, { getBalance: () => live.getBalance({ refresh: false }) }));
    await unfixed.start();
    await unfixed.submit(buy(first.tokenIds[0]!, first.conditionId));
    expect(world.sim.scenario.balanceOf(OUR_ADDRESS)).to.equal(9980.0025);
    expect(unfixed.status.balance, 'the venue cache hides the fill').to.equal('10000');
    await unfixed.stop();

    // With it: the balance is re-read with the refresh at startup and after each fill.
    const service = world.service(world.live());
    await service.start();
    expect(service.status.balance).to.equal('9980.0025');
    await service.submit(buy(second.tokenIds[0]!, second.conditionId));
    expect(world.sim.scenario.balanceOf(OUR_ADDRESS)).to.equal(9960.005);
    expect(service.status.balance).to.equal('9960.005');
    expect((await world.repos.balances.latest())?.balance).to.equal('9960.005');
  });

  it('G5: an order whose trigger is far from the simulator’s book is refused and never sent', async () => {
    world = await createVenueWorld({ db });
    const { conditionId, tokenIds } = await world.market({
      book: { bids: [{ price: '0.04', size: '100' }], asks: [{ price: '0.05', size: '100' }] },
    });
    const service = world.service(world.live());
    await service.start();
    // No synced book: ingestion's verifyPrice reads the simulator's REST book.
    const result = await service.submit(buy(tokenIds[0]!, conditionId));
    expect(result).to.deep.include({ accepted: false, code: 'price_divergence' });
    expect(world.sim.scenario.receivedOrders()).to.have.length(0);
    expect(await world.repos.orders.listByCondition(conditionId)).to.have.length(0);
  });

  it('killed between intent and acknowledgement: the restart finds the order at the venue — no duplicate, nothing lost', async () => {
    const { conditionId, token } = await setup();
    const live = world.live();
    const crashing = wrap(live, {
      placeOrder: async (order: PreparedOrder) => {
        await live.placeOrder(order);
        return new Promise<never>(() => undefined); // the process dies before reading the answer
      },
    });
    const first = killedProcess(world, crashing);
    await first.start();
    void first.submit(buy(token, conditionId, { clientOrderId: 'kill-1' }));
    await waitFor(() => world.sim.scenario.receivedOrders().length === 1, 'the order to reach the venue');
    const intent = await world.repos.orders.findByClientOrderId('kill-1');
    expect(intent?.state).to.equal('pending');
    // Persisted before sending: the signed order and its hash, which is the id the venue knows it by.
    expect(intent?.orderHash).to.equal(world.sim.scenario.receivedOrders()[0]?.orderID);
    expect((intent?.signedPayload as { signature?: string } | null)?.signature).to.match(/^0x[0-9a-f]{130}$/);

    const restarted = world.service(world.live());
    const report = await restarted.start();
    expect(report).to.deep.include({ checked: 1, changed: 1, newFills: 1 });
    const order = await world.repos.orders.findByClientOrderId('kill-1');
    expect(order).to.deep.include({ state: 'filled', filledSize: '21.05' });
    expect(world.sim.scenario.receivedOrders()).to.have.length(1);
    expect(await world.repos.fills.listByOrder('kill-1')).to.have.length(1);
    expect(await world.repos.positions.getOpenByCondition(conditionId)).to.deep.include({ size: '21.05' });
    expect(restarted.status).to.deep.include({ reserved: '0', balance: '9980.0025', openOrders: 0 });
  });

  it('killed after the intent was stored but before sending: the restart records it as never received, and frees its money', async () => {
    const { conditionId, token } = await setup();
    const stalled = wrap(world.live(), { placeOrder: () => new Promise<never>(() => undefined) });
    const first = killedProcess(world, stalled);
    await first.start();
    void first.submit(buy(token, conditionId, { clientOrderId: 'kill-2' }));
    await waitFor(
      async () => (await world.repos.orders.findByClientOrderId('kill-2'))?.state === 'pending',
      'the intent',
    );

    const restarted = world.service(world.live());
    await restarted.start();
    expect(await world.repos.orders.findByClientOrderId('kill-2')).to.deep.include({
      state: 'rejected',
      error: 'the venue never received the order',
    });
    expect(world.sim.scenario.receivedOrders()).to.have.length(0);
    expect(await world.repos.balances.totalReserved()).to.equal('0');
    expect(restarted.status.reserved).to.equal('0');
  });

  it('a timed-out placement is retried with the same signed order: the venue keeps exactly one', async () => {
    const { conditionId, token } = await setup();
    const service = world.service(world.live({ requestTimeoutMs: 300 }));
    await service.start();
    world.sim.scenario.delayNext({ path: '/order', method: 'POST', ms: 900 });
    const result = await service.submit(buy(token, conditionId, { price: '0.9', triggerPrice: '0.94' }));
    expect(result).to.deep.include({ accepted: true, state: 'live' });
    expect(world.alerts.titles()).to.include('Order submission failed; retrying once');
    // Two sends of the same signed order; the first was given up on (and dropped by the venue).
    // Had it arrived late, the venue would refuse it as a duplicate of the same hash (see live-exchange.spec).
    const posts = world.sim.scenario.requestLog().filter((e) => e.method === 'POST' && e.path === '/order');
    expect(posts).to.have.length(2);
    const received = world.sim.scenario.receivedOrders();
    expect(received.map((r) => [r.verdict, r.orderID])).to.deep.equal([
      ['accepted', result.order?.venueOrderId],
    ]);
    expect(world.sim.scenario.openOrders()).to.have.length(1);
  });

  it('partial fill then cancel: the reservation is released and the position holds what filled', async () => {
    world = await createVenueWorld({ db });
    const { conditionId, tokenIds } = await world.market({
      book: { bids: [{ price: '0.94', size: '100' }], asks: [{ price: '0.95', size: '10' }] },
    });
    const token = tokenIds[0]!;
    await world.syncBook(token);
    const service = world.service(world.live());
    await service.start();
    const result = await service.submit(buy(token, conditionId));
    expect(result).to.deep.include({ accepted: true, state: 'partially_filled' });
    expect(service.status.reserved).to.equal('10.4975');
    const cancelled = await service.cancel(result.clientOrderId!);
    expect(cancelled).to.deep.include({ accepted: true, state: 'cancelled' });
    expect(cancelled.order).to.deep.include({ filledSize: '10', averageFillPrice: '0.95' });
    expect(world.sim.scenario.openOrders()).to.have.length(0);
    expect(await world.repos.positions.getOpenByCondition(conditionId)).to.deep.include({ size: '10' });
    expect(await world.repos.balances.totalReserved()).to.equal('0');
    expect(service.status).to.deep.include({ reserved: '0', balance: '9990.5', openOrders: 0 });
    expect(world.sim.scenario.balanceOf(OUR_ADDRESS)).to.equal(9990.5);
  });

  it('a resting order filled while the engine was down gets its fill and state at startup', async () => {
    const { conditionId, token } = await setup();
    const first = world.service(world.live());
    await first.start();
    const resting = await first.submit(buy(token, conditionId, { price: '0.9', triggerPrice: '0.94' }));
    expect(resting.state).to.equal('live');
    await first.stop();

    // A counterparty sells into our bid while we are down.
    world.sim.scenario.setPosition(OTHER_ADDRESS, token, 100);
    const other = world.live({}, secretsFor(world.sim, OTHER_KEY, OTHER_ADDRESS));
    await other.connect();
    const plan = planOrder(
      { side: 'SELL', orderType: 'FAK', price: '0.9', size: '22.22' },
      { tickSize: '0.01', minOrderSize: '5', negRisk: false },
    );
    const sell = await other.prepare({
      clientOrderId: 'counterparty',
      tokenId: token,
      conditionId,
      side: 'SELL',
      orderType: 'FAK',
      price: '0.9',
      size: '22.22',
      makerAmount: plan.makerAmount.toString(),
      takerAmount: plan.takerAmount.toString(),
      expiration: '0',
      salt: deterministicSalt('counterparty'),
      timestamp: String(Date.now()),
      tickSize: '0.01',
      negRisk: false,
    });
    // The house bid at 0.94 is better than ours: take it away so the counterparty meets our 0.90.
    world.sim.scenario.setBook(token, { bids: [], asks: [{ price: '0.95', size: '100' }] });
    expect((await other.placeOrder(sell)).status).to.equal('matched');

    const restarted = world.service(world.live());
    const report = await restarted.start();
    expect(report).to.deep.include({ newFills: 1 });
    const order = await world.repos.orders.findByClientOrderId(resting.clientOrderId!);
    expect(order).to.deep.include({ state: 'filled', filledSize: '22.22', averageFillPrice: '0.9' });
    expect(await world.repos.positions.getOpenByCondition(conditionId)).to.deep.include({
      size: '22.22',
      averagePrice: '0.9',
    });
    expect(restarted.status).to.deep.include({
      reserved: '0',
      balance: String(world.sim.scenario.balanceOf(OUR_ADDRESS)),
    });
  });

  it('startup reports open orders at the venue that polybot did not place, and leaves them alone', async () => {
    const { conditionId, token } = await setup();
    const manual = world.live();
    await manual.connect();
    const plan = planOrder(
      { side: 'BUY', orderType: 'GTC', price: '0.5', size: '10' },
      { tickSize: '0.01', minOrderSize: '5', negRisk: false },
    );
    const order = await manual.prepare({
      clientOrderId: 'placed-by-hand',
      tokenId: token,
      conditionId,
      side: 'BUY',
      orderType: 'GTC',
      price: '0.5',
      size: '10',
      makerAmount: plan.makerAmount.toString(),
      takerAmount: plan.takerAmount.toString(),
      expiration: '0',
      salt: deterministicSalt('placed-by-hand'),
      timestamp: String(Date.now()),
      tickSize: '0.01',
      negRisk: false,
    });
    await manual.placeOrder(order);
    const service = world.service(world.live());
    expect(await service.start()).to.deep.include({ foreignOrders: 1, failed: 0 });
    expect(world.sim.scenario.openOrders()).to.have.length(1);
  });

  it('exits after MIN_HOLD_DAYS sell at the best bid; a position sold elsewhere is synced first (G12)', async () => {
    const { conditionId, token } = await setup();
    const service = world.service(world.live(), { exitCooldownMs: 0 });
    await service.start();
    await service.submit(buy(token, conditionId));
    world.clock.advance(8 * DAY);

    // Sold elsewhere: the venue holds nothing, so no SELL may be sent.
    world.sim.scenario.setPosition(OUR_ADDRESS, token, 0);
    world.sim.scenario.setBook(token, { bids: [{ price: '0.99', size: '100' }], asks: [] });
    await world.syncBook(token);
    service.onBookUpdate(token);
    await service.syncOpenOrders();
    expect(await world.repos.positions.getOpenByCondition(conditionId)).to.equal(null);
    expect(
      world.sim.scenario.receivedOrders().map((r) => (r.payload as { order: { side: string } }).order.side),
    ).to.deep.equal(['BUY']);
  });

  it('a profit-target exit after MIN_HOLD_DAYS is a FAK SELL at the best bid, filled at the simulator', async () => {
    const { conditionId, token } = await setup();
    const service = world.service(world.live(), { exitCooldownMs: 0 });
    await service.start();
    await service.submit(buy(token, conditionId));
    world.clock.advance(8 * DAY);
    world.sim.scenario.setBook(token, { bids: [{ price: '0.99', size: '100' }], asks: [] });
    await world.syncBook(token);
    service.onBookUpdate(token);
    await service.syncOpenOrders();
    expect(await world.repos.positions.getOpenByCondition(conditionId)).to.equal(null);
    const sells = (await world.repos.orders.listByCondition(conditionId)).filter((o) => o.side === 'SELL');
    expect(sells.map((o) => [o.orderType, o.state, o.price, o.filledSize])).to.deep.equal([
      ['FAK', 'filled', '0.99', '21.05'],
    ]);
    expect(world.sim.scenario.positionOf(OUR_ADDRESS, token)).to.equal(0);
  });
});

/**
 * Execution-side gotchas against the simulator and real PostgreSQL: a tick-size change (B2), the
 * `delayed` placement status (B10), and the balance re-read after a balance refusal (G4). Each test
 * fails when the fix it guards is removed.
 */
import { expect } from 'chai';
import type { ExecutionRequest } from 'polybot';
import type { TestDatabase } from 'polybot/testing';
import { OUR_ADDRESS, createVenueWorld, sharedDatabase, type VenueWorld } from './support.js';

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

/** The limit price of each order the simulator received, from its signed amounts (exact, in 1e6 units). */
function receivedPrices(world: VenueWorld): string[] {
  return world.sim.scenario.receivedOrders().map((r) => {
    const order = (r.payload as { order: { side: string; makerAmount: string; takerAmount: string } }).order;
    const [collateral, shares] =
      order.side === 'BUY' ? [order.makerAmount, order.takerAmount] : [order.takerAmount, order.makerAmount];
    const micros = (BigInt(collateral) * 1_000_000n) / BigInt(shares);
    return String(Number(micros) / 1e6);
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

describe('execution: venue gotchas end to end (simulator + PostgreSQL)', function () {
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

  describe('B2: a tick-size change', () => {
    const book = { bids: [{ price: '0.94', size: '100' }], asks: [{ price: '0.99', size: '100' }] };

    it('B2: after a tick_size_change to 0.001 the next order keeps 0.955 instead of rounding it to 0.95', async () => {
      world = await createVenueWorld({ db });
      const { conditionId, tokenIds } = await world.market({ tickSize: '0.01', book });
      const other = await world.market({ tickSize: '0.01', book, question: 'Another market?' });
      const token = tokenIds[0]!;
      await world.syncBook(token);
      await world.syncBook(other.tokenIds[0]!);
      const service = world.service(world.live());
      await service.start();
      // A first order caches the market's rules (tick 0.01).
      const before = await service.submit(buy(token, conditionId, { price: '0.955', triggerPrice: '0.95' }));
      expect(before.order?.price).to.equal('0.95');
      // Out of the way, so the next entry in this market is allowed (one entry per condition, G2).
      expect((await service.cancel(before.clientOrderId!)).state).to.equal('cancelled');

      // The venue moves both tokens to a finer grid, but only this one's change reaches execution.
      // Our catalogue (the markets table) still says 0.01: it follows the feed asynchronously, and
      // not at all for a token it does not hold in memory.
      world.sim.scenario.setTickSize(token, '0.001');
      world.sim.scenario.setTickSize(other.tokenIds[0]!, '0.001');
      service.onTickSizeChange(token);
      expect((await world.repos.markets.getToken(token))?.market.tickSize).to.equal('0.01');

      const after = await service.submit(buy(token, conditionId, { price: '0.955', triggerPrice: '0.95' }));
      expect(after, after.reason).to.deep.include({ accepted: true, state: 'live' });
      expect(after.order?.price).to.equal('0.955');
      // The other token heard of no change: still planned on the 0.01 grid the catalogue gives.
      const untouched = await service.submit(
        buy(other.tokenIds[0]!, other.conditionId, { price: '0.955', triggerPrice: '0.95' }),
      );
      expect(untouched.order?.price).to.equal('0.95');
      expect(receivedPrices(world)).to.deep.equal(['0.95', '0.955', '0.95']);
      expect(world.sim.scenario.receivedOrders().map((r) => r.verdict)).to.deep.equal([
        'accepted',
        'accepted',
        'accepted',
      ]);
    });

    it('B2: a tick_size_change announcing 0.005 puts the next order on the 0.005 grid at once (0.957 → 0.955)', async () => {
      world = await createVenueWorld({ db });
      const { conditionId, tokenIds } = await world.market({ tickSize: '0.01', book });
      const token = tokenIds[0]!;
      await world.syncBook(token);
      const service = world.service(world.live());
      await service.start();
      const before = await service.submit(buy(token, conditionId, { price: '0.957', triggerPrice: '0.95' }));
      expect(before.order?.price).to.equal('0.95');
      // Out of the way, so the next entry in this market is allowed (one entry per condition, G2).
      expect((await service.cancel(before.clientOrderId!)).state).to.equal('cancelled');

      world.sim.scenario.setTickSize(token, '0.005');
      service.onTickSizeChange(token, '0.005');
      // The feed's announcement is used as it is: no venue round trip on the way to the order.
      const bookReads = () =>
        world.sim.scenario.requestLog().filter((e) => e.path.startsWith('/book')).length;
      const readsBefore = bookReads();
      const after = await service.submit(buy(token, conditionId, { price: '0.957', triggerPrice: '0.95' }));
      expect(after, after.reason).to.deep.include({ accepted: true, state: 'live' });
      expect(after.order?.price).to.equal('0.955');
      expect(receivedPrices(world)).to.deep.equal(['0.95', '0.955']);
      expect(bookReads()).to.equal(readsBefore);
    });
  });

  describe('B10: a delayed market', () => {
    it('B10: a delayed order stays open with its reservation, then the periodic sync records its fills, position and balance', async () => {
      world = await createVenueWorld({ db });
      const { conditionId, tokenIds } = await world.market({
        secondsDelay: 0.4,
        book: { bids: [{ price: '0.94', size: '100' }], asks: [{ price: '0.95', size: '100' }] },
      });
      const token = tokenIds[0]!;
      await world.syncBook(token);
      const service = world.service(world.live(), { syncIntervalMs: 50 });
      await service.start();

      const result = await service.submit(buy(token, conditionId));
      expect(result, result.reason).to.deep.include({ accepted: true, state: 'delayed' });
      const id = result.clientOrderId!;
      // A normal answer: sent once, nothing retried or alerted.
      expect(world.sim.scenario.receivedOrders().map((r) => r.status)).to.deep.equal(['delayed']);
      expect(
        world.sim.scenario.requestLog().filter((e) => e.method === 'POST' && e.path === '/order'),
      ).to.have.length(1);
      expect(world.alerts.titles()).to.deep.equal([]);
      // Open, holding its money: 21.05 shares × 0.95, in memory and in the database.
      expect(service.status).to.deep.include({ openOrders: 1, reserved: '19.9975' });
      expect(await world.repos.balances.totalReserved()).to.equal('19.9975');
      expect(await world.repos.orders.findByClientOrderId(id)).to.deep.include({
        state: 'delayed',
        filledSize: '0',
      });
      // An open delayed entry blocks a second entry in the condition (G2).
      const again = await service.submit(buy(token, conditionId));
      expect(again.code).to.equal('duplicate_position');

      // The venue matches it when the delay ends; the periodic sync asks for it and records the fill.
      await waitFor(
        async () => (await world.repos.orders.findByClientOrderId(id))?.state === 'filled',
        'the delayed order to be recorded as filled',
      );
      expect(await world.repos.orders.findByClientOrderId(id)).to.deep.include({
        filledSize: '21.05',
        averageFillPrice: '0.95',
      });
      expect((await world.repos.fills.listByOrder(id)).map((f) => [f.side, f.price, f.size])).to.deep.equal([
        ['BUY', '0.95', '21.05'],
      ]);
      expect(await world.repos.positions.getOpenByCondition(conditionId)).to.deep.include({ size: '21.05' });
      expect(await world.repos.balances.totalReserved()).to.equal('0');
      await waitFor(() => service.status.balance === '9980.0025', 'the balance re-read after the fill');
      expect(service.status).to.deep.include({ openOrders: 0, reserved: '0' });
      expect(world.sim.scenario.balanceOf(OUR_ADDRESS)).to.equal(9980.0025);
    });
  });

  describe('G4: a balance refusal', () => {
    it('G4: a "not enough balance" refusal re-reads the balance through the venue cache, so the engine holds the true one', async () => {
      world = await createVenueWorld({ db, staleBalance: true });
      const { conditionId, tokenIds } = await world.market({
        book: { bids: [{ price: '0.94', size: '100' }], asks: [{ price: '0.95', size: '100' }] },
      });
      const token = tokenIds[0]!;
      await world.syncBook(token);
      const service = world.service(world.live());
      await service.start();
      expect(service.status.balance).to.equal('10000');

      // The money leaves elsewhere; the venue's balance cache keeps answering the old figure.
      world.sim.scenario.setBalance(OUR_ADDRESS, 15);
      const observer = world.live();
      await observer.connect();
      expect(await observer.getBalance({ refresh: false })).to.equal('10000');

      // Sized from the $10,000 it believes in, the $20 order is refused by the venue.
      const result = await service.submit(buy(token, conditionId));
      expect(result).to.deep.include({
        accepted: false,
        code: 'venue_rejected',
        venueCode: 'INVALID_ORDER_NOT_ENOUGH_BALANCE',
      });
      expect(service.status.balance).to.equal(String(world.sim.scenario.balanceOf(OUR_ADDRESS)));
      expect(service.status.balance).to.equal('15');
      expect((await world.repos.balances.latest())?.balance).to.equal('15');
      expect(service.status.reserved).to.equal('0');
    });
  });
});

import { expect } from 'chai';
import { VenueUnavailableError } from './errors.js';
import type { Exchange, PreparedOrder } from './exchange.js';
import type { ExecutionService, OrderRequest } from './execution-service.js';
import { paperOrderId, type PaperExchange } from './paper-exchange.js';
import { createTestDatabase, type TestDatabase } from '../storage/testing/index.js';
import { createExecutionHarness, type ExecutionHarness } from './testing/harness.js';

const COND_A = '0xaaa1';
const COND_B = '0xbbb2';
const YES_A = '1001';
const NO_A = '1002';
const YES_B = '2001';
const DAY = 86_400_000;

function buy(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return {
    strategy: 'high_prob_yes',
    tokenId: YES_A,
    conditionId: COND_A,
    side: 'BUY',
    price: '0.95',
    size: null,
    notional: '20',
    orderType: 'GTC',
    expiresInSeconds: null,
    reason: 'test',
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

describe('execution service (paper venue, real PostgreSQL)', function () {
  this.timeout(30_000);
  let h: ExecutionHarness;
  let db: TestDatabase;
  const services: ExecutionService[] = [];
  const harness = (overrides: unknown = {}) => createExecutionHarness(overrides, db);

  before(async () => {
    db = await createTestDatabase({ backend: 'postgres' });
  });

  after(async () => {
    await db.dispose();
  });

  async function started(
    options: Parameters<ExecutionHarness['service']>[0] = {},
  ): Promise<ExecutionService> {
    const service = h.service(options);
    services.push(service);
    await service.start();
    return service;
  }

  beforeEach(async () => {
    h = await harness();
    await h.addMarket({ conditionId: COND_A, tokenIds: [YES_A, NO_A] });
    await h.addMarket({ conditionId: COND_B, tokenIds: [YES_B, '2002'] });
  });

  afterEach(async () => {
    for (const service of services.splice(0)) await service.stop();
  });

  describe('placing orders', () => {
    it('fills a $20 BUY against the live book: fills, position, reservation released, balance re-read (G4)', async () => {
      h.setBook(YES_A, { bids: [['0.94', '100']], asks: [['0.95', '100']] });
      const service = await started();
      expect(service.status).to.deep.include({ state: 'running', exchange: 'paper', balance: '1000' });

      const result = await service.submit(buy());
      expect(result).to.deep.include({ accepted: true, state: 'filled' });
      const order = await h.repos.orders.findByClientOrderId(result.clientOrderId as string);
      expect(order).to.deep.include({
        state: 'filled',
        filledSize: '21.05',
        averageFillPrice: '0.95',
        dryRun: true,
      });
      expect(order?.venueOrderId).to.equal(paperOrderId(result.clientOrderId as string));
      expect(order?.salt).to.match(/^\d+$/);
      const fills = await h.repos.fills.listByOrder(result.clientOrderId as string);
      expect(fills.map((f) => [f.side, f.price, f.size])).to.deep.equal([['BUY', '0.95', '21.05']]);
      const position = await h.repos.positions.getOpenByCondition(COND_A);
      expect(position).to.deep.include({ tokenId: YES_A, size: '21.05', averagePrice: '0.95' });
      expect(await h.repos.balances.totalReserved()).to.equal('0');
      expect((await h.repos.balances.latest())?.balance).to.equal('980.0025');
      expect(service.status).to.deep.include({
        balance: '980.0025',
        reserved: '0',
        openOrders: 0,
        openPositions: 1,
      });
      expect(await h.metrics.value('polybot_orders_total', { state: 'filled' })).to.equal(1);
      expect(await h.metrics.value('polybot_fills_total')).to.equal(1);
    });

    it('G5: refuses an order when the book is more than 10 cents from the trigger, before anything is stored', async () => {
      h.setBook(YES_A, { bids: [['0.04', '100']], asks: [['0.05', '100']] });
      const service = await started();
      const result = await service.submit(buy({ price: '0.95', triggerPrice: '0.95' }));
      expect(result).to.deep.include({ accepted: false, code: 'price_divergence' });
      expect(result.reason).to.match(/orderbook mismatch/);
      expect(await h.repos.orders.listByCondition(COND_A)).to.have.length(0);
      expect(
        await h.metrics.value('polybot_order_rejections_total', { reason: 'price_divergence' }),
      ).to.equal(1);
    });

    it('G5: refuses when no book can be read (never trades on an unverified price)', async () => {
      const service = await started();
      const result = await service.submit(buy());
      expect(result).to.deep.include({ accepted: false, code: 'price_divergence' });
    });

    it('one position per condition, across the tokens of the condition (G2)', async () => {
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      h.setBook(NO_A, { asks: [['0.05', '1000']] });
      const service = await started();
      expect((await service.submit(buy())).accepted).to.equal(true);
      const again = await service.submit(
        buy({ tokenId: NO_A, price: '0.05', triggerPrice: '0.05', notional: '5' }),
      );
      expect(again).to.deep.include({ accepted: false, code: 'duplicate_position' });
    });

    it('an open entry order also blocks a second entry in the condition', async () => {
      h.setBook(YES_A, { asks: [['0.97', '100']] });
      const service = await started();
      const resting = await service.submit(buy({ price: '0.9', triggerPrice: '0.95' }));
      expect(resting).to.deep.include({ accepted: true, state: 'live' });
      expect((await service.submit(buy())).code).to.equal('duplicate_position');
    });

    it('MAX_POSITIONS, POSITION_SIZE and MIN_BALANCE_RESERVE', async () => {
      h = await harness({ risk: { maxPositions: 1, minBalanceReserve: 975 } });
      await h.addMarket({ conditionId: COND_A, tokenIds: [YES_A, NO_A] });
      await h.addMarket({ conditionId: COND_B, tokenIds: [YES_B, '2002'] });
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      h.setBook(YES_B, { asks: [['0.95', '100']] });
      const service = await started();
      expect((await service.submit(buy({ notional: '50' }))).code).to.equal('position_size');
      expect((await service.submit(buy({ notional: '20' }))).accepted).to.equal(true);
      const second = await service.submit(buy({ tokenId: YES_B, conditionId: COND_B }));
      expect(second).to.deep.include({ accepted: false, code: 'max_positions' });
      h = await harness({ risk: { minBalanceReserve: 990 } });
      await h.addMarket({ conditionId: COND_A, tokenIds: [YES_A, NO_A] });
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      const tight = await started();
      const refused = await tight.submit(buy());
      expect(refused).to.deep.include({ accepted: false, code: 'balance_reserve' });
      expect(refused.reason).to.match(/under the reserve of 990/);
    });

    it('stops trading when the balance is under $10, with one alert', async () => {
      h = await harness({ paper: { startingBalance: 5 } });
      await h.addMarket({ conditionId: COND_A, tokenIds: [YES_A, NO_A] });
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      const service = await started();
      expect(service.status.tradingHalted).to.equal(true);
      expect(h.alerts.alerts.filter((a) => a.severity === 'critical').map((a) => a.title)).to.deep.equal([
        'Trading stopped: balance too low',
      ]);
      const result = await service.submit(buy({ notional: '5' }));
      expect(result).to.deep.include({ accepted: false, code: 'trading_halted' });
      expect(await h.metrics.value('polybot_trading_halted')).to.equal(1);
    });

    it('uses the market rules the caller passes instead of asking the catalogue', async () => {
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      const service = await started();
      // The catalogue says 5 shares minimum; the caller's (fresher) rules say 50.
      const tiny = await service.submit(
        buy({ market: { tickSize: 0.01, minOrderSize: 50, negRisk: false } }),
      );
      expect(tiny).to.deep.include({ accepted: false, code: 'below_min_size' });
      expect(tiny.reason).to.match(/minimum of 50 shares/);
      const ok = await service.submit(
        buy({ market: { tickSize: '0.01', minOrderSize: '5', negRisk: false } }),
      );
      expect(ok).to.deep.include({ accepted: true, state: 'filled' });
    });

    it('rounds the price onto the tick grid and refuses sizes under the minimum', async () => {
      await h.addMarket({
        conditionId: '0xccc3',
        tokenIds: ['3001', '3002'],
        tickSize: '0.005',
        minOrderSize: '5',
      });
      h.setBook('3001', { asks: [['0.955', '100']] });
      const service = await started();
      const result = await service.submit(
        buy({ tokenId: '3001', conditionId: '0xccc3', price: '0.957', triggerPrice: '0.957' }),
      );
      expect(result).to.deep.include({ accepted: true, state: 'filled' });
      expect(result.order).to.deep.include({ price: '0.955', size: '20.94' });
      const small = await service.submit(buy({ notional: '1' }));
      expect(small).to.deep.include({ accepted: false, code: 'below_min_size' });
    });

    it('B2: after a tick_size_change the next order is planned on the announced grid, though the catalogue still says 0.01', async () => {
      h.setBook(YES_A, { asks: [['0.99', '100']] });
      const paper = h.paper();
      const venueReads: string[] = [];
      const exchange = wrap(paper, {
        getMarketRules: (tokenId: string) => {
          venueReads.push(tokenId);
          return paper.getMarketRules(tokenId);
        },
      });
      const service = await started({ exchange });
      const before = await service.submit(buy({ price: '0.955', triggerPrice: '0.95' }));
      expect(before.order?.price).to.equal('0.95');
      await service.cancel(before.clientOrderId as string);

      service.onTickSizeChange(YES_A, '0.001');
      expect((await h.repos.markets.getToken(YES_A))?.market.tickSize).to.equal('0.01');
      const after = await service.submit(buy({ price: '0.955', triggerPrice: '0.95' }));
      // The paper venue heard of the change too: it accepts 0.955 on the new grid.
      expect(after).to.deep.include({ accepted: true, state: 'live' });
      expect(after.order?.price).to.equal('0.955');
      await service.cancel(after.clientOrderId as string);

      // Rules a caller holds from before the change are not trusted either.
      const stale = await service.submit(
        buy({
          price: '0.955',
          triggerPrice: '0.95',
          market: { tickSize: '0.01', minOrderSize: '5', negRisk: false },
        }),
      );
      expect(stale.order?.price).to.equal('0.955');
      expect(venueReads, 'an announced tick needs no venue round trip').to.deep.equal([]);
      // An announcement without a usable tick is not trusted: the venue is asked for the rules.
      service.onTickSizeChange(YES_B, 'not a tick');
      h.setBook(YES_B, { asks: [['0.99', '100']] });
      const other = await service.submit(
        buy({ tokenId: YES_B, conditionId: COND_B, price: '0.955', triggerPrice: '0.95' }),
      );
      expect(other.order?.price).to.equal('0.95');
      expect(venueReads).to.deep.equal([YES_B]);
    });

    it('B2: a tick-size refusal sends the next order’s rules to the venue, not to the stale catalogue', async () => {
      // The catalogue says 0.001; the venue has moved to 0.005 and execution did not hear of it.
      await h.addMarket({ conditionId: '0xccc3', tokenIds: ['3001', '3002'], tickSize: '0.001' });
      h.setBook('3001', { asks: [['0.99', '100']] });
      const paper = h.paper();
      paper.onTickSizeChange('3001', '0.005');
      const service = await started({ exchange: paper });
      const order = buy({ tokenId: '3001', conditionId: '0xccc3', price: '0.957', triggerPrice: '0.95' });
      const refused = await service.submit(order);
      expect(refused).to.deep.include({ accepted: false, venueCode: 'INVALID_ORDER_MIN_TICK_SIZE' });
      expect(refused.order?.price).to.equal('0.957');
      const next = await service.submit(order);
      expect(next).to.deep.include({ accepted: true, state: 'live' });
      expect(next.order?.price).to.equal('0.955');
    });

    it('a GTC remainder rests, keeps its reservation, and fills when the book later crosses it', async () => {
      h.setBook(YES_A, { bids: [['0.9', '50']], asks: [['0.97', '100']] });
      const service = await started();
      const result = await service.submit(buy({ price: '0.95', triggerPrice: '0.96' }));
      expect(result).to.deep.include({ accepted: true, state: 'live' });
      expect(service.status).to.deep.include({ reserved: '19.9975', free: '980.0025', openOrders: 1 });
      expect(await h.repos.balances.totalReserved()).to.equal('19.9975');

      h.setBook(YES_A, {
        bids: [['0.9', '50']],
        asks: [
          ['0.94', '10'],
          ['0.95', '100'],
        ],
      });
      service.onBookUpdate(YES_A);
      await service.syncOpenOrders();
      const order = await h.repos.orders.findByClientOrderId(result.clientOrderId as string);
      // A resting order is the maker: it trades at its own price.
      expect(order).to.deep.include({ state: 'filled', filledSize: '21.05', averageFillPrice: '0.95' });
      expect(service.status).to.deep.include({ reserved: '0', balance: '980.0025', openOrders: 0 });
      expect(await h.repos.balances.totalReserved()).to.equal('0');
    });

    it('partial fill then cancel: reservation released, position holds what filled', async () => {
      h.setBook(YES_A, { asks: [['0.95', '10']] });
      const service = await started();
      const result = await service.submit(buy());
      expect(result).to.deep.include({ accepted: true, state: 'partially_filled' });
      expect(service.status.reserved).to.equal('10.4975');
      const cancelled = await service.cancel(result.clientOrderId as string);
      expect(cancelled).to.deep.include({ accepted: true, state: 'cancelled' });
      expect(cancelled.order).to.deep.include({ filledSize: '10', averageFillPrice: '0.95' });
      expect(await h.repos.positions.getOpenByCondition(COND_A)).to.deep.include({ size: '10' });
      expect(await h.repos.balances.totalReserved()).to.equal('0');
      expect(await h.repos.balances.listOpenReservations()).to.have.length(0);
      expect(service.status).to.deep.include({ reserved: '0', balance: '990.5', openOrders: 0 });
      expect((await service.cancel(result.clientOrderId as string)).accepted).to.equal(false);
      expect((await service.cancel('nope')).reason).to.match(/no order nope/);
    });

    it('FOK fills completely or is killed; FAK keeps what filled and cancels the rest', async () => {
      h.setBook(YES_A, { asks: [['0.95', '10']] });
      const service = await started();
      const fok = await service.submit(buy({ orderType: 'FOK' }));
      expect(fok).to.deep.include({
        accepted: false,
        state: 'cancelled',
        code: 'venue_rejected',
        venueCode: 'FOK_ORDER_NOT_FILLED_ERROR',
      });
      expect(service.status.reserved).to.equal('0');
      const fak = await service.submit(buy({ orderType: 'FAK' }));
      expect(fak).to.deep.include({ accepted: true, state: 'cancelled' });
      expect(fak.order).to.deep.include({ filledSize: '10' });
      expect(await h.repos.positions.getOpenByCondition(COND_A)).to.deep.include({ size: '10' });
    });

    it('GTD orders carry an expiration a minute past their lifetime and expire at the venue', async () => {
      h.setBook(YES_A, { asks: [['0.97', '100']] });
      const service = await started();
      const result = await service.submit(
        buy({ orderType: 'GTD', expiresInSeconds: 30, price: '0.9', triggerPrice: '0.96' }),
      );
      expect(result.state).to.equal('live');
      expect(result.order?.expiresAt?.getTime()).to.equal(h.clock.now() + 90_000);
      h.clock.advance(91_000);
      await service.syncOpenOrders();
      expect((await h.repos.orders.findByClientOrderId(result.clientOrderId as string))?.state).to.equal(
        'expired',
      );
      expect(service.status.reserved).to.equal('0');
      const bad = await service.submit(buy({ orderType: 'GTD', expiresInSeconds: null }));
      expect(bad).to.deep.include({ accepted: false, code: 'invalid_order' });
    });

    it('a request with a known client order id returns that order instead of placing another', async () => {
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      const service = await started();
      const first = await service.submit(buy({ clientOrderId: 'approval-17' }));
      const second = await service.submit(buy({ clientOrderId: 'approval-17' }));
      expect(second).to.deep.include({ accepted: true, clientOrderId: 'approval-17', state: 'filled' });
      expect(first.order?.id).to.equal(second.order?.id);
      expect(await h.repos.fills.listByOrder('approval-17')).to.have.length(1);
    });

    it('SELLs are reduce-only', async () => {
      h.setBook(YES_A, { bids: [['0.95', '100']], asks: [['0.96', '100']] });
      const service = await started();
      const naked = await service.submit(buy({ side: 'SELL', size: '10', notional: null }));
      expect(naked).to.deep.include({ accepted: false, code: 'no_position' });
      await service.submit(buy({ price: '0.96', triggerPrice: '0.96' }));
      const tooMuch = await service.submit(buy({ side: 'SELL', size: '50', notional: null }));
      expect(tooMuch).to.deep.include({ accepted: false, code: 'no_position' });
      const sell = await service.submit(buy({ side: 'SELL', size: '10', notional: null }));
      expect(sell).to.deep.include({ accepted: true, state: 'filled' });
      expect(await h.repos.positions.getOpenByCondition(COND_A)).to.deep.include({ size: '10.83' });
    });

    it('sends one order at a time, and sends the next before recording the previous answer', async () => {
      const tokens = [YES_A, YES_B];
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      h.setBook(YES_B, { asks: [['0.95', '100']] });
      const paper = h.paper();
      const calls: string[] = [];
      let inFlight = 0;
      let maxInFlight = 0;
      const exchange = wrap(paper, {
        placeOrder: async (order: PreparedOrder) => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          calls.push(`send ${order.tokenId}`);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight -= 1;
          return paper.placeOrder(order);
        },
        getFills: async (query: Parameters<Exchange['getFills']>[0]) => {
          calls.push(`record ${query?.tokenId}`);
          return paper.getFills(query);
        },
      });
      const service = await started({ exchange });
      const results = await Promise.all([
        service.submit(buy({ tokenId: tokens[0], conditionId: COND_A })),
        service.submit(buy({ tokenId: tokens[1], conditionId: COND_B })),
      ]);
      expect(results.map((r) => r.state)).to.deep.equal(['filled', 'filled']);
      expect(maxInFlight).to.equal(1);
      expect(calls).to.deep.equal([`send ${YES_A}`, `send ${YES_B}`, `record ${YES_A}`, `record ${YES_B}`]);
    });

    it('refuses everything once stopped, and before start', async () => {
      const idle = h.service();
      expect((await idle.submit(buy())).code).to.equal('stopped');
      const service = await started();
      await service.stop();
      await service.stop();
      expect((await service.submit(buy())).code).to.equal('stopped');
      expect(service.status.state).to.equal('stopped');
    });
  });

  describe('submission failures (retry once, never a duplicate)', () => {
    it('the venue got the order but the answer was lost: found by its hash, adopted, not re-sent', async () => {
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      const paper = h.paper();
      let posts = 0;
      const exchange = wrap(paper, {
        placeOrder: async (order: PreparedOrder) => {
          posts += 1;
          await paper.placeOrder(order);
          throw new VenueUnavailableError('socket hang up');
        },
      });
      const service = await started({ exchange });
      const result = await service.submit(buy());
      expect(posts).to.equal(1);
      expect(result).to.deep.include({ accepted: true, state: 'filled' });
      expect(h.alerts.titles()).to.include('Order submission failed; retrying once');
      expect(await h.metrics.value('polybot_order_retries_total', { outcome: 'already_at_venue' })).to.equal(
        1,
      );
    });

    it('the first send failed before reaching the venue: the same signed order is sent once more', async () => {
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      const paper = h.paper();
      const sent: PreparedOrder[] = [];
      const exchange = wrap(paper, {
        placeOrder: async (order: PreparedOrder) => {
          sent.push(order);
          if (sent.length === 1) throw new Error('ECONNRESET');
          return paper.placeOrder(order);
        },
      });
      const service = await started({ exchange });
      const result = await service.submit(buy());
      expect(result).to.deep.include({ accepted: true, state: 'filled' });
      expect(sent).to.have.length(2);
      expect(sent[1]).to.equal(sent[0]);
      expect(await h.metrics.value('polybot_order_retries_total', { outcome: 'ok' })).to.equal(1);
    });

    it('the retry meets the venue’s duplicate check: the order is adopted', async () => {
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      const paper = h.paper();
      let lookups = 0;
      const exchange = wrap(paper, {
        placeOrder: async (order: PreparedOrder) => {
          const answer = await paper.placeOrder(order);
          if (lookups === 0) throw new VenueUnavailableError('timeout', undefined, 0);
          return answer;
        },
        getOrder: async (id: string) => {
          lookups += 1;
          if (lookups === 1) throw new VenueUnavailableError('still down');
          return paper.getOrder(id);
        },
      });
      const service = await started({ exchange });
      const result = await service.submit(buy());
      expect(result).to.deep.include({ accepted: true, state: 'filled' });
      expect(await h.repos.fills.listByOrder(result.clientOrderId as string)).to.have.length(1);
    });

    it('no answer twice: the order is `unknown`, alerted, and resolved later by asking the venue', async () => {
      h.setBook(YES_A, { asks: [['0.97', '100']] });
      const paper = h.paper();
      let down = true;
      const exchange = wrap(paper, {
        placeOrder: async (order: PreparedOrder) => {
          if (down) throw new VenueUnavailableError('503 cancel-only', 503, 0);
          return paper.placeOrder(order);
        },
      });
      const service = await started({ exchange, execution: { unknownGraceMs: 60_000 } });
      const result = await service.submit(buy({ price: '0.9', triggerPrice: '0.96' }));
      expect(result).to.deep.include({ accepted: false, state: 'unknown', code: 'venue_unavailable' });
      expect(h.alerts.titles()).to.include('Order outcome unknown');
      expect(service.status.reserved).to.equal('19.998');
      expect(
        (await service.submit(buy({ price: '0.9', triggerPrice: '0.96' }))).code,
        'still blocks the condition',
      ).to.equal('duplicate_position');
      down = false;
      await service.syncOpenOrders();
      expect((await h.repos.orders.findByClientOrderId(result.clientOrderId as string))?.state).to.equal(
        'unknown',
      );
      h.clock.advance(61_000);
      await service.syncOpenOrders();
      const order = await h.repos.orders.findByClientOrderId(result.clientOrderId as string);
      expect(order).to.deep.include({ state: 'rejected', error: 'the venue never received the order' });
      expect(service.status.reserved).to.equal('0');
      expect(await h.repos.balances.totalReserved()).to.equal('0');
    });
  });

  describe('restart', () => {
    it('rehydrates balance, open orders with their reservations, and positions; the paper book survives', async () => {
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      h.setBook(YES_B, { asks: [['0.97', '100']] });
      const first = await started();
      await first.submit(buy());
      const resting = await first.submit(
        buy({ tokenId: YES_B, conditionId: COND_B, price: '0.9', triggerPrice: '0.96' }),
      );
      await first.stop();

      const second = await started();
      expect(second.status).to.deep.include({
        balance: '980.0025',
        reserved: '19.998',
        openOrders: 1,
        openPositions: 1,
      });
      expect(await h.repos.balances.listOpenReservations()).to.have.length(1);
      h.setBook(YES_B, { asks: [['0.89', '100']] });
      second.onBookUpdate(YES_B);
      await second.syncOpenOrders();
      expect((await h.repos.orders.findByClientOrderId(resting.clientOrderId as string))?.state).to.equal(
        'filled',
      );
      // The resting BUY is the maker: 22.22 shares at its own 0.9.
      expect(second.status).to.deep.include({ openPositions: 2, reserved: '0', balance: '960.0045' });
    });

    it('a crash between intent and send: the restarted engine asks the venue and records the order as never received', async () => {
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      const paper = h.paper();
      const hung = wrap(paper, { placeOrder: () => new Promise<never>(() => undefined) });
      const crashed = h.service({ exchange: hung });
      await crashed.start();
      void crashed.submit(buy({ clientOrderId: 'crash-1' }));
      await waitFor(async () => (await h.repos.orders.findByClientOrderId('crash-1'))?.state === 'pending');
      const intent = await h.repos.orders.findByClientOrderId('crash-1');
      expect(intent?.orderHash, 'the venue id is stored before sending').to.equal(paperOrderId('crash-1'));
      expect(intent?.signedPayload).to.not.equal(null);
      expect(crashed.status.reserved, 'reserved in memory from the moment of the intent').to.equal('19.9975');

      const restarted = await started();
      const order = await h.repos.orders.findByClientOrderId('crash-1');
      expect(order).to.deep.include({ state: 'rejected', error: 'the venue never received the order' });
      expect(restarted.status).to.deep.include({ reserved: '0', openOrders: 0, balance: '1000' });
      expect(await h.repos.balances.totalReserved()).to.equal('0');
    });
  });

  describe('failures and housekeeping', () => {
    it('a failed start leaves the service failed; a second start is refused', async () => {
      const paper = h.paper();
      const broken = wrap(paper, {
        connect: async () => {
          throw new Error('venue down');
        },
      });
      const service = h.service({ exchange: broken });
      let error: unknown;
      try {
        await service.start();
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.match(/venue down/);
      expect(service.status.state).to.equal('failed');
      error = undefined;
      try {
        await service.start();
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.match(/cannot start from state failed/);
    });

    it('malformed requests are refused; unexpected failures are rethrown and counted, never swallowed', async () => {
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      const paper = h.paper();
      let failPrepare = true;
      const exchange = wrap(paper, {
        prepare: async (draft: Parameters<Exchange['prepare']>[0]) => {
          if (failPrepare) throw new TypeError('signer exploded');
          return paper.prepare(draft);
        },
      });
      const service = await started({ exchange });
      const odd = await service.submit(buy({ side: 'HOLD' as 'BUY' }));
      expect(odd).to.deep.include({ accepted: false, code: 'invalid_order' });
      let error: unknown;
      try {
        await service.submit(buy());
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(TypeError);
      expect(await h.metrics.value('polybot_execution_errors_total', { operation: 'submit' })).to.equal(1);
      failPrepare = false;
      expect((await service.submit(buy())).accepted, 'the queue keeps working').to.equal(true);
      expect(service.openOrders()).to.have.length(0);
      expect(service.openPositions().map((p) => p.conditionId)).to.deep.equal([COND_A]);
      expect(await service.refreshBalance()).to.equal('980.0025');
      service.onTickSizeChange(YES_A);
    });

    it('fills that cannot be fetched right after a match are imported by the next sync', async () => {
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      const paper = h.paper();
      let failFills = true;
      const exchange = wrap(paper, {
        getFills: async (query: Parameters<Exchange['getFills']>[0]) => {
          if (failFills) throw new VenueUnavailableError('trades endpoint down');
          return paper.getFills(query);
        },
      });
      const service = await started({ exchange });
      const result = await service.submit(buy());
      expect(result).to.deep.include({ accepted: true, state: 'live' });
      expect(await h.repos.positions.getOpenByCondition(COND_A)).to.equal(null);
      expect(await h.metrics.value('polybot_execution_errors_total', { operation: 'fetch_fills' })).to.equal(
        1,
      );
      const failed = await service.syncOpenOrders();
      expect(failed).to.deep.include({ checked: 1, failed: 1 });
      failFills = false;
      const report = await service.syncOpenOrders();
      expect(report).to.deep.include({ checked: 1, changed: 1, newFills: 1, failed: 0 });
      expect((await h.repos.orders.findByClientOrderId(result.clientOrderId as string))?.state).to.equal(
        'filled',
      );
      expect(service.status.balance).to.equal('980.0025');
    });

    it('the periodic sync finds fills the venue did not push', async () => {
      h.setBook(YES_A, { asks: [['0.97', '100']] });
      const paper = h.paper();
      const exchange = wrap(paper, { onFill: () => undefined });
      const service = await started({ exchange, execution: { syncIntervalMs: 10 } });
      const result = await service.submit(buy({ price: '0.95', triggerPrice: '0.96' }));
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      service.onBookUpdate(YES_A);
      await waitFor(
        async () =>
          (await h.repos.orders.findByClientOrderId(result.clientOrderId as string))?.state === 'filled',
      );
      expect(service.status.reserved).to.equal('0');
    });

    it('a startup that cannot list the venue’s open orders reports it and carries on', async () => {
      const paper = h.paper();
      const exchange = wrap(paper, {
        getOpenOrders: async () => {
          throw new VenueUnavailableError('503');
        },
      });
      const service = h.service({ exchange });
      services.push(service);
      expect(await service.start()).to.deep.include({ failed: 1, foreignOrders: 0 });
      expect(service.status.state).to.equal('running');
    });

    it('startup resolves a stored intent that was never signed, and an open order the venue forgot', async () => {
      await h.repos.orders.createIntent({
        clientOrderId: 'unsigned',
        tokenId: YES_A,
        conditionId: COND_A,
        strategy: 's',
        side: 'BUY',
        orderType: 'GTC',
        price: '0.9',
        size: '10',
      });
      h.setBook(YES_B, { asks: [['0.97', '100']] });
      const first = await started();
      const resting = await first.submit(
        buy({ tokenId: YES_B, conditionId: COND_B, price: '0.9', triggerPrice: '0.96' }),
      );
      await first.stop();
      expect((await h.repos.orders.findByClientOrderId('unsigned'))?.state).to.equal('rejected');
      expect((await h.repos.orders.findByClientOrderId('unsigned'))?.error).to.match(/never sent/);

      // A venue that lost its book of orders (the paper venue without its restore step).
      const amnesiac = wrap(h.paper(), { restore: undefined } as unknown as Partial<Exchange>);
      const second = await started({ exchange: amnesiac });
      const order = await h.repos.orders.findByClientOrderId(resting.clientOrderId as string);
      expect(order).to.deep.include({ state: 'cancelled', error: 'the venue no longer knows the order' });
      expect(second.status.reserved).to.equal('0');
    });

    it('a venue that reports fills for an order it no longer lists: the fills are the truth', async () => {
      h.setBook(YES_A, { asks: [['0.95', '10']] });
      const paper = h.paper();
      let forget = false;
      const exchange = wrap(paper, { getOrder: async (id: string) => (forget ? null : paper.getOrder(id)) });
      const service = await started({ exchange });
      const result = await service.submit(buy());
      expect(result.state).to.equal('partially_filled');
      forget = true;
      await service.syncOpenOrders();
      const order = await h.repos.orders.findByClientOrderId(result.clientOrderId as string);
      expect(order).to.deep.include({ state: 'partially_filled', filledSize: '10' });
      expect(await h.metrics.value('polybot_orders_reconciled_total', { outcome: 'fills_only' })).to.equal(1);
    });

    it('a duplicate answer whose order cannot be looked up stays unknown for reconciliation', async () => {
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      const paper = h.paper();
      let lookups = 0;
      const exchange = wrap(paper, {
        placeOrder: async (order: PreparedOrder) => {
          await paper.placeOrder(order);
          throw new VenueUnavailableError('timeout');
        },
        getOrder: async (id: string) => {
          lookups += 1;
          if (lookups <= 2) throw new VenueUnavailableError('still down');
          return paper.getOrder(id);
        },
      });
      const service = await started({ exchange });
      const result = await service.submit(buy());
      expect(result).to.deep.include({
        accepted: false,
        state: 'unknown',
        code: 'venue_unavailable',
        venueCode: 'INVALID_ORDER_DUPLICATED',
      });
      await service.syncOpenOrders();
      expect((await h.repos.orders.findByClientOrderId(result.clientOrderId as string))?.state).to.equal(
        'filled',
      );
    });

    it('fills pushed for orders execution does not track, or that cannot be recorded, are logged and counted', async () => {
      h.setBook(YES_A, { asks: [['0.97', '100']] });
      const paper = h.paper();
      let failLookup = false;
      const exchange = wrap(paper, {
        getOrder: async (id: string) => {
          if (failLookup) throw new VenueUnavailableError('down');
          return paper.getOrder(id);
        },
      });
      const service = await started({ exchange });
      paper.restore({
        orders: [
          {
            orderId: '0xforeign',
            clientOrderId: 'foreign',
            tokenId: YES_A,
            conditionId: COND_A,
            side: 'BUY',
            orderType: 'GTC',
            price: '0.96',
            size: '10',
            filledSize: '0',
            createdAt: 0,
            expiresAt: null,
          },
        ],
        holdings: [],
      });
      const resting = await service.submit(buy({ price: '0.95', triggerPrice: '0.96' }));
      failLookup = true;
      h.setBook(YES_A, { asks: [['0.95', '100']] });
      service.onBookUpdate(YES_A);
      await service.syncOpenOrders().catch(() => undefined);
      expect(await h.metrics.value('polybot_execution_errors_total', { operation: 'record_fill' })).to.equal(
        1,
      );
      failLookup = false;
      await service.syncOpenOrders();
      expect((await h.repos.orders.findByClientOrderId(resting.clientOrderId as string))?.state).to.equal(
        'filled',
      );
      expect(await h.repos.fills.listByOrder('foreign')).to.have.length(0);
    });

    it('a fill that does not fit the position book is still recorded, and alerted', async () => {
      h.setBook(YES_A, { bids: [['0.9', '100']], asks: [['0.95', '100']] });
      const service = await started();
      await service.submit(buy());
      const sell = await service.submit(
        buy({ side: 'SELL', size: '10', notional: null, price: '0.97', triggerPrice: '0.9' }),
      );
      expect(sell.state).to.equal('live');
      // The market resolved and the position was closed outside the order flow.
      await h.repos.positions.close(COND_A, { exitPrice: '1' });
      h.setBook(YES_A, { bids: [['0.97', '100']], asks: [['0.98', '100']] });
      service.onBookUpdate(YES_A);
      await service.syncOpenOrders();
      expect(await h.repos.fills.listByOrder(sell.clientOrderId as string)).to.have.length(1);
      expect((await h.repos.orders.findByClientOrderId(sell.clientOrderId as string))?.state).to.equal(
        'filled',
      );
      expect(h.alerts.titles()).to.include('Fill does not match the position book');
      expect(
        await h.metrics.value('polybot_execution_errors_total', { operation: 'position_update' }),
      ).to.equal(1);
    });

    it('trading resumes, with an alert, when the balance comes back over the floor', async () => {
      const paper = h.paper();
      let balance = '5';
      const exchange = wrap(paper, { getBalance: async () => balance });
      const service = await started({ exchange });
      expect(service.status.tradingHalted).to.equal(true);
      balance = '500';
      await service.refreshBalance();
      expect(service.status.tradingHalted).to.equal(false);
      expect(h.alerts.titles()).to.deep.equal(['Trading stopped: balance too low', 'Trading resumed']);
    });
  });

  describe('exits', () => {
    async function holding(): Promise<ExecutionService> {
      h.setBook(YES_A, { bids: [['0.94', '100']], asks: [['0.95', '100']] });
      const service = await started();
      expect((await service.submit(buy())).state).to.equal('filled');
      return service;
    }

    it('nothing before MIN_HOLD_DAYS; then a profit-target exit sells the position at the best bid', async () => {
      const service = await holding();
      h.setBook(YES_A, { bids: [['0.99', '100']], asks: [['0.995', '100']] });
      h.clock.advance(6 * DAY);
      service.onBookUpdate(YES_A);
      await service.syncOpenOrders();
      expect(await h.repos.positions.getOpenByCondition(COND_A)).to.not.equal(null);

      h.clock.advance(1 * DAY + 1);
      h.setBook(YES_A, { bids: [['0.99', '100']], asks: [['0.995', '100']] });
      service.onBookUpdate(YES_A);
      await service.syncOpenOrders();
      expect(await h.repos.positions.getOpenByCondition(COND_A)).to.equal(null);
      const orders = await h.repos.orders.listByCondition(COND_A);
      expect(orders.map((o) => [o.side, o.orderType, o.state, o.price, o.size])).to.deep.equal([
        ['BUY', 'GTC', 'filled', '0.95', '21.05'],
        ['SELL', 'FAK', 'filled', '0.99', '21.05'],
      ]);
      expect(
        await h.metrics.value('polybot_exits_total', { reason: 'profit_target', outcome: 'submitted' }),
      ).to.equal(1);
    });

    it('G10: the hold starts at the earliest BUY fill, not when the position row was opened', async () => {
      h.setBook(YES_A, { bids: [['0.99', '100']], asks: [['0.995', '100']] });
      const now = h.clock.now();
      // A purchase made 10 days ago whose fill was imported only now: the position row is new.
      await h.repos.orders.createIntent({
        clientOrderId: 'imported',
        tokenId: YES_A,
        conditionId: COND_A,
        strategy: 'high_prob_yes',
        side: 'BUY',
        orderType: 'GTC',
        price: '0.95',
        size: '10',
      });
      await h.repos.orders.transition('imported', 'rejected', { error: 'test fixture' });
      await h.repos.fills.insert({
        tradeId: 't-old',
        clientOrderId: 'imported',
        tokenId: YES_A,
        conditionId: COND_A,
        side: 'BUY',
        price: '0.95',
        size: '10',
        filledAt: now - 10 * DAY,
      });
      await h.repos.positions.applyFill({
        tokenId: YES_A,
        conditionId: COND_A,
        strategy: 'high_prob_yes',
        side: 'BUY',
        price: '0.95',
        size: '10',
        at: now,
      });
      const paper = h.paper();
      const service = await started({ exchange: wrap(paper, { getTokenBalance: async () => '10' }) });
      paper.restore({ orders: [], holdings: [{ tokenId: YES_A, size: '10' }] });
      service.onBookUpdate(YES_A);
      await service.syncOpenOrders();
      expect(await h.repos.positions.getOpenByCondition(COND_A)).to.equal(null);
      expect(
        await h.metrics.value('polybot_exits_total', { reason: 'profit_target', outcome: 'submitted' }),
      ).to.equal(1);
    });

    it('stop loss at or under 0.90', async () => {
      const service = await holding();
      h.clock.advance(8 * DAY);
      h.setBook(YES_A, { bids: [['0.85', '100']], asks: [['0.87', '100']] });
      service.onBookUpdate(YES_A);
      await service.syncOpenOrders();
      expect(await h.repos.positions.getOpenByCondition(COND_A)).to.equal(null);
      expect(
        await h.metrics.value('polybot_exits_total', { reason: 'stop_loss', outcome: 'submitted' }),
      ).to.equal(1);
    });

    it('G12: a position sold elsewhere is synced with the venue first, so no SELL fails', async () => {
      h.setBook(YES_A, { bids: [['0.94', '100']], asks: [['0.95', '100']] });
      const paper = h.paper();
      let venueShares: string | null = null;
      const exchange = wrap(paper, {
        getTokenBalance: async (tokenId: string) => venueShares ?? paper.getTokenBalance(tokenId),
      });
      const service = await started({ exchange });
      await service.submit(buy());
      h.clock.advance(8 * DAY);
      venueShares = '0';
      h.setBook(YES_A, { bids: [['0.99', '100']] });
      service.onBookUpdate(YES_A);
      await service.syncOpenOrders();
      expect(await h.repos.positions.getOpenByCondition(COND_A)).to.equal(null);
      expect((await h.repos.orders.listByCondition(COND_A)).filter((o) => o.side === 'SELL')).to.have.length(
        0,
      );
      expect(h.alerts.titles()).to.include('Position changed outside polybot');
      expect(await h.metrics.value('polybot_position_syncs_total', { outcome: 'closed' })).to.equal(1);
    });

    it('G12: a partly sold position is reduced to the venue’s figure and only that is sold', async () => {
      h.setBook(YES_A, { bids: [['0.94', '100']], asks: [['0.95', '100']] });
      const paper = h.paper();
      let venueShares: string | null = null;
      const exchange = wrap(paper, {
        getTokenBalance: async (tokenId: string) => venueShares ?? paper.getTokenBalance(tokenId),
      });
      const service = await started({ exchange, execution: { exitCooldownMs: 0 } });
      await service.submit(buy());
      h.clock.advance(8 * DAY);
      venueShares = '12';
      h.setBook(YES_A, { bids: [['0.85', '100']] });
      service.onBookUpdate(YES_A);
      await service.syncOpenOrders();
      const sells = (await h.repos.orders.listByCondition(COND_A)).filter((o) => o.side === 'SELL');
      expect(sells.map((o) => o.size)).to.deep.equal(['12']);
      expect(await h.repos.positions.getOpenByCondition(COND_A)).to.equal(null);
    });

    it('an exit whose holdings cannot be read is counted as failed; one the G5 check refuses is counted as refused', async () => {
      h.setBook(YES_A, { bids: [['0.94', '100']], asks: [['0.95', '100']] });
      const paper = h.paper();
      let failBalance = true;
      const exchange = wrap(paper, {
        getTokenBalance: async (tokenId: string) => {
          if (failBalance) throw new VenueUnavailableError('down');
          return paper.getTokenBalance(tokenId);
        },
      });
      const service = await started({ exchange, execution: { exitCooldownMs: 0 } });
      await service.submit(buy());
      h.clock.advance(8 * DAY);
      h.setBook(YES_A, { bids: [['0.99', '100']] });
      service.onBookUpdate(YES_A);
      await service.syncOpenOrders();
      expect(await h.metrics.value('polybot_exits_total', { outcome: 'error' })).to.equal(1);
      failBalance = false;
      // The book is now older than the verifier accepts, and REST cannot reach a venue: G5 refuses.
      h.clock.advance(60_000);
      service.onBookUpdate(YES_A);
      await service.syncOpenOrders();
      expect(await h.metrics.value('polybot_exits_total', { outcome: 'refused' })).to.equal(1);
      expect(await h.repos.positions.getOpenByCondition(COND_A)).to.not.equal(null);
    });

    it('dust under the minimum order size is left alone', async () => {
      h.setBook(YES_A, { bids: [['0.94', '100']], asks: [['0.95', '100']] });
      const paper = h.paper();
      const exchange = wrap(paper, { getTokenBalance: async () => '3' });
      const service = await started({ exchange });
      await service.submit(buy());
      h.clock.advance(8 * DAY);
      h.setBook(YES_A, { bids: [['0.99', '100']] });
      service.onBookUpdate(YES_A);
      await service.syncOpenOrders();
      expect(await h.metrics.value('polybot_exits_total', { outcome: 'dust' })).to.equal(1);
      expect(Number((await h.repos.positions.getOpenByCondition(COND_A))?.size)).to.equal(3);
    });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export type { PaperExchange };

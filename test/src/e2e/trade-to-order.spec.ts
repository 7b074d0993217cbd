import { expect } from 'chai';
import { hashOrderV2, recoverSigner, type OrderV2Message, type Simulator } from '@polybot/simulator';
import { ConfigError } from 'polybot';
import { createTestDatabase, type TestDatabase } from 'polybot/testing';
import {
  DAY,
  HOUR,
  OUR_ADDRESS,
  counter,
  countRows,
  createMarket,
  decisionsFor,
  lastTradeFrame,
  liveSecrets,
  ordersFor,
  startEngine,
  startVenue,
  venueConfig,
  venueOrdersFor,
  waitFor,
  type RunningEngine,
} from './support.js';

interface WireOrder {
  salt: number;
  maker: string;
  signer: string;
  tokenId: string;
  makerAmount: string;
  takerAmount: string;
  side: 'BUY' | 'SELL';
  signatureType: number;
  timestamp: string;
  expiration: string;
  metadata: string;
  builder: string;
  signature: string;
}

/**
 * The money path end to end: the real Application (ingestion, core, plugin host with the
 * first-party strategy in its worker, execution, storage) against the simulator and PostgreSQL.
 * A trade printed at the venue must become exactly one order — or, for each hard filter, none.
 */
describe('e2e: a trade print becomes an order (Application + simulator + PostgreSQL)', function () {
  this.timeout(30_000);
  let sim: Simulator;

  before(async () => {
    sim = await startVenue();
  });

  after(async () => {
    await sim?.stop();
  });

  describe('dry run (the default)', () => {
    let testDb: TestDatabase;
    let engine: RunningEngine;
    let lakers: ReturnType<typeof createMarket>;

    before(async () => {
      testDb = await createTestDatabase({ backend: 'postgres' });
      lakers = createMarket(sim, 'Will the Lakers win the 2026 NBA Finals?');
      engine = await startEngine(sim, { config: venueConfig(sim), database: testDb.database });
    });

    after(async () => {
      await engine?.stop();
      await testDb?.dispose();
    });

    it('a qualifying fresh print → exactly one paper order filled against the book, its BUY decision stored, nothing sent to the venue', async () => {
      const { database } = testDb;
      sim.scenario.printTrade({ tokenId: lakers.yes, price: 0.96, size: 150 });
      const [order] = await waitFor(async () => {
        const rows = await ordersFor(database, lakers.yes);
        return rows.length > 0 && rows[0]!.state === 'filled' && rows;
      }, 'the paper order');
      expect(order).to.deep.include({
        strategy: 'high_prob_yes',
        side: 'BUY',
        dry_run: true,
        state: 'filled',
        price: '0.96',
        size: '20.83',
        filled_size: '20.83',
        condition_id: lakers.conditionId,
      });
      const decisions = await waitFor(async () => {
        const rows = await decisionsFor(database, lakers.yes);
        return rows.length > 0 && rows;
      }, 'the decision row');
      expect(decisions).to.have.length(1);
      expect(decisions[0]).to.deep.include({
        strategy: 'high_prob_yes',
        action: 'BUY',
        price: '0.96',
        notional: '20',
      });
      expect(decisions[0]!.reason).to.include('within [0.95, 0.99)');
      expect(await countRows(database, 'positions', lakers.yes)).to.equal(1);
      expect(venueOrdersFor(sim, lakers.yes), 'paper trading never sends to the venue').to.have.length(0);

      // The same token printing again is a duplicate trigger: still one order.
      const before = await counter(engine.metrics, 'polybot_filter_rejections_total', {
        reason: 'duplicate_trigger',
      });
      sim.scenario.printTrade({ tokenId: lakers.yes, price: 0.97, size: 150 });
      await waitFor(
        async () =>
          (await counter(engine.metrics, 'polybot_filter_rejections_total', {
            reason: 'duplicate_trigger',
          })) > before,
        'the repeat print to be rejected as a duplicate trigger',
      );
      expect(await ordersFor(database, lakers.yes)).to.have.length(1);
    });
    it('a database that holds paper orders is refused for live trading, with the reason', async () => {
      await waitFor(async () => (await ordersFor(testDb.database, lakers.yes)).length > 0, 'the paper order');
      let failure: unknown;
      try {
        const live = await startEngine(sim, {
          config: venueConfig(sim, { mode: 'live' }),
          secrets: liveSecrets(sim),
          database: testDb.database,
        });
        await live.stop();
      } catch (error) {
        failure = error;
      }
      expect(failure).to.be.instanceOf(ConfigError);
      expect((failure as Error).message).to.match(
        /holds dry-run \(paper\) orders; live trading needs a database of its own/,
      );
      expect(venueOrdersFor(sim, lakers.yes)).to.have.length(0);
    });
  });

  describe('live (CLOB V2, Hardhat key #0)', () => {
    let testDb: TestDatabase;
    let engine: RunningEngine;
    const m: Record<string, ReturnType<typeof createMarket>> = {};

    /** Waits until `metric{labels}` grows past where it stood when `act` ran. */
    async function expectCounted(
      name: string,
      labels: Record<string, string>,
      act: () => void,
      what: string,
    ): Promise<void> {
      const before = await counter(engine.metrics, name, labels);
      act();
      await waitFor(async () => (await counter(engine.metrics, name, labels)) > before, what);
    }

    /** Nothing anywhere for this token: no order row, no venue order, no decision. */
    async function expectNoOrder(tokenId: string): Promise<void> {
      expect(await ordersFor(testDb.database, tokenId), 'orders table').to.have.length(0);
      expect(venueOrdersFor(sim, tokenId), 'orders at the venue').to.have.length(0);
      expect(await countRows(testDb.database, 'positions', tokenId), 'positions').to.equal(0);
    }

    before(async () => {
      testDb = await createTestDatabase({ backend: 'postgres' });
      sim.scenario.setBalance(OUR_ADDRESS, 500);
      m.finals = createMarket(sim, 'Will the Celtics win the 2026 Eastern Conference Finals?');
      m.stale = createMarket(sim, 'Will Bill Belichick coach in the NFL in 2027?');
      m.spike = createMarket(sim, 'Will the Fed cut rates in December?', { ask: 0.06 });
      m.rain = createMarket(sim, 'Will it rain in NYC on Friday?');
      m.siege = createMarket(sim, 'Rainbow Six Siege Invitational: will Team Liquid win?', { ask: 0.97 });
      m.soon = createMarket(sim, 'Will the match tonight go to extra time?', {
        endDate: Date.now() + 3 * HOUR,
      });
      m.small = createMarket(sim, 'Will the 2026 Tour de France winner be French?');
      engine = await startEngine(sim, {
        config: venueConfig(sim, { mode: 'live' }),
        secrets: liveSecrets(sim),
        database: testDb.database,
      });
    });

    after(async () => {
      await engine?.stop();
      await testDb?.dispose();
    });

    it('a qualifying fresh print → exactly one correctly signed V2 order the venue accepts, with its fill, position, decision and a re-read balance', async () => {
      const { database } = testDb;
      const { yes, conditionId } = m.finals!;
      sim.scenario.printTrade({ tokenId: yes, price: 0.96, size: 150 });
      const [order] = await waitFor(async () => {
        const rows = await ordersFor(database, yes);
        return rows.length > 0 && rows[0]!.state === 'filled' && rows;
      }, 'the live order to fill');

      const received = venueOrdersFor(sim, yes);
      expect(received).to.have.length(1);
      expect(received[0]).to.deep.include({ verdict: 'accepted', status: 'matched' });
      const payload = received[0]!.payload as { order: WireOrder; orderType: string; owner: string };
      expect(payload.orderType).to.equal('GTC');
      const wire = payload.order;
      // $20 at 0.96: 20.83 shares (floored to the 0.01 lot), paying 20.83 × 0.96 = 19.9968 — in 1e6 units.
      expect(wire).to.deep.include({
        maker: OUR_ADDRESS,
        signer: OUR_ADDRESS,
        tokenId: yes,
        side: 'BUY',
        signatureType: 0,
        makerAmount: '19996800',
        takerAmount: '20830000',
        expiration: '0',
      });
      // Independently of the simulator's verdict: the EIP-712 V2 hash of what was sent is the id the
      // venue answered with and the hash we stored before sending, and Hardhat #0 signed it.
      const message: OrderV2Message = {
        salt: String(wire.salt),
        maker: wire.maker,
        signer: wire.signer,
        tokenId: wire.tokenId,
        makerAmount: wire.makerAmount,
        takerAmount: wire.takerAmount,
        side: 0,
        signatureType: wire.signatureType,
        timestamp: wire.timestamp,
        metadata: wire.metadata,
        builder: wire.builder,
      };
      const hash = hashOrderV2(message, false, 137);
      expect(received[0]!.orderID).to.equal(hash);
      expect(recoverSigner(hash, wire.signature)).to.equal(OUR_ADDRESS);

      expect(order).to.deep.include({
        dry_run: false,
        state: 'filled',
        price: '0.96',
        size: '20.83',
        filled_size: '20.83',
        order_hash: hash,
        venue_order_id: hash,
        condition_id: conditionId,
      });
      expect(await countRows(database, 'fills', yes)).to.equal(1);
      const position = await database.db.one<{ size: string; status: string }>(
        'SELECT size, status FROM positions WHERE token_id = $1',
        [yes],
      );
      expect(position).to.deep.equal({ size: '20.83', status: 'open' });
      const decisions = await waitFor(async () => {
        const rows = await decisionsFor(database, yes);
        return rows.length > 0 && rows;
      }, 'the decision row');
      expect(decisions.map((d) => d.action)).to.deep.equal(['BUY']);
      // G4: the balance was read again from the venue after the fill.
      expect(sim.scenario.balanceOf(OUR_ADDRESS)).to.equal(480.0032);
      expect(engine.app.execution.status).to.deep.include({
        balance: '480.0032',
        reserved: '0',
        openPositions: 1,
      });
    });

    it('G2: the other token of the same condition prints next → rejected as a duplicate trigger, no second order', async () => {
      const { yes, no, conditionId } = m.finals!;
      await expectCounted(
        'polybot_filter_rejections_total',
        { reason: 'duplicate_trigger' },
        () => sim.scenario.printTrade({ tokenId: no, price: 0.97, size: 200 }),
        'the No print to be rejected (G2)',
      );
      await expectNoOrder(no);
      const byCondition = await testDb.database.db.any('SELECT 1 FROM orders WHERE condition_id = $1', [
        conditionId,
      ]);
      expect(byCondition).to.have.length(1);
      expect(venueOrdersFor(sim, yes)).to.have.length(1);
    });

    it('G1: a months-old print arriving on the feed → dropped as stale, no order', async () => {
      const { yes, conditionId } = m.stale!;
      const monthsAgo = Date.now() - 60 * DAY;
      // The Data API has it as history; the feed delivers it as if it were new.
      sim.scenario.printTrade({ tokenId: yes, price: 0.96, size: 500, timestamp: monthsAgo });
      await expectCounted(
        'polybot_ingestion_stale_trades_total',
        {},
        () =>
          sim.scenario.sendRaw(
            lastTradeFrame({ tokenId: yes, conditionId, price: '0.96', size: '500', timestamp: monthsAgo }),
          ),
        'the stale print to be dropped (G1)',
      );
      await expectNoOrder(yes);
      expect(await decisionsFor(testDb.database, yes), 'no strategy was asked').to.have.length(0);
      // A fresh print on the same market still trades: the filter judged the print, not the market.
      sim.scenario.printTrade({ tokenId: yes, price: 0.96, size: 150 });
      await waitFor(
        async () => (await ordersFor(testDb.database, yes)).length === 1,
        'the fresh print’s order',
      );
      await waitFor(() => venueOrdersFor(sim, yes).length === 1, 'the fresh print’s venue order');
    });

    it('G5: a spike print far from the book → the strategy says BUY, execution refuses it, nothing reaches the venue', async () => {
      const { yes } = m.spike!;
      await expectCounted(
        'polybot_order_rejections_total',
        { reason: 'price_divergence' },
        () => sim.scenario.printTrade({ tokenId: yes, price: 0.96, size: 150 }),
        'the order to be refused (G5)',
      );
      await expectNoOrder(yes);
      const decisions = await waitFor(async () => {
        const rows = await decisionsFor(testDb.database, yes);
        return rows.length > 0 && rows;
      }, 'the BUY decision');
      expect(decisions.map((d) => d.action)).to.deep.equal(['BUY']);
    });

    it('G6: a weather question → rejected; "Rainbow Six Siege" is not weather → one order', async () => {
      await expectCounted(
        'polybot_filter_rejections_total',
        { reason: 'weather_market' },
        () => sim.scenario.printTrade({ tokenId: m.rain!.yes, price: 0.96, size: 150 }),
        'the weather print to be rejected (G6)',
      );
      await expectNoOrder(m.rain!.yes);

      const siege = m.siege!.yes;
      sim.scenario.printTrade({ tokenId: siege, price: 0.97, size: 150 });
      const [order] = await waitFor(async () => {
        const rows = await ordersFor(testDb.database, siege);
        return rows.length > 0 && rows[0]!.state === 'filled' && rows;
      }, 'the Rainbow Six Siege order');
      expect(order).to.deep.include({ price: '0.97', size: '20.61', dry_run: false });
      expect(venueOrdersFor(sim, siege)).to.have.length(1);
    });

    it('time to end: a market ending in 3 hours → rejected, no order', async () => {
      await expectCounted(
        'polybot_filter_rejections_total',
        { reason: 'expiring_soon' },
        () => sim.scenario.printTrade({ tokenId: m.soon!.yes, price: 0.96, size: 150 }),
        'the print to be rejected for ending too soon',
      );
      await expectNoOrder(m.soon!.yes);
    });

    it('trade size: a print of 10 shares → rejected, no order', async () => {
      await expectCounted(
        'polybot_filter_rejections_total',
        { reason: 'trade_too_small' },
        () => sim.scenario.printTrade({ tokenId: m.small!.yes, price: 0.96, size: 10 }),
        'the small print to be rejected',
      );
      await expectNoOrder(m.small!.yes);
    });
  });
});

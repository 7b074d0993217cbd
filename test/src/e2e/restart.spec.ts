import { expect } from 'chai';
import type { Simulator } from '@polybot/simulator';
import {
  LiveExchange,
  ManualClock,
  MetricsRegistry,
  createSilentLogger,
  storage,
  type EngineConfig,
  type Exchange,
  type PreparedOrder,
  type Secrets,
} from 'polybot';
import { createTestDatabase, type TestDatabase } from 'polybot/testing';
import {
  OUR_ADDRESS,
  counter,
  countRows,
  createMarket,
  decisionsFor,
  liveSecrets,
  ordersFor,
  startEngine,
  startVenue,
  venueConfig,
  venueOrdersFor,
  waitFor,
  type RunningEngine,
} from './support.js';

/**
 * A venue connection that behaves like the real one until its process is "killed": from then on
 * every call fails, as nothing of a dead process reaches the venue any more.
 */
class DyingExchange {
  killed = false;
  private pending: ((error: Error) => void)[] = [];
  readonly exchange: Exchange;

  constructor(
    private readonly inner: LiveExchange,
    /** What placeOrder does before the process dies: send it (or not), then never see the answer. */
    private readonly sendBeforeDying: boolean,
  ) {
    this.exchange = new Proxy(inner, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        if (key === 'close') return () => method.call(target);
        if (key === 'placeOrder') return (order: PreparedOrder) => this.placeOrder(order);
        return (...args: unknown[]) => {
          if (this.killed) return Promise.reject(new Error('the process was killed'));
          return method.apply(target, args);
        };
      },
    });
  }

  private async placeOrder(order: PreparedOrder): Promise<never> {
    if (this.killed) throw new Error('the process was killed');
    if (this.sendBeforeDying) await this.inner.placeOrder(order);
    // The venue has answered (or never got it); this process dies before the answer is recorded.
    return new Promise<never>((_, reject) => this.pending.push(reject));
  }

  /** Kills the process: calls fail from now on, and the hung placement unwinds with an error. */
  kill(): void {
    this.killed = true;
    for (const reject of this.pending.splice(0)) reject(new Error('the process was killed'));
  }
}

/**
 * Crash safety and the human-in-the-loop path, with the whole Application: a process killed
 * mid-order and a second one started on the same database; approvals decided over HTTP.
 */
describe('e2e: crash and restart, and the approval workflow (Application + simulator + PostgreSQL)', function () {
  this.timeout(40_000);
  let sim: Simulator;
  let secrets: Secrets;

  before(async () => {
    sim = await startVenue();
    sim.scenario.setBalance(OUR_ADDRESS, 500);
    secrets = liveSecrets(sim);
  });

  after(async () => {
    await sim?.stop();
  });

  describe('killed between intent and acknowledgement, then restarted', () => {
    let testDb: TestDatabase;
    let config: EngineConfig;
    const running: RunningEngine[] = [];
    const pools: storage.Database[] = [];

    beforeEach(async () => {
      testDb = await createTestDatabase({ backend: 'postgres' });
      config = venueConfig(sim, { mode: 'live' });
    });

    afterEach(async () => {
      for (const engine of running.splice(0)) await engine.stop();
      for (const pool of pools.splice(0)) await pool.close();
      await testDb.dispose();
    });

    /** The first process: its own connection pool and a venue connection that dies with it. */
    async function firstProcess(sendBeforeDying: boolean) {
      const pool = await storage.openDatabase({ url: testDb.url, poolSize: 4 });
      pools.push(pool);
      const live = new LiveExchange(config, secrets, createSilentLogger(), new MetricsRegistry());
      const dying = new DyingExchange(live, sendBeforeDying);
      const engine = await startEngine(sim, {
        config,
        secrets,
        database: pool,
        overrides: { exchange: dying.exchange },
      });
      running.push(engine);
      return {
        engine,
        /** SIGKILL, as far as a test in one process can: no more venue calls, no more database writes. */
        kill: async () => {
          await pool.close();
          dying.kill();
          await engine.stop();
        },
      };
    }

    it('the venue accepted the order: the restart adopts it by its hash — one order at the venue, its fill and position recorded', async () => {
      const { yes, conditionId } = createMarket(sim, 'Will the Knicks reach the 2026 NBA Finals?');
      const first = await firstProcess(true);
      sim.scenario.printTrade({ tokenId: yes, price: 0.96, size: 150 });
      await waitFor(() => venueOrdersFor(sim, yes).length === 1, 'the order to reach the venue');
      const received = venueOrdersFor(sim, yes)[0]!;
      expect(received.verdict).to.equal('accepted');
      // Persisted before sending: the intent carries the hash the venue knows the order by.
      const [intent] = await ordersFor(testDb.database, yes);
      expect(intent).to.deep.include({ state: 'pending', order_hash: received.orderID, filled_size: '0' });
      await waitFor(async () => (await decisionsFor(testDb.database, yes)).length === 1, 'the BUY decision');
      await first.kill();
      expect((await ordersFor(testDb.database, yes))[0]!.state, 'nothing recorded the answer').to.equal(
        'pending',
      );

      const second = await startEngine(sim, { config, secrets, database: testDb.database });
      running.push(second);
      const orders = await ordersFor(testDb.database, yes);
      expect(orders).to.have.length(1);
      expect(orders[0]).to.deep.include({
        state: 'filled',
        filled_size: '20.83',
        order_hash: received.orderID,
        venue_order_id: received.orderID,
      });
      expect(venueOrdersFor(sim, yes), 'never re-sent').to.have.length(1);
      expect(await countRows(testDb.database, 'fills', yes)).to.equal(1);
      const position = await testDb.database.db.one<{ size: string }>(
        'SELECT size FROM positions WHERE condition_id = $1 AND status = $2',
        [conditionId, 'open'],
      );
      expect(position.size).to.equal('20.83');
      expect(second.app.execution.status).to.deep.include({ reserved: '0', openOrders: 0, openPositions: 1 });
      expect(second.app.execution.status.balance).to.equal(String(sim.scenario.balanceOf(OUR_ADDRESS)));

      // The trigger survived the crash too (G2): the same print again is a duplicate, not a second order.
      const before = await counter(second.metrics, 'polybot_filter_rejections_total', {
        reason: 'duplicate_trigger',
      });
      sim.scenario.printTrade({ tokenId: yes, price: 0.96, size: 150 });
      await waitFor(
        async () =>
          (await counter(second.metrics, 'polybot_filter_rejections_total', {
            reason: 'duplicate_trigger',
          })) > before,
        'the repeat print to be rejected as a duplicate',
      );
      expect(venueOrdersFor(sim, yes)).to.have.length(1);
      expect(await decisionsFor(testDb.database, yes)).to.have.length(1);
    });

    it('the order never left: the restart holds it as unknown (money reserved), then records it as never received and frees the money — nothing re-sent blindly', async () => {
      const { yes } = createMarket(sim, 'Will the Nuggets reach the 2026 NBA Finals?');
      const first = await firstProcess(false);
      sim.scenario.printTrade({ tokenId: yes, price: 0.96, size: 150 });
      await waitFor(async () => (await ordersFor(testDb.database, yes)).length === 1, 'the intent');
      await first.kill();

      // The venue may show an order late, so one it does not know stays unknown for a grace period (60 s).
      const clock = new ManualClock(Date.now());
      const second = await startEngine(sim, { config, secrets, database: testDb.database, clock });
      running.push(second);
      expect((await ordersFor(testDb.database, yes))[0]!.state).to.equal('unknown');
      expect(second.app.execution.status.reserved, 'its money stays reserved meanwhile').to.equal('19.9968');

      clock.advance(61_000);
      await second.app.execution.syncOpenOrders();
      const orders = await ordersFor(testDb.database, yes);
      expect(orders).to.have.length(1);
      expect(orders[0]).to.deep.include({ state: 'rejected', error: 'the venue never received the order' });
      expect(venueOrdersFor(sim, yes), 'never sent, never re-sent').to.have.length(0);
      expect(second.app.execution.status).to.deep.include({ reserved: '0', openOrders: 0, openPositions: 0 });
    });
  });

  describe('approval workflow (approval.required)', () => {
    let testDb: TestDatabase;
    let engine: RunningEngine;
    let clock: ManualClock;
    let base: string;
    const WINDOW_SECONDS = 300;
    const m: Record<string, ReturnType<typeof createMarket>> = {};

    interface ApprovalRecord {
      id: string;
      status: string;
      decided_by: string | null;
      failure: string | null;
    }

    function approvalFor(tokenId: string): Promise<ApprovalRecord | null> {
      return testDb.database.db.oneOrNone<ApprovalRecord>(
        'SELECT id::text AS id, status, decided_by, failure FROM approval_alerts WHERE token_id = $1',
        [tokenId],
      );
    }

    async function call(
      method: string,
      path: string,
    ): Promise<{ status: number; body: Record<string, unknown> }> {
      const response = await fetch(`${base}${path}`, { method });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }

    /** Prints a qualifying trade and waits for the approval it must turn into. */
    async function pendingApproval(tokenId: string): Promise<ApprovalRecord> {
      sim.scenario.printTrade({ tokenId, price: 0.96, size: 150 });
      const approval = await waitFor(() => approvalFor(tokenId), 'the pending approval');
      expect(approval.status).to.equal('pending');
      return approval;
    }

    before(async () => {
      testDb = await createTestDatabase({ backend: 'postgres' });
      m.approved = createMarket(sim, 'Will the Thunder reach the 2026 NBA Finals?');
      m.late = createMarket(sim, 'Will the Spurs reach the 2026 NBA Finals?');
      m.ignored = createMarket(sim, 'Will the Magic reach the 2026 NBA Finals?');
      clock = new ManualClock(Date.now());
      engine = await startEngine(sim, {
        config: venueConfig(sim, {
          mode: 'live',
          approval: { required: true, windowSeconds: WINDOW_SECONDS },
        }),
        secrets,
        database: testDb.database,
        clock,
        dashboard: true,
      });
      base = engine.app.dashboard!.url;
    });

    after(async () => {
      await engine?.stop();
      await testDb?.dispose();
    });

    it('a BUY becomes a pending approval and no order; approving it over HTTP places exactly one order, once', async () => {
      const { yes } = m.approved!;
      const approval = await pendingApproval(yes);
      const decisions = await waitFor(async () => {
        const rows = await decisionsFor(testDb.database, yes);
        return rows.length > 0 && rows;
      }, 'the BUY decision');
      expect(decisions.map((d) => d.action)).to.deep.equal(['BUY']);
      expect(await ordersFor(testDb.database, yes), 'no order before approval').to.have.length(0);
      expect(venueOrdersFor(sim, yes), 'nothing at the venue before approval').to.have.length(0);
      const listed = await call('GET', '/api/approvals');
      expect(listed.status).to.equal(200);
      expect((listed.body.approvals as { id: unknown }[]).map((a) => String(a.id))).to.include(approval.id);

      const approved = await call('POST', `/api/approvals/${approval.id}/approve`);
      expect(approved.status, JSON.stringify(approved.body)).to.equal(200);
      expect(approved.body).to.deep.include({ decision: 'approve' });
      expect((approved.body.approval as { status: string }).status).to.equal('executed');

      const received = venueOrdersFor(sim, yes);
      expect(received).to.have.length(1);
      expect(received[0]!.verdict).to.equal('accepted');
      const [order] = await waitFor(async () => {
        const rows = await ordersFor(testDb.database, yes);
        return rows.length > 0 && rows[0]!.state === 'filled' && rows;
      }, 'the approved order to fill');
      expect(order).to.deep.include({ dry_run: false, price: '0.96', order_hash: received[0]!.orderID });
      expect(await approvalFor(yes)).to.deep.include({ status: 'executed', decided_by: 'dashboard' });
      const link = await testDb.database.db.one<{ client_order_id: string }>(
        'SELECT client_order_id FROM trade_approvals WHERE alert_id = $1',
        [approval.id],
      );
      expect(link.client_order_id).to.equal(order!.client_order_id);

      // Approving twice executes nothing more.
      const again = await call('POST', `/api/approvals/${approval.id}/approve`);
      expect(again.status).to.equal(409);
      expect(venueOrdersFor(sim, yes)).to.have.length(1);
      expect(await ordersFor(testDb.database, yes)).to.have.length(1);
    });

    it('past its window an approval expires and never executes: the sweep expires an undecided one, approving late is refused', async () => {
      // Two approvals 200 s apart (engine time), so that one is due while the other still waits.
      const ignored = await pendingApproval(m.ignored!.yes);
      clock.advance(200_000);
      const late = await pendingApproval(m.late!.yes);
      clock.advance((WINDOW_SECONDS - 200 + 1) * 1000);

      // Nobody decides the first: the periodic sweep (every 5 s) expires it, and only it.
      await waitFor(
        async () => (await approvalFor(m.ignored!.yes))?.status === 'expired',
        'the sweep to expire the undecided approval',
        15_000,
      );
      expect(await approvalFor(m.ignored!.yes)).to.deep.include({ id: ignored.id, decided_by: null });
      expect((await approvalFor(m.late!.yes))?.status, 'still inside its window').to.equal('pending');

      // The second is approved after its window: refused, expired, never executed.
      clock.advance(200_000);
      const refused = await call('POST', `/api/approvals/${late.id}/approve`);
      expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
      expect(String(refused.body.message)).to.include('expired');
      expect((await approvalFor(m.late!.yes))?.status).to.equal('expired');

      for (const tokenId of [m.late!.yes, m.ignored!.yes]) {
        expect(await ordersFor(testDb.database, tokenId)).to.have.length(0);
        expect(venueOrdersFor(sim, tokenId)).to.have.length(0);
      }
      expect((await call('GET', '/api/approvals')).body.approvals).to.deep.equal([]);
      expect(await counter(engine.metrics, 'polybot_approvals_total', { status: 'expired' })).to.equal(2);
      expect(await counter(engine.metrics, 'polybot_approvals_total', { status: 'executed' })).to.equal(1);
    });
  });
});

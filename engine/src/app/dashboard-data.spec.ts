import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { DependencyContainer } from 'tsyringe';
import { NO_SECRETS, testConfig } from '../config/index.js';
import { ApprovalService, type OrderRequest } from '../core/index.js';
import { createContainer } from '../di/container.js';
import { Tokens } from '../di/tokens.js';
import type { ExecutionService } from '../execution/index.js';
import type { BookStore, HttpClient, PriceLevel, TradeHelpers } from '../ingestion/index.js';
import { createSilentLogger, MetricsRegistry, type AlertSink } from '../monitoring/index.js';
import type {
  ApprovalRepositoryApi,
  MarketRepositoryApi,
  OrderRepositoryApi,
  PositionRepositoryApi,
  WatchlistRepositoryApi,
} from '../storage/index.js';
import { createTestDatabase, type TestDatabase } from '../storage/testing/index.js';
import { ManualClock } from '../util/clock.js';
import { StoredDashboardData } from './dashboard-data.js';
import { ExecutionPositions, StoredApprovals } from './storage-ports.js';

const HOUR = 3_600_000;

function uid(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

class RecordingAlerts implements AlertSink {
  readonly titles: string[] = [];
  async alert(alert: { title: string }): Promise<void> {
    this.titles.push(alert.title);
  }
}

function levels(entries: readonly (readonly [string, string])[]): PriceLevel[] {
  return entries.map(([price, size]) => ({
    price: Number(price),
    size: Number(size),
    priceText: price,
    sizeText: size,
  }));
}

/**
 * The dashboard's read model over the real storage, a real ApprovalService and a running paper
 * ExecutionService — all from the composition root. Polymarket is absent: its URLs point at a
 * closed local port, books arrive as feed snapshots.
 */
describe('app: StoredDashboardData (container-built paper execution, real PostgreSQL)', function () {
  this.timeout(30_000);
  let testDb: TestDatabase;
  let container: DependencyContainer;
  let clock: ManualClock;
  let execution: ExecutionService;
  let approvals: ApprovalService;
  let data: StoredDashboardData;
  let repos: {
    orders: OrderRepositoryApi;
    positions: PositionRepositoryApi;
    watchlist: WatchlistRepositoryApi;
    approvals: ApprovalRepositoryApi;
    markets: MarketRepositoryApi;
  };
  const alerts = new RecordingAlerts();

  before(async () => {
    testDb = await createTestDatabase({ backend: 'postgres' });
    const config = testConfig({
      polymarket: {
        clobUrl: 'http://127.0.0.1:9',
        gammaUrl: 'http://127.0.0.1:9',
        dataUrl: 'http://127.0.0.1:9',
        wsUrl: 'ws://127.0.0.1:9/ws/market',
      },
      ingestion: { httpRetries: 0, httpTimeoutMs: 1_000 },
      approval: { required: true, windowSeconds: 300 },
      paper: { startingBalance: 1000 },
    });
    // The approval table decides expiry on the wall clock; the engine clock starts there too.
    clock = new ManualClock(Date.now());
    const logger = createSilentLogger();
    const metrics = new MetricsRegistry();
    container = createContainer(
      { config, secrets: NO_SECRETS, logger, metrics, clock, database: testDb.database },
      { alerts },
    );
    container.register(Tokens.ExecutionOptions, { useValue: { syncIntervalMs: 0, retryDelayMs: 0 } });
    execution = container.resolve<ExecutionService>(Tokens.ExecutionService);
    await execution.start();
    repos = {
      orders: container.resolve(Tokens.OrderRepository),
      positions: container.resolve(Tokens.PositionRepository),
      watchlist: container.resolve(Tokens.WatchlistRepository),
      approvals: container.resolve(Tokens.ApprovalRepository),
      markets: container.resolve(Tokens.MarketRepository),
    };
    approvals = new ApprovalService({
      store: new StoredApprovals(repos.approvals),
      executor: execution,
      prices: container.resolve<TradeHelpers>(Tokens.TradeHelpers),
      alerts,
      clock,
      logger,
      metrics,
      windowSeconds: 300,
      maxPriceDeviation: 0.1,
    });
    data = dashboard(approvals);
  });

  after(async () => {
    await execution?.stop();
    container?.resolve<HttpClient>(Tokens.HttpClient).close();
    await container?.dispose();
    await testDb?.dispose();
  });

  function dashboard(service: ApprovalService | null): StoredDashboardData {
    return new StoredDashboardData({
      orders: repos.orders,
      positions: repos.positions,
      watchlist: repos.watchlist,
      approvalRows: repos.approvals,
      approvals: service,
      execution,
      clock,
    });
  }

  /** A tradeable market: stored (tick and minimum size for execution) with a live book at `ask`. */
  async function market(ask: string): Promise<{ conditionId: string; tokenId: string }> {
    const conditionId = uid('0xcond');
    const tokenId = uid('tok');
    await repos.markets.upsertMany([
      {
        conditionId,
        question: `market ${conditionId}`,
        tickSize: '0.01',
        minOrderSize: '5',
        endDate: clock.now() + 30 * 24 * HOUR,
        tokens: [
          { tokenId, outcome: 'Yes', outcomeIndex: 0 },
          { tokenId: `${tokenId}-no`, outcome: 'No', outcomeIndex: 1 },
        ],
      },
    ]);
    const bid = (Number(ask) - 0.01).toFixed(2);
    container.resolve<BookStore>(Tokens.BookStore).applySnapshot({
      type: 'book',
      tokenId,
      conditionId,
      bids: levels([[bid, '500']]),
      asks: levels([[ask, '500']]),
      timestamp: clock.now(),
      hash: null,
      tickSize: '0.01',
      minOrderSize: null,
      negRisk: null,
      lastTradePrice: null,
      receivedAt: clock.now(),
      source: 'ws',
    });
    return { conditionId, tokenId };
  }

  function buy(target: { conditionId: string; tokenId: string }, triggerPrice = '0.96'): OrderRequest {
    return {
      strategy: 'high_prob_yes',
      tokenId: target.tokenId,
      conditionId: target.conditionId,
      side: 'BUY',
      price: triggerPrice,
      size: null,
      notional: '20',
      orderType: 'GTC',
      expiresInSeconds: null,
      reason: `trade at ${triggerPrice}`,
      triggerPrice,
    };
  }

  describe('reads', () => {
    it('lists open positions as stored', async () => {
      const conditionId = uid('0xcond');
      await repos.positions.applyFill({
        tokenId: 'tok-held',
        conditionId,
        strategy: 'high_prob_yes',
        side: 'BUY',
        price: '0.95',
        size: '21.05',
      });
      const listed = (await data.positions()).find((p) => p.conditionId === conditionId);
      expect(listed).to.deep.include({
        tokenId: 'tok-held',
        size: '21.05',
        averagePrice: '0.95',
        status: 'open',
      });
    });

    it('lists orders newest first, by state (any case), without signed payloads or raw venue bodies', async () => {
      const live = uid('coid-live');
      const pending = uid('coid-pending');
      const base = {
        tokenId: 'tok-orders',
        conditionId: '0xorders',
        strategy: 'high_prob_yes',
        side: 'BUY',
        orderType: 'GTC',
        price: '0.95',
        size: '21.05',
      } as const;
      await repos.orders.createIntent({
        ...base,
        clientOrderId: live,
        signedPayload: { signature: '0xSIGNATURE-live' },
      });
      await repos.orders.markSubmitting(live, { signedPayload: { signature: '0xSIGNATURE-live' } });
      await repos.orders.applyVenueResponse(live, {
        state: 'live',
        venueOrderId: `0xvenue-${live}`,
        venueResponse: { success: true, orderID: `0xvenue-${live}`, raw: 'RAW-BODY' },
      });
      await repos.orders.createIntent({
        ...base,
        clientOrderId: pending,
        signedPayload: { signature: '0xSIGNATURE-pending' },
      });

      const all = await data.orders({ limit: 100 });
      const ids = all.map((o) => o.clientOrderId);
      expect(ids.indexOf(pending)).to.be.lessThan(ids.indexOf(live));
      for (const order of all) expect(order).to.not.have.any.keys('signedPayload', 'venueResponse');
      expect(JSON.stringify(all)).to.not.match(/SIGNATURE|RAW-BODY/);
      expect(all.find((o) => o.clientOrderId === live)).to.deep.include({
        state: 'live',
        venueOrderId: `0xvenue-${live}`,
        price: '0.95',
      });

      const liveOnly = await data.orders({ state: 'LIVE', limit: 100 });
      expect(liveOnly.map((o) => o.clientOrderId))
        .to.include(live)
        .and.not.include(pending);
      expect(liveOnly.every((o) => o.state === 'live')).to.equal(true);
      expect((await data.orders({ state: 'pending', limit: 100 })).map((o) => o.clientOrderId)).to.include(
        pending,
      );
      expect(await data.orders({ limit: 1 })).to.have.length(1);
    });

    it('answers an empty list for a state that does not exist', async () => {
      expect(await data.orders({ state: 'matched', limit: 10 })).to.deep.equal([]);
      expect(await data.orders({ state: "live' OR 1=1 --", limit: 10 })).to.deep.equal([]);
    });

    it('lists the watchlist entries active on the engine clock', async () => {
      const token = uid('tok-watch');
      await repos.watchlist.add({
        tokenId: token,
        conditionId: '0xw',
        strategy: 'a',
        reason: 'watching',
        triggerPrice: '0.97',
        expiresAt: clock.now() + HOUR,
      });
      await repos.watchlist.add({
        tokenId: token,
        conditionId: '0xw',
        strategy: 'b',
        reason: 'already over',
        expiresAt: clock.now() - 1,
      });
      const listed = (await data.watchlist()).filter((w) => w.tokenId === token);
      expect(listed.map((w) => [w.strategy, w.reason, w.triggerPrice])).to.deep.equal([
        ['a', 'watching', '0.97'],
      ]);
    });

    it('lists pending approvals, oldest first', async () => {
      const first = await approvals.request(buy({ conditionId: uid('0xc'), tokenId: uid('tok') }));
      const second = await approvals.request(buy({ conditionId: uid('0xc'), tokenId: uid('tok') }));
      const ids = (await data.approvals()).map((a) => String(a.id));
      expect(ids).to.include.members([first.id, second.id]);
      expect(ids.indexOf(first.id)).to.be.lessThan(ids.indexOf(second.id));
      await approvals.reject(first.id);
      expect((await data.approvals()).map((a) => String(a.id))).to.not.include(first.id);
    });
  });

  describe('decide', () => {
    it('answers not_found for ids that are not approval ids, and for unknown ones', async () => {
      for (const id of ['abc', '0', '-3', '1.5', '', '99999999'])
        expect(await data.decide(id, 'approve'), id).to.deep.equal({ result: 'not_found' });
    });

    it('answers conflict when approvals are not enabled', async () => {
      const request = await approvals.request(buy({ conditionId: uid('0xc'), tokenId: uid('tok') }));
      const outcome = await dashboard(null).decide(request.id, 'approve');
      expect(outcome).to.deep.equal({
        result: 'conflict',
        reason: 'approvals are not enabled (REQUIRE_APPROVAL)',
      });
      expect(await repos.approvals.get(Number(request.id))).to.deep.include({ status: 'pending' });
    });

    it('rejects a pending approval once; later decisions conflict', async () => {
      const request = await approvals.request(buy({ conditionId: uid('0xc'), tokenId: uid('tok') }));
      const outcome = await data.decide(request.id, 'reject');
      expect(outcome.result).to.equal('accepted');
      expect(outcome.result === 'accepted' && outcome.approval).to.deep.include({
        status: 'rejected',
        decidedBy: 'dashboard',
      });
      expect(await data.decide(request.id, 'reject')).to.deep.equal({
        result: 'conflict',
        reason: `approval ${request.id} is rejected`,
      });
      expect(await data.decide(request.id, 'approve')).to.deep.equal({
        result: 'conflict',
        reason: `approval ${request.id} is rejected`,
      });
    });

    it('approves: the order is placed through execution and the approval linked to it', async () => {
      const target = await market('0.96');
      const before = execution.status;
      const request = await approvals.request(buy(target));
      const outcome = await data.decide(request.id, 'approve');
      expect(outcome.result).to.equal('accepted');
      expect(outcome.result === 'accepted' && outcome.approval).to.deep.include({
        status: 'executed',
        decidedBy: 'dashboard',
        failure: null,
      });
      const link = await repos.approvals.getTradeApproval(Number(request.id));
      expect(link?.clientOrderId).to.be.a('string');
      const order = await repos.orders.findByClientOrderId(link?.clientOrderId as string);
      expect(order).to.deep.include({
        state: 'filled',
        dryRun: true,
        tokenId: target.tokenId,
        price: '0.96',
      });
      expect(await data.decide(request.id, 'approve')).to.deep.equal({
        result: 'conflict',
        reason: `approval ${request.id} is executed`,
      });

      const summary = await data.summary();
      expect(summary).to.deep.include({
        mode: 'paper',
        state: 'running',
        reserved: '0',
        tradingHalted: false,
        openOrders: 0,
        openPositions: before.openPositions + 1,
        executionQueueDepth: 0,
      });
      expect(Number(summary.balance)).to.be.lessThan(Number(before.balance));
      expect(summary.free).to.equal(summary.balance);

      // Core reads positions from execution's memory: the strategy that bought sees it, others do not.
      const positions = new ExecutionPositions(execution);
      expect(await positions.openPosition(target.conditionId, 'high_prob_yes')).to.deep.include({
        tokenId: target.tokenId,
        size: Number(order?.filledSize),
        averagePrice: 0.96,
      });
      expect(await positions.openPosition(target.conditionId, 'another')).to.equal(null);
      expect(await positions.openPosition(uid('0xc'), 'high_prob_yes')).to.equal(null);
    });

    it('accepts an approval whose price re-check fails: recorded as failed, nothing placed', async () => {
      const target = await market('0.05');
      const request = await approvals.request(buy(target, '0.96'));
      const outcome = await data.decide(request.id, 'approve');
      expect(outcome.result).to.equal('accepted');
      const approval = outcome.result === 'accepted' ? outcome.approval : {};
      expect(approval).to.deep.include({ status: 'failed' });
      expect(String(approval.failure)).to.match(/^price re-check failed/);
      expect(await repos.orders.listByCondition(target.conditionId)).to.deep.equal([]);
    });

    it('answers conflict for an approval whose window has passed, and records it expired', async () => {
      const request = await approvals.request(buy({ conditionId: uid('0xc'), tokenId: uid('tok') }));
      clock.advance(301_000);
      try {
        expect(await data.decide(request.id, 'approve')).to.deep.equal({
          result: 'conflict',
          reason: `approval ${request.id} expired`,
        });
      } finally {
        clock.advance(-301_000);
      }
      expect(await repos.approvals.get(Number(request.id))).to.deep.include({ status: 'expired' });
    });
  });

  describe('summary', () => {
    it('reports execution as it stands', async () => {
      const status = execution.status;
      expect(await data.summary()).to.deep.equal({
        mode: 'paper',
        state: 'running',
        balance: status.balance,
        free: status.free,
        reserved: status.reserved,
        tradingHalted: status.tradingHalted,
        openOrders: status.openOrders,
        openPositions: status.openPositions,
        executionQueueDepth: status.queueDepth,
      });
    });
  });
});

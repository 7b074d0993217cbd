import { expect } from 'chai';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { StoredDashboardData } from '../app/index.js';
import { NO_SECRETS, testConfig, type EngineConfig } from '../config/index.js';
import {
  ClobFeeSchedules,
  ExecutionService,
  IngestionBookSource,
  LiveExchange,
  PaperExchange,
  StoredMarketRules,
  type Exchange,
} from '../execution/index.js';
import {
  BookStore,
  ClobPublicClient,
  DataApiClient,
  GammaClient,
  HttpClient,
  IngestionService,
  MarketCatalog,
  MarketFeed,
  SubscriptionBridge,
  TradeHelpers,
} from '../ingestion/index.js';
import {
  createSilentLogger,
  DashboardServer,
  EngineMetrics,
  HealthRegistry,
  MetricsRegistry,
  type AlertSink,
} from '../monitoring/index.js';
import { StrategyHost } from '../plugins/index.js';
import {
  ApprovalRepository,
  BalanceRepository,
  DecisionRepository,
  FillRepository,
  MarketRepository,
  OrderRepository,
  PositionRepository,
  TapeRepository,
  TapeWriter,
  TriggerRepository,
  WatchlistRepository,
} from '../storage/index.js';
import { createTestDatabase, type TestDatabase } from '../storage/testing/index.js';
import { ManualClock } from '../util/clock.js';
import { createContainer, type ContainerOverrides, type RuntimeServices } from './container.js';
import { Tokens } from './tokens.js';

type Constructor = abstract new (...args: never[]) => unknown;

/** Every class binding of the composition root. */
const CLASS_BINDINGS: readonly [symbol, Constructor][] = [
  [Tokens.EngineMetrics, EngineMetrics],
  [Tokens.Health, HealthRegistry],
  [Tokens.MarketRepository, MarketRepository],
  [Tokens.TapeRepository, TapeRepository],
  [Tokens.TriggerRepository, TriggerRepository],
  [Tokens.OrderRepository, OrderRepository],
  [Tokens.FillRepository, FillRepository],
  [Tokens.PositionRepository, PositionRepository],
  [Tokens.BalanceRepository, BalanceRepository],
  [Tokens.WatchlistRepository, WatchlistRepository],
  [Tokens.ApprovalRepository, ApprovalRepository],
  [Tokens.DecisionRepository, DecisionRepository],
  [Tokens.TapeWriter, TapeWriter],
  [Tokens.HttpClient, HttpClient],
  [Tokens.GammaClient, GammaClient],
  [Tokens.ClobPublicClient, ClobPublicClient],
  [Tokens.DataApiClient, DataApiClient],
  [Tokens.BookStore, BookStore],
  [Tokens.MarketCatalog, MarketCatalog],
  [Tokens.MarketFeed, MarketFeed],
  [Tokens.SubscriptionBridge, SubscriptionBridge],
  [Tokens.TradeHelpers, TradeHelpers],
  [Tokens.Ingestion, IngestionService],
  [Tokens.StrategyHost, StrategyHost],
  [Tokens.BookSource, IngestionBookSource],
  [Tokens.MarketRulesSource, StoredMarketRules],
  [Tokens.FeeSchedules, ClobFeeSchedules],
  [Tokens.ExecutionService, ExecutionService],
  [Tokens.DashboardServer, DashboardServer],
];

class RecordingAlerts implements AlertSink {
  readonly titles: string[] = [];
  async alert(alert: { title: string }): Promise<void> {
    this.titles.push(alert.title);
  }
}

describe('di: createContainer (the composition root)', function () {
  this.timeout(20_000);
  let testDb: TestDatabase;
  const built: DependencyContainer[] = [];

  before(async () => {
    testDb = await createTestDatabase({ backend: 'postgres' });
  });

  after(async () => {
    await testDb?.dispose();
  });

  afterEach(async () => {
    for (const c of built.splice(0)) {
      // Only what was resolved holds resources: the HTTP agents and the tape writer.
      if (c.isRegistered(Tokens.HttpClient)) c.resolve<HttpClient>(Tokens.HttpClient).close();
      if (c.isRegistered(Tokens.TapeWriter)) await c.resolve<TapeWriter>(Tokens.TapeWriter).close();
      await c.dispose();
    }
  });

  function services(config: Partial<EngineConfig> | object = {}): RuntimeServices {
    return {
      config: testConfig({
        polymarket: {
          clobUrl: 'http://127.0.0.1:9',
          gammaUrl: 'http://127.0.0.1:9',
          dataUrl: 'http://127.0.0.1:9',
          wsUrl: 'ws://127.0.0.1:9/ws/market',
        },
        ...config,
      }),
      secrets: NO_SECRETS,
      logger: createSilentLogger(),
      metrics: new MetricsRegistry(),
      clock: new ManualClock(),
      database: testDb.database,
    };
  }

  function build(runtime: RuntimeServices, overrides: ContainerOverrides = {}): DependencyContainer {
    const c = createContainer(runtime, overrides);
    built.push(c);
    return c;
  }

  /** What the Application adds before it resolves the dashboard: its read model. */
  function withDashboardData(c: DependencyContainer, runtime: RuntimeServices): void {
    c.register(Tokens.DashboardData, {
      useValue: new StoredDashboardData({
        orders: c.resolve(Tokens.OrderRepository),
        positions: c.resolve(Tokens.PositionRepository),
        watchlist: c.resolve(Tokens.WatchlistRepository),
        approvalRows: c.resolve(Tokens.ApprovalRepository),
        approvals: null,
        execution: c.resolve(Tokens.ExecutionService),
        clock: runtime.clock,
      }),
    });
  }

  it('resolves every binding it makes: the given values, and one instance of each class per container', () => {
    const runtime = services();
    const alerts = new RecordingAlerts();
    const c = build(runtime, { alerts });
    withDashboardData(c, runtime);

    expect(c.resolve(Tokens.Config)).to.equal(runtime.config);
    expect(c.resolve(Tokens.Secrets)).to.equal(runtime.secrets);
    expect(c.resolve(Tokens.Logger)).to.equal(runtime.logger);
    expect(c.resolve(Tokens.Metrics)).to.equal(runtime.metrics);
    expect(c.resolve(Tokens.Clock)).to.equal(runtime.clock);
    expect(c.resolve(Tokens.Database)).to.equal(runtime.database);
    expect(c.resolve(Tokens.Alerts)).to.equal(alerts);

    for (const [token, cls] of CLASS_BINDINGS) {
      const instance = c.resolve(token);
      expect(instance, token.description).to.be.an.instanceOf(cls);
      expect(c.resolve(token), `${token.description} is one instance`).to.equal(instance);
    }
    expect(c.resolve(Tokens.Exchange)).to.be.an.instanceOf(PaperExchange);
    expect(c.resolve(Tokens.Exchange)).to.equal(c.resolve(Tokens.Exchange));
  });

  it('binds the ports ingestion and execution need to the one shared instance behind them', () => {
    const c = build(services(), { alerts: new RecordingAlerts() });
    expect(c.resolve(Tokens.MarketSink), 'markets are stored by the repository').to.equal(
      c.resolve(Tokens.MarketRepository),
    );
    expect(c.resolve(Tokens.TapeSink), 'the feed writes the tape through the batching writer').to.equal(
      c.resolve(Tokens.TapeWriter),
    );
    expect(c.resolve(Tokens.PriceVerifier), 'G5 checks go through the trade helpers').to.equal(
      c.resolve(Tokens.TradeHelpers),
    );
  });

  it('chooses the venue by mode: the paper exchange in dry-run, the CLOB client live', () => {
    const paper = build(services({ mode: 'dry-run' }), { alerts: new RecordingAlerts() });
    const live = build(services({ mode: 'live' }), { alerts: new RecordingAlerts() });
    expect(paper.resolve<Exchange>(Tokens.Exchange)).to.be.an.instanceOf(PaperExchange);
    expect(live.resolve<Exchange>(Tokens.Exchange)).to.be.an.instanceOf(LiveExchange);
    expect(paper.resolve<ExecutionService>(Tokens.ExecutionService).status.exchange).to.equal('paper');
    expect(live.resolve<ExecutionService>(Tokens.ExecutionService).status.exchange).to.equal('live');
  });

  it('uses the exchange and alert channel it is given instead of its own', () => {
    const other = build(services({ mode: 'live' }), { alerts: new RecordingAlerts() });
    const exchange = other.resolve<Exchange>(Tokens.Exchange);
    const alerts = new RecordingAlerts();
    const c = build(services({ mode: 'dry-run' }), { exchange, alerts });
    expect(c.resolve(Tokens.Exchange)).to.equal(exchange);
    expect(c.resolve(Tokens.Alerts)).to.equal(alerts);
    expect(c.resolve<ExecutionService>(Tokens.ExecutionService).status.exchange).to.equal('live');
  });

  it('leaves the alert channel to the application when none is given', () => {
    const c = build(services());
    expect(c.isRegistered(Tokens.Alerts, true)).to.equal(false);
    expect(c.isRegistered(Tokens.DashboardData, true)).to.equal(false);
  });

  it('builds each container apart, under the given parent, leaving the root untouched', () => {
    const a = build(services(), { alerts: new RecordingAlerts() });
    const b = build(services(), { alerts: new RecordingAlerts() });
    expect(a.resolve(Tokens.BookStore)).to.not.equal(b.resolve(Tokens.BookStore));
    expect(a.resolve(Tokens.ExecutionService)).to.not.equal(b.resolve(Tokens.ExecutionService));
    expect(rootContainer.isRegistered(Tokens.Config)).to.equal(false);

    const parent = rootContainer.createChildContainer();
    parent.register(Tokens.LiveExchangeOptions, { useValue: { requestTimeoutMs: 1_234 } });
    const child = createContainer(services(), {}, parent);
    built.push(child, parent);
    expect(child.isRegistered(Tokens.LiveExchangeOptions, true), 'inherited from the parent').to.equal(true);
    expect(parent.isRegistered(Tokens.Config)).to.equal(false);
  });

  it('disposes cleanly: nothing resolves from it afterwards', async () => {
    const runtime = services();
    const c = createContainer(runtime, { alerts: new RecordingAlerts() });
    withDashboardData(c, runtime);
    for (const [token] of CLASS_BINDINGS) c.resolve(token);
    c.resolve<HttpClient>(Tokens.HttpClient).close();
    await c.resolve<TapeWriter>(Tokens.TapeWriter).close();
    await c.dispose();
    expect(() => c.resolve(Tokens.Config)).to.throw(/disposed/);
  });
});

import type { DependencyContainer } from 'tsyringe';
import type { EngineConfig, Secrets } from '../config/index.js';
import { ApprovalService, TradePoller, TradingEngine, type TradeEvent } from '../core/index.js';
import { createContainer, type ContainerOverrides } from '../di/container.js';
import { Tokens } from '../di/tokens.js';
import { ConfigError, describeError } from '../errors.js';
import type { ExecutionService, Exchange } from '../execution/index.js';
import type {
  BookStore,
  IngestionService,
  LastTradeEvent,
  MarketFeed,
  TradeHelpers,
} from '../ingestion/index.js';
import {
  createAlertSink,
  silentProgress,
  type AlertSink,
  type DashboardAddress,
  type DashboardServer,
  type EngineMetrics,
  type HealthRegistry,
  type Logger,
  type ProgressReporter,
} from '../monitoring/index.js';
import { MetricsRegistry } from '../monitoring/index.js';
import type { StrategyHost } from '../plugins/index.js';
import {
  openDatabase,
  type Database,
  type MarketRepositoryApi,
  type OrderRepositoryApi,
  type TapeWriterApi,
} from '../storage/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import { DatabaseWatch } from './database-watch.js';
import { StoredDashboardData } from './dashboard-data.js';
import { CatalogMarketLookup } from './market-lookup.js';
import {
  BatchedDecisionLog,
  StoredApprovals,
  ExecutionPositions,
  StoredTriggers,
  StoredWatchlist,
} from './storage-ports.js';
import { HostedStrategies } from './strategy-runner.js';

export interface ApplicationOptions {
  readonly config: EngineConfig;
  readonly secrets: Secrets;
  readonly logger: Logger;
  readonly progress?: ProgressReporter;
  readonly metrics?: MetricsRegistry;
  readonly clock?: Clock;
  /** Where strategy packages are resolved from (the deployment folder). */
  readonly deploymentDir?: string;
  /** An already open database (tests); otherwise opened from the config. */
  readonly database?: Database;
  readonly overrides?: ContainerOverrides;
  /** Serve the dashboard even when disabled in config (tests use port 0). */
  readonly dashboard?: boolean;
}

/**
 * The running bot: builds the container, starts the components in dependency order, wires the
 * event flow between them, and stops them in reverse. One instance per process.
 */
export class Application {
  readonly container: DependencyContainer;
  readonly engine: TradingEngine;
  readonly approvals: ApprovalService | null;
  readonly alerts: AlertSink;
  private readonly decisions: BatchedDecisionLog;
  private readonly triggers: StoredTriggers;
  private readonly poller: TradePoller;
  private readonly databaseWatch: DatabaseWatch;
  private readonly disposers: (() => void)[] = [];
  private dashboardAddress: DashboardAddress | null = null;
  private started = false;
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly options: ApplicationOptions,
    readonly database: Database,
    private readonly ownsDatabase: boolean,
  ) {
    const metrics = options.metrics ?? new MetricsRegistry({ collectProcessMetrics: true });
    const clock = options.clock ?? systemClock;
    const { config, logger } = options;
    this.container = createContainer(
      { config, secrets: options.secrets, logger, metrics, clock, database },
      options.overrides ?? {},
    );
    const c = this.container;
    this.alerts =
      options.overrides?.alerts ??
      createAlertSink({
        config,
        secrets: options.secrets,
        logger,
        metrics: c.resolve<EngineMetrics>(Tokens.EngineMetrics),
        clock,
      });
    if (options.overrides?.alerts === undefined) c.register(Tokens.Alerts, { useValue: this.alerts });

    const execution = this.execution;
    const helpers = c.resolve<TradeHelpers>(Tokens.TradeHelpers);
    this.triggers = new StoredTriggers(c.resolve(Tokens.TriggerRepository));
    this.decisions = new BatchedDecisionLog(c.resolve(Tokens.DecisionRepository), logger);
    const watchlist = new StoredWatchlist(c.resolve(Tokens.WatchlistRepository));
    this.approvals = config.approval.required
      ? new ApprovalService({
          store: new StoredApprovals(c.resolve(Tokens.ApprovalRepository)),
          executor: execution,
          prices: helpers,
          alerts: this.alerts,
          clock,
          logger,
          metrics,
          windowSeconds: config.approval.windowSeconds,
          maxPriceDeviation: config.filters.maxPriceDeviation,
          triggers: this.triggers,
          threshold: config.risk.priceThreshold,
        })
      : null;
    const books = c.resolve<BookStore>(Tokens.BookStore);
    this.engine = new TradingEngine({
      config,
      markets: new CatalogMarketLookup(
        this.ingestion.catalog,
        c.resolve<MarketRepositoryApi>(Tokens.MarketRepository),
      ),
      books: { book: (tokenId) => (books.isSynced(tokenId) ? books.view(tokenId) : null) },
      positions: new ExecutionPositions(execution),
      triggers: this.triggers,
      strategies: new HostedStrategies(this.strategyHost),
      executor: execution,
      decisions: this.decisions,
      watchlist,
      approvals: this.approvals,
      tradeSize: async (conditionId, price, tokenId) =>
        (await helpers.getTradeSizeAtPrice(conditionId, price, { tokenId }))?.sizeText ?? null,
      clock,
      logger,
      metrics,
    });
    this.poller = new TradePoller({
      watchlist,
      recentTrades: async (tokenId, maxAgeSeconds) =>
        (await helpers.getRecentTrades(tokenId, { maxAgeSeconds }))
          .filter((trade) => trade.tokenId === tokenId)
          .map((trade) => ({
            tokenId: trade.tokenId,
            price: trade.priceText,
            size: trade.sizeText,
            side: trade.side,
            timestamp: trade.timestamp,
            source: 'rest' as const,
            receivedAt: clock.now(),
            receivedMark: performance.now(),
          })),
      sink: (event) => this.engine.onTrade(event),
      clock,
      logger,
      maxAgeSeconds: config.filters.maxTradeAgeSeconds,
    });
    this.databaseWatch = new DatabaseWatch(
      database,
      {
        onLost: (reason) => {
          this.engine.pause('database');
          this.alerts.alert({
            severity: 'critical',
            title: 'Database unreachable: processing stopped',
            detail: reason,
          });
        },
        onRestored: () => {
          this.engine.resume('database');
          this.alerts.alert({ severity: 'info', title: 'Database reachable again: processing resumed' });
        },
        logger,
        // Every event that arrives between the database's return and the next ping is dropped,
        // so the watch pings often: a trivial query twice a second.
      },
      500,
    );
    c.register(Tokens.DashboardData, {
      useValue: new StoredDashboardData({
        orders: c.resolve(Tokens.OrderRepository),
        positions: c.resolve(Tokens.PositionRepository),
        watchlist: c.resolve(Tokens.WatchlistRepository),
        approvalRows: c.resolve(Tokens.ApprovalRepository),
        approvals: this.approvals,
        execution,
        clock,
      }),
    });
  }

  /** Opens (or adopts) the database, migrates it and builds the application; nothing runs yet. */
  static async create(options: ApplicationOptions): Promise<Application> {
    const progress = options.progress ?? silentProgress;
    if (options.database !== undefined) return new Application(options, options.database, false);
    const { database: db } = options.config;
    progress.step('database', db.url === null ? `embedded PostgreSQL in ${db.dataDir}` : 'PostgreSQL');
    const database = await openDatabase({
      url: db.url,
      dataDir: db.dataDir,
      poolSize: db.poolSize,
      applicationName: 'polybot',
    });
    try {
      const report = await database.migrate();
      if (report.applied.length > 0) options.logger.info('migrations applied', { applied: report.applied });
      return new Application(options, database, true);
    } catch (error) {
      await database.close();
      throw error;
    }
  }

  get execution(): ExecutionService {
    return this.container.resolve<ExecutionService>(Tokens.ExecutionService);
  }

  get ingestion(): IngestionService {
    return this.container.resolve<IngestionService>(Tokens.Ingestion);
  }

  get strategyHost(): StrategyHost {
    return this.container.resolve<StrategyHost>(Tokens.StrategyHost);
  }

  get exchange(): Exchange {
    return this.container.resolve<Exchange>(Tokens.Exchange);
  }

  get health(): HealthRegistry {
    return this.container.resolve<HealthRegistry>(Tokens.Health);
  }

  get dashboard(): DashboardAddress | null {
    return this.dashboardAddress;
  }

  /** Starts everything in dependency order; on a failure, stops what had started and rethrows. */
  async start(): Promise<void> {
    const progress = this.options.progress ?? silentProgress;
    const { config, logger } = this.options;
    try {
      await this.refuseMixedModes();
      progress.step('strategies', config.strategies.map((s) => s.name ?? s.package).join(', '));
      await this.strategyHost.start(this.options.deploymentDir ?? process.cwd());
      this.disposers.push(
        this.strategyHost.onAlert((alert) =>
          this.alerts.alert({
            severity: alert.kind === 'quarantined' ? 'critical' : 'warning',
            title: `Strategy ${alert.strategy} ${alert.kind}`,
            detail: alert.message,
          }),
        ),
      );
      progress.step(
        'exchange',
        config.mode === 'live' ? 'connecting to the CLOB (live)' : 'paper trading (dry-run)',
      );
      const reconcile = await this.execution.start();
      await this.triggers.warm(config.risk.priceThreshold);
      logger.info('execution ready', { mode: config.mode, ...reconcile });
      this.wireFeed(this.ingestion.feed);
      progress.step('markets', `syncing up to ${config.ingestion.startupMarketLimit} markets`);
      const summary = await this.ingestion.start();
      progress.step(
        'subscriptions',
        `${this.ingestion.feed.health().subscribed} tokens on ${this.ingestion.feed.health().connections} connections`,
      );
      logger.info('market catalogue ready', { ...summary });
      this.registerHealthChecks();
      this.approvals?.start();
      this.poller.start();
      this.databaseWatch.start();
      if (config.dashboard.enabled || this.options.dashboard === true) {
        this.dashboardAddress = await this.container.resolve<DashboardServer>(Tokens.DashboardServer).start();
        progress.step('dashboard', `http://${this.dashboardAddress.host}:${this.dashboardAddress.port}`);
      }
      this.started = true;
      progress.done('polybot is running');
      logger.info('polybot started', { mode: config.mode, strategies: this.strategyHost.names });
    } catch (error) {
      logger.error('start-up failed', { error: describeError(error) });
      await this.stop();
      throw error;
    }
  }

  /**
   * A database holds one trading mode's state. Paper orders and positions loaded into a live
   * engine would count against live risk limits and trigger exits for holdings that do not
   * exist (and live holdings would confuse the paper venue), so mixing is refused at start.
   */
  private async refuseMixedModes(): Promise<void> {
    const live = this.options.config.mode === 'live';
    const orders = this.container.resolve<OrderRepositoryApi>(Tokens.OrderRepository);
    if (await orders.hasOrdersInMode(live)) {
      throw new ConfigError(
        `this database (${this.database.displayUrl}) holds ${live ? 'dry-run (paper)' : 'live'} orders; ` +
          `${live ? 'live' : 'dry-run'} trading needs a database of its own: set DATABASE_URL or POLYBOT_DATA_DIR to another one`,
      );
    }
  }

  /**
   * Graceful stop: intake first (feed, poller), then the event in hand finishes, orders are left
   * in a known state, the tape and decision log are flushed, and the database closes last.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const { logger } = this.options;
    const step = async (name: string, action: () => Promise<unknown> | unknown): Promise<void> => {
      try {
        await action();
      } catch (error) {
        logger.error(`stop: ${name} failed`, { error: describeError(error) });
      }
    };
    for (const dispose of this.disposers.splice(0)) dispose();
    await step('trade poller', () => this.poller.stop());
    await step('ingestion', () => this.ingestion.stop());
    await step('core', () => this.engine.stop());
    this.approvals?.stop();
    this.databaseWatch.stop();
    await step('execution', () => this.execution.stop());
    await step('strategies', () => this.strategyHost.stop());
    await step('dashboard', () => this.container.resolve<DashboardServer>(Tokens.DashboardServer).stop());
    await step('decision log', () => this.decisions.close());
    await step('tape', () => this.container.resolve<TapeWriterApi>(Tokens.TapeWriter).close());
    if (this.ownsDatabase) await step('database', () => this.database.close());
    if (this.started) logger.info('polybot stopped');
  }

  /** Ingestion → core and execution. Listeners are synchronous and O(1): the queue does the work. */
  private wireFeed(feed: MarketFeed): void {
    const execution = this.execution;
    this.disposers.push(
      feed.on('trade', (event: LastTradeEvent) => this.engine.onTrade(toTradeEvent(event))),
      feed.on('book', (event) => execution.onBookUpdate(event.tokenId)),
      feed.on('priceChange', (event) => {
        for (const change of event.changes) execution.onBookUpdate(change.tokenId);
      }),
      feed.on('tickSizeChange', (event) => execution.onTickSizeChange(event.tokenId, event.newTickSize)),
      feed.on('status', (status) => {
        if (status.state === 'paused') this.engine.pause('feed');
        if (status.state === 'resumed') this.engine.resume('feed');
      }),
      feed.on('alert', (alert) =>
        this.alerts.alert({
          severity: alert.severity === 'recovered' ? 'info' : alert.severity,
          title: `Market feed: ${alert.code}`,
          detail: alert.message,
        }),
      ),
    );
  }

  private registerHealthChecks(): void {
    const health = this.health;
    if (health.names().length > 0) return;
    health.register('database', async () => {
      const ping = await this.database.ping();
      return { healthy: true, detail: `${ping.backend}, ${ping.latencyMs.toFixed(1)} ms` };
    });
    health.register('feed', () => {
      const state = this.ingestion.feed.health();
      const healthy = !state.paused && (state.subscribed === 0 || state.open > 0);
      const detail = `${state.subscribed} tokens, ${state.open}/${state.connections} connections open${state.paused ? ', paused' : ''}`;
      return { healthy, detail };
    });
    health.register('exchange', () => {
      const status = this.execution.status;
      return {
        healthy: status.state === 'running',
        detail: `${status.exchange}, ${status.state}${status.tradingHalted ? ', trading halted' : ''}`,
      };
    });
    health.register('strategies', () => {
      const all = this.strategyHost.health();
      const down = all.filter((s) => s.state === 'quarantined' || s.state === 'stopped');
      return {
        healthy: all.length > 0 && down.length === 0,
        detail:
          down.length === 0
            ? `${all.length} running`
            : `${down.map((s) => `${s.name} ${s.state}`).join(', ')}`,
      };
    });
  }
}

export function toTradeEvent(event: LastTradeEvent): TradeEvent {
  return {
    tokenId: event.tokenId,
    price: event.priceText,
    size: event.sizeText,
    side: event.side,
    timestamp: event.timestamp,
    source: 'websocket',
    receivedAt: event.receivedAt,
    receivedMark: performance.now(),
  };
}

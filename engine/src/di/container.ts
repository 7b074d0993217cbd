import { container as rootContainer, type DependencyContainer, Lifecycle } from 'tsyringe';
import type { EngineConfig, Secrets } from '../config/index.js';
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
  DashboardServer,
  EngineMetrics,
  HealthRegistry,
  type AlertSink,
  type Logger,
  type MetricsRegistry,
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
  type Database,
} from '../storage/index.js';
import type { Clock } from '../util/clock.js';
import { Tokens } from './tokens.js';

/** What exists before the container: values made by the caller (the CLI, a test). */
export interface RuntimeServices {
  readonly config: EngineConfig;
  readonly secrets: Secrets;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly clock: Clock;
  readonly database: Database;
}

export interface ContainerOverrides {
  /** Replaces the venue (tests: a wrapper that simulates a crash between send and acknowledgement). */
  readonly exchange?: Exchange;
  /** Replaces the alert channel (tests: a recorder). */
  readonly alerts?: AlertSink;
}

type Constructor = new (...args: never[]) => unknown;

/**
 * The composition root: every binding of the engine, explicit and in one place. Each
 * constructor injects by token, so a test builds this container and replaces only what stands
 * for the outside world (the venue, Telegram) — never our own components.
 */
export function createContainer(
  services: RuntimeServices,
  overrides: ContainerOverrides = {},
  parent: DependencyContainer = rootContainer,
): DependencyContainer {
  const c = parent.createChildContainer();
  const singleton = (token: symbol, cls: Constructor): void => {
    c.register(token, { useClass: cls }, { lifecycle: Lifecycle.ContainerScoped });
  };

  // Cross-cutting values
  c.register(Tokens.Config, { useValue: services.config });
  c.register(Tokens.Secrets, { useValue: services.secrets });
  c.register(Tokens.Logger, { useValue: services.logger });
  c.register(Tokens.Metrics, { useValue: services.metrics });
  c.register(Tokens.Clock, { useValue: services.clock });
  c.register(Tokens.Database, { useValue: services.database });
  singleton(Tokens.EngineMetrics, EngineMetrics);
  singleton(Tokens.Health, HealthRegistry);

  // Storage
  singleton(Tokens.MarketRepository, MarketRepository);
  singleton(Tokens.TapeRepository, TapeRepository);
  singleton(Tokens.TriggerRepository, TriggerRepository);
  singleton(Tokens.OrderRepository, OrderRepository);
  singleton(Tokens.FillRepository, FillRepository);
  singleton(Tokens.PositionRepository, PositionRepository);
  singleton(Tokens.BalanceRepository, BalanceRepository);
  singleton(Tokens.WatchlistRepository, WatchlistRepository);
  singleton(Tokens.ApprovalRepository, ApprovalRepository);
  singleton(Tokens.DecisionRepository, DecisionRepository);
  singleton(Tokens.TapeWriter, TapeWriter);

  // Ingestion (stores through storage's repository and tape writer)
  c.register(Tokens.MarketSink, { useToken: Tokens.MarketRepository });
  c.register(Tokens.TapeSink, { useToken: Tokens.TapeWriter });
  singleton(Tokens.HttpClient, HttpClient);
  singleton(Tokens.GammaClient, GammaClient);
  singleton(Tokens.ClobPublicClient, ClobPublicClient);
  singleton(Tokens.DataApiClient, DataApiClient);
  singleton(Tokens.BookStore, BookStore);
  singleton(Tokens.MarketCatalog, MarketCatalog);
  singleton(Tokens.MarketFeed, MarketFeed);
  singleton(Tokens.SubscriptionBridge, SubscriptionBridge);
  singleton(Tokens.TradeHelpers, TradeHelpers);
  singleton(Tokens.Ingestion, IngestionService);

  // Plugin host
  singleton(Tokens.StrategyHost, StrategyHost);

  // Execution
  c.register(Tokens.PriceVerifier, { useToken: Tokens.TradeHelpers });
  singleton(Tokens.BookSource, IngestionBookSource);
  singleton(Tokens.MarketRulesSource, StoredMarketRules);
  singleton(Tokens.FeeSchedules, ClobFeeSchedules);
  if (overrides.exchange !== undefined) c.register(Tokens.Exchange, { useValue: overrides.exchange });
  else singleton(Tokens.Exchange, services.config.mode === 'live' ? LiveExchange : PaperExchange);
  singleton(Tokens.ExecutionService, ExecutionService);

  // Monitoring surface
  if (overrides.alerts !== undefined) c.register(Tokens.Alerts, { useValue: overrides.alerts });
  singleton(Tokens.DashboardServer, DashboardServer);
  return c;
}

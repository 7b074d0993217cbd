/**
 * Every injectable service has one token here. Constructors inject by these tokens
 * (`@inject(Tokens.X)`), so nothing depends on emitted decorator metadata, and a test swaps a
 * service by registering a different value for the same token in a child container.
 */
export const Tokens = {
  // Cross-cutting
  Config: Symbol('Config'),
  Secrets: Symbol('Secrets'),
  Logger: Symbol('Logger'),
  Metrics: Symbol('Metrics'),
  Clock: Symbol('Clock'),
  Health: Symbol('Health'),
  Alerts: Symbol('Alerts'),
  EngineMetrics: Symbol('EngineMetrics'),
  Progress: Symbol('Progress'),
  DashboardData: Symbol('DashboardData'),
  DashboardServer: Symbol('DashboardServer'),

  // Storage
  Database: Symbol('Database'),
  MarketRepository: Symbol('MarketRepository'),
  TapeRepository: Symbol('TapeRepository'),
  TriggerRepository: Symbol('TriggerRepository'),
  OrderRepository: Symbol('OrderRepository'),
  FillRepository: Symbol('FillRepository'),
  PositionRepository: Symbol('PositionRepository'),
  BalanceRepository: Symbol('BalanceRepository'),
  WatchlistRepository: Symbol('WatchlistRepository'),
  ApprovalRepository: Symbol('ApprovalRepository'),
  DecisionRepository: Symbol('DecisionRepository'),

  // Ingestion
  HttpClient: Symbol('HttpClient'),
  GammaClient: Symbol('GammaClient'),
  ClobPublicClient: Symbol('ClobPublicClient'),
  DataApiClient: Symbol('DataApiClient'),
  MarketCatalog: Symbol('MarketCatalog'),
  MarketFeed: Symbol('MarketFeed'),
  BookStore: Symbol('BookStore'),
  TradeHelpers: Symbol('TradeHelpers'),
  TapeWriter: Symbol('TapeWriter'),
  /** Where the catalogue stores markets (bound to a storage adapter by the composition root). */
  MarketSink: Symbol('MarketSink'),
  /** Where the feed appends trades and book updates for replay (bound to the batching tape writer). */
  TapeSink: Symbol('TapeSink'),
  SubscriptionBridge: Symbol('SubscriptionBridge'),
  Ingestion: Symbol('Ingestion'),

  // Plugin host
  StrategyHost: Symbol('StrategyHost'),

  // Core and execution
  EventQueue: Symbol('EventQueue'),
  HardFilters: Symbol('HardFilters'),
  Engine: Symbol('Engine'),
  Exchange: Symbol('Exchange'),
  ExecutionService: Symbol('ExecutionService'),
  RiskGate: Symbol('RiskGate'),
  BalanceManager: Symbol('BalanceManager'),
  /** G5 check against the live book (bound to ingestion's TradeHelpers, which has verifyPrice). */
  PriceVerifier: Symbol('PriceVerifier'),
  /** Full-depth live books for execution (bound to execution's IngestionBookSource over the BookStore). */
  BookSource: Symbol('BookSource'),
  /** Tick size / min size / neg-risk by token for the paper venue (bound to the market catalogue). */
  MarketRulesSource: Symbol('MarketRulesSource'),
  /** Taker fee schedules by market (bound to execution's ClobFeeSchedules; optional). */
  FeeSchedules: Symbol('FeeSchedules'),
  /** Optional tuning of execution (timeouts, sync intervals); defaults apply when unbound. */
  ExecutionOptions: Symbol('ExecutionOptions'),
  /** Optional: how the live exchange loads its client and bounds its calls. */
  LiveExchangeOptions: Symbol('LiveExchangeOptions'),
} as const;

export type TokenName = keyof typeof Tokens;

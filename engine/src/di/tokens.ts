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
} as const;

export type TokenName = keyof typeof Tokens;

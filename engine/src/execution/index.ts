/**
 * Execution: from an order request to fills and positions, in dry run (paper venue) or live
 * (CLOB V2). Other areas import only from here.
 */
export {
  ExecutionService,
  type ExecutionOptions,
  type ExecutionState,
  type ExecutionStatus,
  type OrderRequest,
  type ReconcileReport,
  type SubmitResult,
} from './execution-service.js';
export { EXCHANGE_KINDS } from './exchange.js';
export { ALERT_SEVERITIES } from './ports.js';
export type {
  BalanceOptions,
  CancelResult,
  Exchange,
  ExchangeKind,
  FillListener,
  FillQuery,
  OrderDraft,
  PlaceOrderResult,
  PlacementStatus,
  PreparedOrder,
  VenueBook,
  VenueFill,
  VenueOrder,
  VenueOrderStatus,
} from './exchange.js';
export {
  PaperExchange,
  PAPER_BALANCE_SOURCE,
  paperOrderId,
  type PaperRestoreState,
  type RestingOrderSeed,
} from './paper-exchange.js';
export { LiveExchange, type ClobModule, type LiveExchangeOptions } from './live-exchange.js';
export { resolveLiveCredentials, type LiveCredentials } from './credentials.js';
export {
  OrderSigner,
  deterministicSalt,
  V2_EXCHANGES,
  type SignedOrderV2,
  type SignatureType,
} from './order-signer.js';
export { StoredMarketRules } from './market-rules.js';
export { ClobFeeSchedules, type FeeScheduleSource } from './fee-schedules.js';
export { IngestionBookSource, EXECUTION_BOOK_DEPTH } from './ingestion-book-source.js';
export type {
  AlertSink,
  AlertSeverity,
  BookLike,
  BookLevelLike,
  BookSource,
  FeeSchedule,
  MarketRulesSource,
  PaperMarketRules,
  PriceVerifier,
} from './ports.js';
export {
  ExecutionStoppedError,
  InvalidOrderError,
  OrderRejectedError,
  PriceDivergenceError,
  RiskLimitError,
  TradingHaltedError,
  VenueRejectedError,
  VenueUnavailableError,
  isOrderRejection,
  type OrderRejection,
  type RejectionReason,
} from './errors.js';
export {
  ROUNDING_CONFIG,
  TICK_SIZES,
  planOrder,
  parseTickSize,
  roundPriceToTick,
  limitOrderAmounts,
  marketOrderAmounts,
  sharesForNotional,
  type MarketRules,
  type OrderPlan,
  type OrderSpec,
  type TickSize,
} from './order-math.js';
export { exitReason, type ExitReason } from './exit-policy.js';

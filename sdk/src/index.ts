export { API_VERSION, SUPPORTED_API_VERSIONS, isSupportedApiVersion } from './version.js';
export type {
  BookLevel,
  MarketInfo,
  OrderBookView,
  PositionView,
  Side,
  StrategyContext,
  TokenInfo,
  TriggerInfo,
  TriggerSource,
} from './context.js';
export {
  buy,
  ignore,
  sell,
  watch,
  validateSignal,
  MAX_REASON_LENGTH,
  ORDER_TYPES,
  SIGNAL_ACTIONS,
  type BuySignal,
  type IgnoreSignal,
  type OrderType,
  type SellSignal,
  type Signal,
  type SignalAction,
  type SignalValidation,
  type WatchSignal,
} from './signal.js';
export {
  checkStrategyDefinition,
  defineStrategy,
  isStrategy,
  STRATEGY_BRAND,
  StrategyDefinitionError,
  type Strategy,
  type StrategyDefinition,
  type StrategyStartInfo,
} from './strategy.js';
export { pluginManifestSchema, STRATEGY_KEYWORD, type PluginManifest } from './manifest.js';
export type { JsonSchema, JsonSchemaType } from './json-schema.js';

export type {
  AlertSeverity,
  EngineConfig,
  IsolationMode,
  PolymarketCreds,
  Secrets,
  StrategyConfig,
  TradingMode,
} from './types.js';
export { DEFAULT_CONFIG, NO_SECRETS, POLYMARKET_HOSTS, mergeConfig, testConfig } from './defaults.js';
export {
  loadConfig,
  MIN_DASHBOARD_API_KEY_LENGTH,
  type ConfigFlags,
  type ConfigSources,
  type LoadConfigOptions,
  type LoadedConfig,
} from './load.js';
export { ENV_VARS, type EnvVarSpec } from './env.js';
export { readCredsFile, type CredsFileResult, type CredsFileStatus } from './creds.js';
export { bundledConfigFile, deploymentSchemaPath, validateDeployment, type SchemaProblem } from './schema.js';
export { DEFAULT_STRATEGY, isDefaultStrategy, resolveStrategies } from './strategies.js';
export { effectiveConfigView, maskSecrets, secretValues, type EffectiveConfigView } from './show.js';
export { isLoopbackHost } from './network.js';

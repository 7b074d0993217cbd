export { StrategyHost, PLUGIN_HOST_TUNING, type PluginHostTuning } from './strategy-host.js';
export type {
  EvaluationResult,
  PluginSource,
  StrategyAlert,
  StrategyAlertKind,
  StrategyHealth,
  StrategyInput,
  StrategyState,
} from './types.js';
export { PluginLoadError, PluginLoadErrors, StrategyUnavailableError, type PluginCheck } from './errors.js';
export {
  ENGINE_DIR,
  FIRST_PARTY_STRATEGIES,
  findPackageDir,
  isPathSpec,
  locatePlugin,
  parsePackageSpec,
  type DiscoveryOptions,
  type PluginLocation,
} from './discovery.js';
export { readPluginPackage, SDK_PACKAGE, type PluginPackage } from './manifest.js';
export { resolveParams } from './params.js';
export { PROTOCOL_VERSION } from './protocol.js';
export {
  installPlugin,
  readTarballManifest,
  scrubbedEnv,
  type InstallOptions,
  type InstalledPlugin,
} from './installer.js';
export { scaffoldStrategy, type ScaffoldOptions, type ScaffoldResult } from './scaffold.js';
export { listStrategies, type ListedStrategy } from './listing.js';
export { computeReadGrants, buildPermissionArgs, permissionFlag, type ReadGrant } from './permissions.js';

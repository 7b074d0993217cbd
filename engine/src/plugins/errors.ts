import { FatalError, StrategyError } from '../errors.js';

/** The checks a strategy passes before trading starts, in the order the host runs them. */
export type PluginCheck =
  | 'spec'
  | 'not_installed'
  | 'version'
  | 'package_json'
  | 'manifest'
  | 'keyword'
  | 'peer_dependency'
  | 'manifest_schema'
  | 'api_version'
  | 'entry'
  | 'sdk'
  | 'import'
  | 'export'
  | 'params'
  | 'start'
  | 'init_timeout'
  | 'config'
  | 'install';

const CHECK_TITLES: Record<PluginCheck, string> = {
  spec: 'strategy spec',
  not_installed: 'installation',
  version: 'installed version',
  package_json: 'package.json',
  manifest: 'manifest ("polybot" field)',
  keyword: 'keyword',
  peer_dependency: 'peer dependency',
  manifest_schema: 'manifest schema',
  api_version: 'API version',
  entry: 'entry',
  sdk: 'SDK',
  import: 'import',
  export: 'default export',
  params: 'params',
  start: 'onStart',
  init_timeout: 'start-up time',
  config: 'configuration',
  install: 'install',
};

/**
 * A strategy could not be loaded. The message names the plugin, the check that failed and how
 * to fix it, because the operator reads it at start-up and nothing trades until it is solved.
 */
export class PluginLoadError extends FatalError {
  constructor(
    readonly plugin: string,
    readonly check: PluginCheck,
    readonly detail: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(
      `plugin_${check}`,
      `strategy "${plugin}": ${CHECK_TITLES[check]} check failed: ${detail}. Fix: ${hint}`,
      options,
    );
  }
}

/** Several strategies failed to load; every failure is listed. */
export class PluginLoadErrors extends FatalError {
  constructor(readonly failures: readonly PluginLoadError[]) {
    super(
      'plugin_load_failed',
      failures.length === 1
        ? (failures[0]?.message ?? 'a strategy failed to load')
        : `${failures.length} strategies failed to load:\n${failures.map((f) => `  - ${f.message}`).join('\n')}`,
    );
  }
}

/** An evaluation could not be served; the market is skipped. */
export class StrategyUnavailableError extends StrategyError {
  constructor(strategy: string, reason: string) {
    super('strategy_unavailable', `strategy "${strategy}" is unavailable: ${reason}`);
  }
}

import { inject, injectable } from 'tsyringe';
import type { EngineConfig, StrategyConfig } from '../config/types.js';
import { Tokens } from '../di/tokens.js';
import type { Logger } from '../monitoring/logger.js';
import type { MetricsRegistry } from '../monitoring/metrics.js';
import { locatePlugin } from './discovery.js';
import { PluginLoadError, PluginLoadErrors, StrategyUnavailableError } from './errors.js';
import { StrategyInstance, type InstanceOptions } from './instance.js';
import { readPluginPackage } from './manifest.js';
import { PluginMetrics } from './metrics.js';
import { buildPermissionArgs, computeReadGrants, RUNTIME_FILE } from './permissions.js';
import type { EvaluationResult, StrategyAlert, StrategyHealth, StrategyInput } from './types.js';

/** Plugin-host settings that have no key in the deployment config (yet); read when present. */
export interface PluginHostTuning {
  /** Import + onStart of one strategy. A plugin's import can hang, so it has its own limit. */
  readonly initTimeoutMs: number;
  readonly restartBaseMs: number;
  readonly restartMaxMs: number;
  readonly maxQueue: number;
}

export const PLUGIN_HOST_TUNING: PluginHostTuning = {
  initTimeoutMs: 10_000,
  restartBaseMs: 250,
  restartMaxMs: 30_000,
  maxQueue: 64,
};

/** Instance names become metric labels and log fields: the SDK's strategy-name rule. */
const INSTANCE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

function tuning(config: EngineConfig): PluginHostTuning {
  const extra = config.plugins as Partial<PluginHostTuning>;
  const pick = (key: keyof PluginHostTuning): number => {
    const value = extra[key];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : PLUGIN_HOST_TUNING[key];
  };
  return {
    initTimeoutMs: pick('initTimeoutMs'),
    restartBaseMs: pick('restartBaseMs'),
    restartMaxMs: pick('restartMaxMs'),
    maxQueue: pick('maxQueue'),
  };
}

/**
 * Runs the configured strategies, each in its own isolated runtime, and asks them for signals.
 * `start()` loads every strategy and fails (listing every problem) unless all of them pass their
 * checks; after that a misbehaving strategy is restarted or quarantined on its own while the
 * others keep evaluating.
 */
@injectable()
export class StrategyHost {
  private readonly instances = new Map<string, StrategyInstance>();
  private readonly order: StrategyInstance[] = [];
  private readonly alertListeners = new Set<(alert: StrategyAlert) => void>();
  private readonly pluginMetrics: PluginMetrics;
  private readonly logger: Logger;
  private started = false;

  constructor(
    @inject(Tokens.Config) private readonly config: EngineConfig,
    @inject(Tokens.Logger) logger: Logger,
    @inject(Tokens.Metrics) metrics: MetricsRegistry,
  ) {
    this.logger = logger.child({ component: 'plugin-host' });
    this.pluginMetrics = new PluginMetrics(metrics);
  }

  /** Loads every configured strategy. Throws PluginLoadErrors naming each failure; nothing keeps running then. */
  async start(deploymentDir: string = process.cwd()): Promise<void> {
    if (this.started) return;
    const strategies = this.config.strategies;
    if (strategies.length === 0) this.logger.warn('no strategies configured: every event will be ignored');
    const failures: PluginLoadError[] = [];
    const loaded: StrategyInstance[] = [];
    await Promise.all(
      strategies.map(async (entry, index) => {
        try {
          const instance = new StrategyInstance(this.prepare(entry, deploymentDir), {
            logger: this.logger,
            metrics: this.pluginMetrics,
            onAlert: (alert) => this.emitAlert(alert),
          });
          await instance.start();
          loaded[index] = instance;
        } catch (error) {
          failures.push(
            error instanceof PluginLoadError
              ? error
              : new PluginLoadError(entry.name ?? entry.package, 'import', String(error), 'see the cause'),
          );
        }
      }),
    );
    const instances = loaded.filter((instance): instance is StrategyInstance => instance !== undefined);
    const seen = new Set<string>();
    for (const instance of instances) {
      if (seen.has(instance.name)) {
        failures.push(
          new PluginLoadError(
            instance.name,
            'config',
            `two configured strategies are both named "${instance.name}"`,
            'give one of them a distinct "name" in the strategies config',
          ),
        );
      }
      seen.add(instance.name);
    }
    if (failures.length > 0) {
      await Promise.all(instances.map((instance) => instance.stop()));
      for (const failure of failures) this.logger.error(failure.message);
      throw new PluginLoadErrors(failures);
    }
    for (const instance of instances) {
      instance.bindMetrics();
      this.instances.set(instance.name, instance);
      this.order.push(instance);
    }
    this.started = true;
  }

  private prepare(entry: StrategyConfig, deploymentDir: string): InstanceOptions {
    const label = entry.name ?? entry.package;
    const plugins = this.config.plugins;
    const budgetMs = entry.budgetMs ?? plugins.defaultBudgetMs;
    const memoryMb = entry.memoryMb ?? plugins.defaultMemoryMb;
    const isolation = entry.isolation ?? 'worker';
    if (!(Number.isFinite(budgetMs) && budgetMs > 0 && budgetMs < plugins.hardLimitMs)) {
      throw new PluginLoadError(
        label,
        'config',
        `budgetMs ${budgetMs} must be positive and below plugins.hardLimitMs (${plugins.hardLimitMs})`,
        'lower budgetMs or raise plugins.hardLimitMs',
      );
    }
    if (!(Number.isInteger(memoryMb) && memoryMb >= 16)) {
      throw new PluginLoadError(
        label,
        'config',
        `memoryMb ${memoryMb} must be an integer of at least 16`,
        'raise memoryMb',
      );
    }
    if (isolation !== 'worker' && isolation !== 'process') {
      throw new PluginLoadError(
        label,
        'config',
        `isolation "${String(isolation)}" is unknown`,
        'use "worker" or "process"',
      );
    }
    if (entry.name !== undefined && !INSTANCE_NAME.test(entry.name)) {
      throw new PluginLoadError(
        label,
        'config',
        `the instance name "${entry.name}" is not allowed`,
        'use lower case letters, digits, "_" and "-" (at most 64), e.g. "hpy_aggressive"',
      );
    }
    const location = locatePlugin(entry.package, { deploymentDir, pluginsDir: plugins.dir });
    // A folder is named by its package name in messages; a package spec by what the operator wrote.
    const plugin = readPluginPackage(
      location.dir,
      entry.name ?? (location.source === 'local' ? location.dir : label),
    );
    const who = entry.name ?? (location.source === 'local' ? plugin.name : label);
    const execArgv = buildPermissionArgs(computeReadGrants(plugin.dir), who);
    const tune = tuning(this.config);
    return {
      label: who,
      configuredName: entry.name,
      spec: entry.package,
      source: location.source,
      plugin,
      isolation,
      runtimeFile: RUNTIME_FILE,
      execArgv,
      memoryMb,
      budgetMs,
      hardLimitMs: plugins.hardLimitMs,
      initTimeoutMs: tune.initTimeoutMs,
      strikeLimit: plugins.strikeLimit,
      strikeWindowMs: plugins.strikeWindowSeconds * 1000,
      restartBaseMs: tune.restartBaseMs,
      restartMaxMs: tune.restartMaxMs,
      maxQueue: tune.maxQueue,
      params: entry.params,
    };
  }

  /** Instance names, in config order. */
  get names(): string[] {
    return this.order.map((instance) => instance.name);
  }

  /** The params an instance runs with, after defaults and validation (for `config show` and the dashboard). */
  params(name: string): Readonly<Record<string, unknown>> {
    return this.instance(name).effectiveParams;
  }

  evaluate(name: string, input: StrategyInput): Promise<EvaluationResult> {
    return this.instance(name).evaluate(input);
  }

  /** Asks every strategy about the same event, concurrently; results in config order. */
  evaluateAll(input: StrategyInput): Promise<EvaluationResult[]> {
    return Promise.all(this.order.map((instance) => instance.evaluate(input)));
  }

  /** Several contexts to one strategy in one message; results in input order. */
  evaluateBatch(name: string, inputs: readonly StrategyInput[]): Promise<EvaluationResult[]> {
    return this.instance(name).evaluateBatch(inputs);
  }

  /** Several contexts to every strategy (one message each); results per strategy name. */
  async evaluateBatchAll(inputs: readonly StrategyInput[]): Promise<Map<string, EvaluationResult[]>> {
    const results = await Promise.all(this.order.map((instance) => instance.evaluateBatch(inputs)));
    return new Map(this.order.map((instance, index) => [instance.name, results[index] ?? []]));
  }

  health(): StrategyHealth[] {
    return this.order.map((instance) => instance.health());
  }

  /** Lifts a quarantine (operator action). */
  release(name: string): void {
    this.instance(name).release();
  }

  /** Subscribes to alerts (quarantine, crash, restart); returns the unsubscribe function. */
  onAlert(listener: (alert: StrategyAlert) => void): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }

  async stop(): Promise<void> {
    await Promise.all(this.order.map((instance) => instance.stop()));
    this.started = false;
  }

  private instance(name: string): StrategyInstance {
    const instance = this.instances.get(name);
    if (instance === undefined)
      throw new StrategyUnavailableError(
        name,
        `no strategy of that name is loaded (loaded: ${this.names.join(', ') || 'none'})`,
      );
    return instance;
  }

  private emitAlert(alert: StrategyAlert): void {
    for (const listener of this.alertListeners) {
      try {
        listener(alert);
      } catch (error) {
        this.logger.error('alert listener failed', { error: String(error) });
      }
    }
  }
}

import type { StrategyContext } from './context.js';
import type { JsonSchema } from './json-schema.js';
import type { Signal } from './signal.js';
import { API_VERSION, isSupportedApiVersion } from './version.js';

/**
 * The brand the engine checks at load time. It is a plain string property, not a Symbol or a
 * class, because the engine and a plugin may each load their own copy of this SDK.
 */
export const STRATEGY_BRAND = '@polybot/strategy';

export interface StrategyStartInfo<P> {
  readonly name: string;
  readonly params: Readonly<P>;
}

/** What an author writes. */
export interface StrategyDefinition<P = Record<string, unknown>> {
  /** Stable identifier, e.g. "high_prob_yes": lower case, digits, `_` and `-`. */
  readonly name: string;
  /** The strategy's own version (semver). */
  readonly version: string;
  /** The SDK API version the strategy was written for; defaults to this SDK's `API_VERSION`. */
  readonly apiVersion?: number;
  readonly description?: string;
  /** JSON Schema of the params; the engine validates the configured params against it before trading. */
  readonly paramsSchema?: JsonSchema;
  /** Params used where the deployment sets none. */
  readonly defaultParams?: Readonly<P>;
  /**
   * Called once in the strategy's worker before the first evaluation. Keep it short: it runs
   * under the engine's start-up budget, and a throw here keeps the strategy from starting.
   */
  onStart?(info: StrategyStartInfo<P>): void | Promise<void>;
  /** Called once when the engine stops the strategy. */
  onStop?(): void | Promise<void>;
  /**
   * Decide. Pure logic only: no I/O, no timers, no global state that changes the answer for the
   * same context. The engine enforces a time budget per call (50 ms by default); an answer that
   * comes late counts as IGNORE.
   */
  evaluate(ctx: StrategyContext<P>): Signal | Promise<Signal>;
}

/** What `defineStrategy` returns and what a plugin's entry must export as default. */
export type Strategy<P = Record<string, unknown>> = Readonly<StrategyDefinition<P>> & {
  readonly $$type: typeof STRATEGY_BRAND;
  readonly apiVersion: number;
};

const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const SEMVER_PATTERN = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export class StrategyDefinitionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid strategy definition: ${problems.join('; ')}`);
    this.name = 'StrategyDefinitionError';
  }
}

/** Lists what is wrong with a strategy definition; empty when it is valid. */
export function checkStrategyDefinition(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['a strategy must be an object'];
  const def = value as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof def['name'] !== 'string' || !NAME_PATTERN.test(def['name'])) {
    problems.push('name must match /^[a-z0-9][a-z0-9_-]{0,63}$/');
  }
  if (typeof def['version'] !== 'string' || !SEMVER_PATTERN.test(def['version'])) {
    problems.push('version must be a semver string such as "1.0.0"');
  }
  if (def['apiVersion'] !== undefined && !isSupportedApiVersion(def['apiVersion'])) {
    problems.push(
      `apiVersion ${String(def['apiVersion'])} is not supported by this SDK (API ${API_VERSION})`,
    );
  }
  if (typeof def['evaluate'] !== 'function') problems.push('evaluate must be a function');
  for (const hook of ['onStart', 'onStop'] as const) {
    if (def[hook] !== undefined && typeof def[hook] !== 'function')
      problems.push(`${hook} must be a function`);
  }
  const schema = def['paramsSchema'];
  if (schema !== undefined && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    problems.push('paramsSchema must be a JSON Schema object');
  }
  const defaults = def['defaultParams'];
  if (
    defaults !== undefined &&
    (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults))
  ) {
    problems.push('defaultParams must be an object');
  }
  return problems;
}

/**
 * Declares a strategy. Validates the definition at once (so a typo fails in the author's own
 * tests, not in production) and brands it so the engine can recognise it at load time.
 */
export function defineStrategy<P = Record<string, unknown>>(definition: StrategyDefinition<P>): Strategy<P> {
  const problems = checkStrategyDefinition(definition);
  if (problems.length > 0) throw new StrategyDefinitionError(problems);
  return Object.freeze({
    ...definition,
    apiVersion: definition.apiVersion ?? API_VERSION,
    $$type: STRATEGY_BRAND,
  });
}

/** True for a value made by `defineStrategy`, from this copy of the SDK or any other. */
export function isStrategy(value: unknown): value is Strategy {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { $$type?: unknown }).$$type === STRATEGY_BRAND &&
    checkStrategyDefinition(value).length === 0
  );
}

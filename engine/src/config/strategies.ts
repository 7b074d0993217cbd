import type { EngineConfig, StrategyConfig } from './types.js';

/** The first-party strategy run when nothing else is configured (STRATEGY_NAME's default). */
export const DEFAULT_STRATEGY = 'high_prob_yes';
const DEFAULT_STRATEGY_PACKAGES: ReadonlySet<string> = new Set([
  DEFAULT_STRATEGY,
  '@polybot/strategy-high-prob-yes',
]);

export function isDefaultStrategy(spec: string): boolean {
  return DEFAULT_STRATEGY_PACKAGES.has(spec);
}

export interface StrategySelection {
  /** The list from the deployment file (or the defaults). */
  readonly configured: readonly StrategyConfig[];
  /** STRATEGY_NAME, when set. */
  readonly strategyName: string | undefined;
  /** --strategy specs, in order; empty when none were given. */
  readonly flagSpecs: readonly string[];
  readonly risk: EngineConfig['risk'];
}

/**
 * STRATEGY_NAME replaces the configured list with one strategy, and --strategy flags replace
 * whatever is left; a spec that matches a configured entry (by package or instance name) keeps
 * that entry's params and limits. The default strategy takes its priceThreshold and positionSize
 * from risk (PRICE_THRESHOLD, POSITION_SIZE) unless its own params set them.
 */
export function resolveStrategies(selection: StrategySelection): StrategyConfig[] {
  const pick = (spec: string): StrategyConfig =>
    selection.configured.find((s) => s.package === spec || s.name === spec) ?? { package: spec };
  let list: readonly StrategyConfig[] = selection.configured;
  if (selection.strategyName !== undefined) list = [pick(selection.strategyName)];
  if (selection.flagSpecs.length > 0) list = selection.flagSpecs.map(pick);
  return list.map((strategy) =>
    isDefaultStrategy(strategy.package)
      ? {
          ...strategy,
          params: {
            priceThreshold: selection.risk.priceThreshold,
            positionSize: selection.risk.positionSize,
            ...strategy.params,
          },
        }
      : strategy,
  );
}

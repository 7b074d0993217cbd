import type { IgnoreSignal, Signal, StrategyContext } from '@polybot/sdk';
import type { IsolationMode } from '../config/types.js';

/**
 * What core hands the host for one evaluation: the context without the per-strategy fields.
 * The worker adds `strategy` and `params` itself (they were sent once, at start), so each
 * evaluation clones only market data.
 */
export type StrategyInput = Omit<StrategyContext, 'strategy' | 'params'>;

/** Lifecycle of one strategy instance. */
export type StrategyState = 'starting' | 'running' | 'restarting' | 'quarantined' | 'stopped';

/**
 * The answer for one evaluation. Core acts on `ok` only; `over_budget` counts as IGNORE (its
 * signal says why); `error` skips the market; `unavailable` means the strategy was not asked.
 */
export type EvaluationResult =
  | { readonly status: 'ok'; readonly strategy: string; readonly signal: Signal; readonly durationMs: number }
  | {
      readonly status: 'over_budget';
      readonly strategy: string;
      readonly signal: IgnoreSignal;
      readonly durationMs: number;
    }
  | {
      readonly status: 'error';
      readonly strategy: string;
      /**
       * threw: the strategy raised; invalid_signal: it answered garbage; crashed: its runtime died;
       * invalid_input: the context could not be sent (a bug on the engine's side).
       */
      readonly cause: 'threw' | 'invalid_signal' | 'crashed' | 'invalid_input';
      readonly error: string;
      readonly durationMs: number;
    }
  | {
      readonly status: 'unavailable';
      readonly strategy: string;
      readonly state: StrategyState;
      readonly reason: string;
    };

export interface StrategyHealth {
  /** Instance name (unique in the engine). */
  readonly name: string;
  readonly package: string;
  readonly version: string;
  readonly source: PluginSource;
  /** Real path of the package the runtime loaded. */
  readonly dir: string;
  readonly isolation: IsolationMode;
  readonly state: StrategyState;
  readonly budgetMs: number;
  readonly restarts: number;
  /** Evaluations that exceeded the budget, and hard kills. */
  readonly timeouts: number;
  readonly errors: number;
  readonly invalidSignals: number;
  /** Strikes inside the current window; `strikeLimit` of them quarantine the strategy. */
  readonly strikes: number;
  readonly lastError: string | null;
  readonly quarantinedAt: number | null;
}

export type StrategyAlertKind = 'quarantined' | 'crashed' | 'restarted';

/** Raised for the operator (the engine forwards these to its alert channel). */
export interface StrategyAlert {
  readonly kind: StrategyAlertKind;
  readonly strategy: string;
  readonly message: string;
  /** Epoch milliseconds. */
  readonly at: number;
}

/** Where a plugin was found. */
export type PluginSource = 'local' | 'npm' | 'first-party';

import type { StrategyContext } from '@polybot/sdk';
import type { EvaluationOutcome, StrategyRunner } from '../core/index.js';
import { StrategyUnavailableError, type EvaluationResult, type StrategyHost } from '../plugins/index.js';

/** Maps the plugin host's detailed results onto what core acts on. */
export function toEvaluationOutcome(result: EvaluationResult): EvaluationOutcome {
  switch (result.status) {
    case 'ok':
      return { ok: true, signal: result.signal, durationMs: result.durationMs };
    case 'over_budget':
      // Over budget counts as IGNORE; its reason says so and the host has counted the timeout.
      return { ok: true, signal: result.signal, durationMs: result.durationMs };
    case 'error':
      return {
        ok: false,
        kind: result.cause === 'invalid_signal' ? 'invalid' : 'error',
        error: `${result.cause}: ${result.error}`,
        durationMs: result.durationMs,
      };
    case 'unavailable':
      return { ok: false, kind: 'unavailable', error: `${result.state}: ${result.reason}`, durationMs: 0 };
  }
}

export class HostedStrategies implements StrategyRunner {
  constructor(private readonly host: StrategyHost) {}

  strategies(): readonly string[] {
    return this.host.names;
  }

  paramsOf(strategy: string): Readonly<Record<string, unknown>> {
    return this.host.params(strategy);
  }

  async evaluate(strategy: string, ctx: StrategyContext): Promise<EvaluationOutcome> {
    // The runtime owns `strategy` and `params` (sent once at start); only market data crosses per call.
    const { strategy: _name, params: _params, ...input } = ctx;
    try {
      return toEvaluationOutcome(await this.host.evaluate(strategy, input));
    } catch (error) {
      // A name the host does not know is a skipped market for core, not a failed event.
      if (error instanceof StrategyUnavailableError)
        return { ok: false, kind: 'unavailable', error: error.message, durationMs: 0 };
      throw error;
    }
  }
}

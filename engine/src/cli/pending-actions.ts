import { FatalError } from '../errors.js';
import type { CliActions } from './actions.js';

/**
 * Stand-in for the engine's actions until the composition root provides them (the lead wires
 * `run`, `demo`, `migrate`, `strategies`, `plugins add` and `init-strategy` to the engine). Each
 * fails loudly with exit code 1; nothing pretends to work. `config show` and `--help` are complete
 * without it.
 */
export const pendingActions: CliActions = {
  run: () => notWired('run'),
  migrate: () => notWired('migrate'),
  listStrategies: () => notWired('strategies'),
  addPlugin: () => notWired('plugins add'),
  initStrategy: () => notWired('init-strategy'),
  demo: () => notWired('demo'),
};

function notWired(command: string): Promise<never> {
  return Promise.reject(
    new FatalError('not_wired', `\`polybot ${command}\` is not wired to the engine in this build`),
  );
}

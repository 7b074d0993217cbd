export type {
  CliActions,
  CommandContext,
  DemoOptions,
  InitStrategyOptions,
  InstalledPlugin,
  MigrateResult,
  RunningCommand,
  ScaffoldResult,
  StrategyListing,
} from './actions.js';
export { buildProgram, ExitCode, processIo, runCli, type CliIo } from './program.js';
export { FORCED_EXIT_CODES, ShutdownSignals, type ShutdownSignal, type SignalSource } from './signals.js';
export { pendingActions } from './pending-actions.js';

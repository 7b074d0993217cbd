import type { EngineConfig, Secrets } from '../config/index.js';
import type { Logger, ProgressReporter } from '../monitoring/index.js';

/** What every command action receives besides its own arguments. */
export interface CommandContext {
  /** Configured from the effective LOG_LEVEL; secrets are scrubbed from every line. */
  readonly logger: Logger;
  /** Startup progress: readable lines on a terminal, log lines elsewhere. */
  readonly progress: ProgressReporter;
  /**
   * Aborted on the first SIGINT/SIGTERM. A long startup should watch it and give up early; once
   * `run`/`demo` has returned its handle, the CLI calls `stop()` instead.
   */
  readonly signal: AbortSignal;
}

/** A long-running command (`run`, `demo`) as the CLI drives it. */
export interface RunningCommand {
  /**
   * Graceful stop: stop intake, finish the event in hand, leave orders in a known state, flush
   * the tape, close the database. Called once, on the first signal.
   */
  stop(): Promise<void>;
  /**
   * Settles when the command has ended: after `stop()` completed, or on its own. Rejects when it
   * ended on a fatal failure (exit code 1).
   */
  readonly finished: Promise<void>;
}

export interface MigrateResult {
  /** Migration files applied by this call, in order; empty when the database was up to date. */
  readonly applied: readonly string[];
}

export interface StrategyListing {
  /** Strategy name as the package declares it, or the spec when it could not be loaded. */
  readonly name: string;
  readonly version?: string;
  /** Package name or folder it comes from. */
  readonly package: string;
  readonly source: 'first-party' | 'plugins-dir' | 'node_modules' | 'path';
  readonly apiVersion?: number;
  /** Passed every load-time check (manifest, API version, brand, entry inside the package). */
  readonly loadable: boolean;
  /** Why it is not loadable. */
  readonly problem?: string;
}

export interface InstalledPlugin {
  readonly name: string;
  /** The exact version installed and recorded. */
  readonly version: string;
  readonly dir: string;
}

export interface InitStrategyOptions {
  /** Package name; defaults from the folder name. */
  readonly name?: string;
  /** Write into a non-empty folder. */
  readonly force?: boolean;
}

export interface ScaffoldResult {
  readonly dir: string;
  readonly files: readonly string[];
}

export interface DemoOptions {
  /** Effective config (from the bundled demo.json unless --config); always dry-run. */
  readonly config: EngineConfig;
  readonly secrets: Secrets;
  /** Stop by itself after this many seconds; null runs until a signal. */
  readonly durationSeconds: number | null;
}

/**
 * What the commands do, implemented by the composition root over the engine. The CLI framework
 * (cli/program.ts) parses arguments, loads and validates the config, sets up logging, progress
 * and signals, prints results and maps outcomes to exit codes; these functions do the work.
 */
export interface CliActions {
  run(config: EngineConfig, secrets: Secrets, ctx: CommandContext): Promise<RunningCommand>;
  migrate(config: EngineConfig, ctx: CommandContext): Promise<MigrateResult>;
  listStrategies(config: EngineConfig, ctx: CommandContext): Promise<readonly StrategyListing[]>;
  addPlugin(spec: string, config: EngineConfig, ctx: CommandContext): Promise<InstalledPlugin>;
  initStrategy(dir: string, opts: InitStrategyOptions, ctx: CommandContext): Promise<ScaffoldResult>;
  demo(opts: DemoOptions, ctx: CommandContext): Promise<RunningCommand>;
}

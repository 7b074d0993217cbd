import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  bundledConfigFile,
  effectiveConfigView,
  ENV_VARS,
  loadConfig,
  secretValues,
  type ConfigFlags,
  type LoadedConfig,
} from '../config/index.js';
import { ConfigError, describeError } from '../errors.js';
import {
  createLogger,
  createProgressReporter,
  LOG_LEVELS,
  processSecrets,
  type Logger,
  type LogLevel,
} from '../monitoring/index.js';
import type { CliActions, CommandContext, RunningCommand, StrategyListing } from './actions.js';
import { ShutdownSignals, type SignalSource } from './signals.js';

/** Exit codes: the contract with shells, systemd and tests. */
export const ExitCode = {
  /** Clean stop (including a graceful stop after SIGINT/SIGTERM). */
  Ok: 0,
  /** Runtime failure. */
  Failure: 1,
  /** Bad usage or bad configuration. */
  Usage: 2,
} as const;

/** The process around the CLI, injectable so tests run it in-process. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly signals: SignalSource;
  /** Immediate exit, used by the second signal. */
  readonly exit: (code: number) => void;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signals: process,
    exit: (code) => process.exit(code),
  };
}

interface GlobalOptions {
  readonly config?: string;
  readonly strategy?: readonly string[];
  readonly dryRun?: boolean;
  readonly live?: boolean;
  readonly logLevel?: LogLevel;
}

/** Carries an exit code out of a command action through commander's parseAsync. */
class ExitRequest extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/**
 * Parses `argv` (without node and the script path), runs the command and returns the exit code.
 * Never throws and never exits the process itself, except through `io.exit` on a second signal.
 */
export async function runCli(
  argv: readonly string[],
  actions: CliActions,
  io: CliIo = processIo(),
): Promise<number> {
  const program = buildProgram(actions, io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof ExitRequest) return error.code;
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    if (error instanceof ConfigError) {
      io.stderr.write(`polybot: ${processSecrets.scrubString(error.message)}\n`);
      return ExitCode.Usage;
    }
    io.stderr.write(`polybot: ${processSecrets.scrubString(describeError(error))}\n`);
    return ExitCode.Failure;
  }
}

export function buildProgram(actions: CliActions, io: CliIo): Command {
  const program = new Command('polybot')
    .description('A strategy-agnostic trading engine for Polymarket prediction markets.')
    .version(engineVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
    })
    .showHelpAfterError('(run polybot --help for usage)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .option(
      '--config <file>',
      'deployment file (JSON, validated against config/schema.json); env POLYBOT_CONFIG',
    )
    .option(
      '--strategy <spec>',
      'strategy to run: a first-party name, an npm package or a folder (repeatable; replaces the configured list)',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .addOption(
      new Option('--dry-run', 'trade on paper against the live book (the default); env DRY_RUN=true'),
    )
    .addOption(
      new Option(
        '--live',
        'send real orders (needs the creds file and a signing key); env DRY_RUN=false',
      ).conflicts('dryRun'),
    )
    .addOption(new Option('--log-level <level>', 'log level; env LOG_LEVEL').choices([...LOG_LEVELS]))
    .addHelpText('after', helpFooter());

  const cli = new CliRunner(actions, io);

  program
    .command('run', { isDefault: true })
    .description('run the bot (the default command): sync markets, stream trades, evaluate strategies, trade')
    .action(async (_options: unknown, command: Command) => cli.run(globals(command)));

  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .action(async (_options: unknown, command: Command) => cli.migrate(globals(command)));

  program
    .command('strategies')
    .description('list the strategies that are installed, and whether each one loads')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }, command: Command) =>
      cli.strategies(globals(command), options.json === true),
    );

  const plugins = program.command('plugins').description('manage strategy packages in the plugins folder');
  plugins
    .command('add <spec>')
    .description(
      'install a strategy package (name[@range]) into the plugins folder, install scripts disabled',
    )
    .action(async (spec: string, _options: unknown, command: Command) =>
      cli.addPlugin(spec, globals(command)),
    );

  program
    .command('init-strategy <dir>')
    .description('scaffold a ready-to-publish strategy package in <dir>')
    .option('--name <package>', 'package name (default: from the folder name)')
    .option('--force', 'write into a folder that is not empty')
    .action(async (dir: string, options: { name?: string; force?: boolean }, command: Command) =>
      cli.initStrategy(dir, options, globals(command)),
    );

  const config = program.command('config').description('inspect the configuration');
  config
    .command('show')
    .description('print the effective configuration as JSON (secrets masked) with where each value came from')
    .action((_options: unknown, command: Command) => cli.showConfig(globals(command)));

  program
    .command('demo')
    .description('run offline against the bundled simulator with scripted activity (always dry-run)')
    .option('--duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C)', parseDuration)
    .action(async (options: { duration?: number }, command: Command) =>
      cli.demo(globals(command), options.duration ?? null),
    );

  return program;
}

function globals(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

function parseDuration(value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(seconds > 0))
    throw new InvalidArgumentError('must be a positive number of seconds');
  return seconds;
}

/** The work behind each command: config, logging, signals, output. */
class CliRunner {
  constructor(
    private readonly actions: CliActions,
    private readonly io: CliIo,
  ) {}

  async run(options: GlobalOptions): Promise<void> {
    const loaded = this.load(options);
    await this.longRunning(loaded, (ctx) => this.actions.run(loaded.config, loaded.secrets, ctx));
  }

  async demo(options: GlobalOptions, durationSeconds: number | null): Promise<void> {
    if (options.live) throw new ConfigError('the demo always runs in dry-run; drop --live');
    const loaded = this.load(options, {
      configFile: options.config ?? bundledConfigFile('demo.json'),
      mode: 'dry-run',
    });
    await this.longRunning(loaded, (ctx) =>
      this.actions.demo({ config: loaded.config, secrets: loaded.secrets, durationSeconds }, ctx),
    );
  }

  async migrate(options: GlobalOptions): Promise<void> {
    const loaded = this.load(options);
    const result = await this.withContext(loaded, (ctx) => this.actions.migrate(loaded.config, ctx));
    this.io.stdout.write(
      result.applied.length === 0
        ? 'database is up to date\n'
        : `applied ${result.applied.length} migration${result.applied.length === 1 ? '' : 's'}:\n${result.applied.map((m) => `  ${m}\n`).join('')}`,
    );
  }

  async strategies(options: GlobalOptions, json: boolean): Promise<void> {
    const loaded = this.load(options);
    const listing = await this.withContext(loaded, (ctx) => this.actions.listStrategies(loaded.config, ctx));
    this.io.stdout.write(json ? `${JSON.stringify(listing, null, 2)}\n` : strategyTable(listing));
  }

  async addPlugin(spec: string, options: GlobalOptions): Promise<void> {
    const loaded = this.load(options);
    const installed = await this.withContext(loaded, (ctx) =>
      this.actions.addPlugin(spec, loaded.config, ctx),
    );
    this.io.stdout.write(`installed ${installed.name}@${installed.version} into ${installed.dir}\n`);
  }

  async initStrategy(
    dir: string,
    opts: { name?: string; force?: boolean },
    options: GlobalOptions,
  ): Promise<void> {
    // Scaffolding needs no deployment config: a broken .env must not stop it.
    const logger = this.logger(options.logLevel ?? 'info');
    const result = await this.withLogger(logger, (ctx) => this.actions.initStrategy(dir, opts, ctx));
    this.io.stdout.write(
      `created a strategy package in ${result.dir}:\n${result.files.map((f) => `  ${f}\n`).join('')}` +
        'next: npm install && npm test\n',
    );
  }

  showConfig(options: GlobalOptions): void {
    const loaded = this.load(options);
    this.io.stdout.write(
      `${processSecrets.scrubString(JSON.stringify(effectiveConfigView(loaded), null, 2))}\n`,
    );
  }

  /** Loads and validates the config and registers its secrets with the scrubber; ConfigError → exit 2. */
  private load(
    options: GlobalOptions,
    overrides: { configFile?: string; mode?: 'dry-run' } = {},
  ): LoadedConfig {
    const flags: ConfigFlags = {
      ...(options.config !== undefined ? { config: options.config } : {}),
      ...(options.strategy !== undefined ? { strategies: options.strategy } : {}),
      ...(options.dryRun ? { dryRun: true } : {}),
      ...(options.live ? { live: true } : {}),
      ...(options.logLevel !== undefined ? { logLevel: options.logLevel } : {}),
    };
    const loaded = loadConfig({
      flags,
      env: this.io.env,
      cwd: this.io.cwd,
      ...(overrides.configFile !== undefined ? { configFile: overrides.configFile } : {}),
      ...(overrides.mode !== undefined ? { mode: overrides.mode } : {}),
    });
    processSecrets.add(secretValues(loaded.config, loaded.secrets));
    return loaded;
  }

  private logger(level: LogLevel): Logger {
    return createLogger({ level, stream: this.io.stderr });
  }

  private async withContext<T>(loaded: LoadedConfig, work: (ctx: CommandContext) => Promise<T>): Promise<T> {
    const logger = this.logger(loaded.config.logLevel);
    for (const warning of loaded.warnings) logger.warn(warning);
    return this.withLogger(logger, work);
  }

  private async withLogger<T>(logger: Logger, work: (ctx: CommandContext) => Promise<T>): Promise<T> {
    const signals = new ShutdownSignals(this.io.signals, this.io.exit, (message) =>
      logger.warn(message),
    ).install();
    try {
      return await work({
        logger,
        progress: createProgressReporter({ stream: this.io.stderr, logger }),
        signal: signals.signal,
      });
    } catch (error) {
      throw this.report(logger, error);
    } finally {
      signals.uninstall();
    }
  }

  /**
   * run/demo: start, then wait until the command ends by itself or a signal stops it. The first
   * signal calls `stop()` (even one that arrived during startup); a clean stop exits 0.
   */
  private async longRunning(
    loaded: LoadedConfig,
    start: (ctx: CommandContext) => Promise<RunningCommand>,
  ): Promise<void> {
    const logger = this.logger(loaded.config.logLevel);
    for (const warning of loaded.warnings) logger.warn(warning);
    const signals = new ShutdownSignals(this.io.signals, this.io.exit, (message) =>
      logger.warn(message),
    ).install();
    try {
      const handle = await start({
        logger,
        progress: createProgressReporter({ stream: this.io.stderr, logger }),
        signal: signals.signal,
      });
      let stopping: Promise<void> = Promise.resolve();
      signals.onFirst(() => {
        stopping = handle.stop();
        // Surface a failing stop through the await below, not as an unhandled rejection.
        stopping.catch(() => undefined);
      });
      await handle.finished;
      await stopping;
      if (signals.first !== null) logger.info(`stopped cleanly after ${signals.first}`);
    } catch (error) {
      if (signals.first !== null && isAbort(error, signals.signal)) {
        logger.info(`stopped during startup after ${signals.first}`);
        return;
      }
      throw this.report(logger, error);
    } finally {
      signals.uninstall();
    }
  }

  /** Logs a failure once through the logger and turns it into the right exit code. */
  private report(logger: Logger, error: unknown): Error {
    if (error instanceof ConfigError) return error;
    logger.error(`polybot failed: ${describeError(error)}`, { error });
    return new ExitRequest(ExitCode.Failure);
  }
}

/** The command gave up because the shutdown signal aborted its startup. */
function isAbort(error: unknown, signal: AbortSignal): boolean {
  return error === signal.reason || (error instanceof Error && error.name === 'AbortError');
}

function strategyTable(listing: readonly StrategyListing[]): string {
  if (listing.length === 0) return 'no strategies found\n';
  const rows = listing.map((s) => [
    s.name,
    s.version ?? '-',
    s.source,
    s.package,
    s.loadable ? 'ok' : `not loadable: ${s.problem ?? 'unknown problem'}`,
  ]);
  const header = ['NAME', 'VERSION', 'SOURCE', 'PACKAGE', 'STATUS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .concat('\n');
  return line(header) + rows.map(line).join('');
}

function helpFooter(): string {
  const width = Math.max(...ENV_VARS.map((v) => v.name.length));
  return [
    '',
    'Precedence: defaults < --config file < environment < flags. Secrets come only from the',
    'environment and the creds file, never from a config file.',
    '',
    'Environment:',
    ...ENV_VARS.map((v) => `  ${v.name.padEnd(width)}  ${v.description} (default: ${v.defaultText})`),
    '',
    'Exit codes: 0 clean stop, 1 runtime failure, 2 bad usage or configuration,',
    '            130/143 second SIGINT/SIGTERM (the first one stops gracefully).',
    '',
  ].join('\n');
}

function engineVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

import type {
  CliActions,
  CommandContext,
  DemoOptions,
  InitStrategyOptions,
  InstalledPlugin,
  MigrateResult,
  RunningCommand,
  ScaffoldResult,
  StrategyListing,
} from '../cli/actions.js';
import type { EngineConfig, Secrets } from '../config/index.js';
import { ConfigError, describeError } from '../errors.js';
import {
  installPlugin,
  listStrategies,
  PluginLoadError,
  PluginLoadErrors,
  scaffoldStrategy,
} from '../plugins/index.js';
import { openDatabase } from '../storage/index.js';
import { Application, type ApplicationOptions } from './application.js';
import { runDemo } from './demo.js';

/** A plugin that cannot load is a configuration problem: the CLI reports it with exit code 2. */
function asConfigError(error: unknown): unknown {
  if (error instanceof PluginLoadErrors)
    return new ConfigError(
      error.message,
      error.failures.map((f) => f.message),
    );
  if (error instanceof PluginLoadError) return new ConfigError(error.message, [error.message]);
  return error;
}

/** Starts an application and exposes it as the CLI's long-running command. */
export async function startRunning(
  options: ApplicationOptions,
  signal?: AbortSignal,
): Promise<{ app: Application; command: RunningCommand }> {
  const app = await Application.create(options);
  try {
    await app.start();
  } catch (error) {
    throw asConfigError(error);
  }
  let resolveFinished: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (resolveFinished = resolve));
  const command: RunningCommand = {
    finished,
    stop: async () => {
      await app.stop();
      resolveFinished();
    },
  };
  if (signal?.aborted) await command.stop();
  return { app, command };
}

function runOptions(config: EngineConfig, secrets: Secrets, ctx: CommandContext): ApplicationOptions {
  return { config, secrets, logger: ctx.logger, progress: ctx.progress };
}

export const engineActions: CliActions = {
  async run(config, secrets, ctx): Promise<RunningCommand> {
    return (await startRunning(runOptions(config, secrets, ctx), ctx.signal)).command;
  },

  async migrate(config, ctx): Promise<MigrateResult> {
    const { database: db } = config;
    ctx.progress.step('database', db.url === null ? `embedded PostgreSQL in ${db.dataDir}` : 'PostgreSQL');
    const database = await openDatabase({
      url: db.url,
      dataDir: db.dataDir,
      poolSize: 1,
      applicationName: 'polybot-migrate',
    });
    try {
      return { applied: (await database.migrate()).applied };
    } finally {
      await database.close();
    }
  },

  async listStrategies(config): Promise<readonly StrategyListing[]> {
    return listStrategies({ deploymentDir: process.cwd(), pluginsDir: config.plugins.dir }).map((listed) => ({
      name: listed.spec,
      ...(listed.version === null ? {} : { version: listed.version }),
      package: listed.packageName,
      source: listed.source === 'local' ? 'path' : listed.source === 'npm' ? 'node_modules' : 'first-party',
      loadable: listed.loadable,
      ...(listed.problem === null ? {} : { problem: listed.problem }),
    }));
  },

  async addPlugin(spec, config, ctx): Promise<InstalledPlugin> {
    ctx.progress.step('install', `${spec} into ${config.plugins.dir}`);
    try {
      const installed = await installPlugin(spec, { dir: config.plugins.dir });
      return { name: installed.name, version: installed.version, dir: installed.dir };
    } catch (error) {
      throw asConfigError(error);
    }
  },

  async initStrategy(dir, opts: InitStrategyOptions): Promise<ScaffoldResult> {
    const name = (opts.name ?? dir.split(/[\\/]/).filter(Boolean).pop() ?? 'my_strategy')
      .toLowerCase()
      .replace(/^polybot-strategy-/, '')
      .replace(/[^a-z0-9_-]/g, '_');
    try {
      const result = scaffoldStrategy(dir, {
        name,
        ...(opts.force === undefined ? {} : { force: opts.force }),
      });
      return { dir: result.dir, files: result.files };
    } catch (error) {
      throw asConfigError(error);
    }
  },

  async demo(opts: DemoOptions, ctx): Promise<RunningCommand> {
    try {
      return await runDemo(opts, ctx);
    } catch (error) {
      ctx.logger.error('demo failed', { error: describeError(error) });
      throw asConfigError(error);
    }
  },
};

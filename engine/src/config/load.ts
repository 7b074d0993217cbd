import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { LOG_LEVELS } from '../monitoring/logger.js';
import {
  isPrivateKey,
  jsonErrorLocation,
  normalizePrivateKey,
  readCredsFile,
  type CredsFileStatus,
} from './creds.js';
import { DEFAULT_CONFIG, mergeConfig } from './defaults.js';
import { ENV_VARS, envValue, parseEnvValue, quoteEnvValue, type EnvVarSpec } from './env.js';
import { isLoopbackHost } from './network.js';
import { validateDeployment } from './schema.js';
import { resolveStrategies } from './strategies.js';
import type { EngineConfig, Secrets, StrategyConfig, TradingMode } from './types.js';

/** What the CLI flags contribute; every field is optional. */
export interface ConfigFlags {
  readonly config?: string;
  /** `--strategy` specs in order; an empty list means "not given". */
  readonly strategies?: readonly string[];
  readonly dryRun?: boolean;
  readonly live?: boolean;
  readonly logLevel?: string;
}

export interface LoadConfigOptions {
  readonly flags?: ConfigFlags;
  /** Defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Deployment file; when given (even null) it wins over flags.config and POLYBOT_CONFIG. */
  readonly configFile?: string | null;
  /** Base of relative paths (config file, creds file); defaults to process.cwd(). */
  readonly cwd?: string;
  /** Forces the trading mode over every layer (the demo is always dry-run). */
  readonly mode?: TradingMode;
}

export interface ConfigSources {
  /** The deployment file read, as given, or null. */
  readonly configFile: string | null;
  readonly credsFile: { readonly path: string; readonly status: CredsFileStatus };
  /**
   * Dotted key → where its effective value came from: "file:<path>", "env:<NAME>" or
   * "flag:--<name>". Keys still at their default are left out.
   */
  readonly values: Readonly<Record<string, string>>;
}

export interface LoadedConfig {
  readonly config: EngineConfig;
  readonly secrets: Secrets;
  readonly sources: ConfigSources;
  /** Not errors, but worth a log line at startup (e.g. a world-readable creds file). */
  readonly warnings: readonly string[];
}

/** A minimum so a dashboard key cannot be guessed in a few thousand requests. */
export const MIN_DASHBOARD_API_KEY_LENGTH = 16;

type Json = Record<string, unknown>;

interface Layer {
  readonly document: Json;
  /** JSON Pointer of a key → how to name its origin in messages and sources. */
  readonly origins: Map<string, string>;
}

/**
 * Builds the effective configuration: defaults < deployment file < environment < CLI flags.
 * Every problem in every layer is collected and thrown together as one ConfigError, each naming
 * where it came from (file and JSON path, variable, or flag). Secrets come only from the
 * environment and the creds file.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  const warnings: string[] = [];

  const configFile =
    options.configFile !== undefined
      ? options.configFile
      : (flags.config ?? envValue(env, 'POLYBOT_CONFIG') ?? null);
  const file = configFile === null ? emptyLayer() : readDeploymentFile(configFile, cwd, problems);
  const environment = readEnvironment(env, problems);
  const flagLayer = readFlags(flags, problems);

  if (problems.length > 0) {
    // The layers do not merge into something meaningful; still report the secrets' and the creds
    // file's problems with them, so one run shows everything to fix.
    const credsPath = resolve(cwd, layeredCredsFile([flagLayer, environment.layer, file]));
    const creds = readCredsFile(credsPath);
    problems.push(...creds.problems);
    buildSecrets(environment.secrets, creds.creds, problems);
    throw configError(problems);
  }

  const fileStrategies = file.document.strategies as StrategyConfig[] | undefined;
  const merged = [file.document, environment.layer.document, flagLayer.document].reduce<EngineConfig>(
    (config, layer) => mergeConfig(config, withoutStrategies(layer)),
    DEFAULT_CONFIG,
  );
  const config: EngineConfig = {
    ...merged,
    mode: options.mode ?? merged.mode,
    strategies: resolveStrategies({
      configured: fileStrategies ?? DEFAULT_CONFIG.strategies,
      strategyName: environment.strategyName,
      flagSpecs: flags.strategies ?? [],
      risk: merged.risk,
    }),
  };
  const sources = collectSources([file, environment.layer, flagLayer]);

  const credsPath = resolve(cwd, config.polymarket.credsFile);
  const creds = readCredsFile(credsPath);
  problems.push(...creds.problems);
  warnings.push(...creds.warnings);
  const secrets = buildSecrets(environment.secrets, creds.creds, problems);

  problems.push(...crossChecks(config, secrets, sources));
  if (config.mode === 'live') problems.push(...liveChecks(secrets, creds.status, credsPath));
  if (creds.creds?.chain_id !== undefined && creds.creds.chain_id !== config.polymarket.chainId)
    warnings.push(
      `creds file ${credsPath} says chain_id ${creds.creds.chain_id} but polymarket.chainId is ${config.polymarket.chainId}; orders are signed for ${config.polymarket.chainId}`,
    );

  if (problems.length > 0) throw configError(problems);
  return deepFreeze({
    config,
    secrets,
    sources: { configFile, credsFile: { path: credsPath, status: creds.status }, values: sources },
    warnings,
  });
}

function configError(problems: readonly string[]): ConfigError {
  return new ConfigError(
    `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    problems,
  );
}

/** polymarket.credsFile from the highest layer that sets it as a string, else the default. */
function layeredCredsFile(layers: readonly Layer[]): string {
  for (const layer of layers) {
    const value = (layer.document.polymarket as Json | null | undefined)?.credsFile;
    if (typeof value === 'string' && value !== '') return value;
  }
  return DEFAULT_CONFIG.polymarket.credsFile;
}

function emptyLayer(): Layer {
  return { document: {}, origins: new Map() };
}

function readDeploymentFile(path: string, cwd: string, problems: string[]): Layer {
  const absolute = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(
      code === 'ENOENT'
        ? `config file ${path} does not exist`
        : `config file ${path} cannot be read (${code ?? String(error)})`,
    );
    return emptyLayer();
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    problems.push(`config file ${path} is not valid JSON${jsonErrorLocation(error, text)}`);
    return emptyLayer();
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    problems.push(`config file ${path} must hold a JSON object`);
    return emptyLayer();
  }
  for (const problem of validateDeployment(document))
    problems.push(`${path} ${problem.path}: ${problem.message}`);
  const { $schema: _schema, ...settings } = document as Json;
  const url = (settings.database as Json | undefined)?.url;
  if (typeof url === 'string' && hasPassword(url))
    problems.push(
      `${path} /database/url: must not contain a password (secrets never go in config files); set DATABASE_URL or PGPASSWORD instead`,
    );
  return { document: settings, origins: new Map([['', `file:${path}`]]) };
}

function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return /\/\/[^/@]*:[^@/]+@/.test(url);
  }
}

type RawSecrets = Partial<
  Record<'dashboardApiKey' | 'telegramBotToken' | 'telegramChatId' | 'privateKey', string>
>;

function readEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): { layer: Layer; secrets: RawSecrets; strategyName: string | undefined } {
  const document: Json = {};
  const origins = new Map<string, string>();
  const specs = new Map<string, { spec: EnvVarSpec; raw: string }>();
  const secrets: RawSecrets = {};
  let strategyName: string | undefined;
  for (const spec of ENV_VARS) {
    const raw = envValue(env, spec.name);
    if (raw === undefined) continue;
    const parsed = parseEnvValue(spec, raw);
    if ('error' in parsed) {
      problems.push(`environment ${spec.name}${quoteEnvValue(spec, raw)}: ${parsed.error}`);
      continue;
    }
    const target = spec.target;
    if ('secret' in target) secrets[target.secret] = String(parsed.value);
    else if ('special' in target) {
      if (target.special === 'strategyName') {
        strategyName = String(parsed.value);
        setPath(document, 'strategies', [{ package: strategyName }]);
        origins.set('/strategies', `env:${spec.name}`);
        specs.set('/strategies', { spec, raw });
      }
    } else {
      setPath(document, target.config, parsed.value);
      origins.set(pointer(target.config), `env:${spec.name}`);
      specs.set(pointer(target.config), { spec, raw });
    }
  }
  for (const problem of validateDeployment(document)) {
    const origin = longestPrefix(specs, problem.path);
    problems.push(
      origin
        ? `environment ${origin.spec.name}${quoteEnvValue(origin.spec, origin.raw)}: ${problem.message}`
        : `environment ${problem.path}: ${problem.message}`,
    );
  }
  return { layer: { document, origins }, secrets, strategyName };
}

function readFlags(flags: ConfigFlags, problems: string[]): Layer {
  const document: Json = {};
  const origins = new Map<string, string>();
  if (flags.dryRun && flags.live) problems.push('flags --dry-run and --live cannot be combined');
  else if (flags.dryRun || flags.live) {
    document.mode = flags.live ? 'live' : 'dry-run';
    origins.set('/mode', flags.live ? 'flag:--live' : 'flag:--dry-run');
  }
  if (flags.logLevel !== undefined) {
    const level = flags.logLevel.toLowerCase() === 'warning' ? 'warn' : flags.logLevel.toLowerCase();
    if ((LOG_LEVELS as readonly string[]).includes(level)) {
      document.logLevel = level;
      origins.set('/logLevel', 'flag:--log-level');
    } else
      problems.push(
        `flag --log-level ${JSON.stringify(flags.logLevel)}: must be one of ${LOG_LEVELS.join(', ')}`,
      );
  }
  const specs = flags.strategies ?? [];
  if (specs.length > 0) {
    origins.set('/strategies', 'flag:--strategy');
    specs.forEach((spec, i) => {
      if (spec.trim() === '') problems.push(`flag --strategy (occurrence ${i + 1}): must not be empty`);
    });
  }
  return { document, origins };
}

function buildSecrets(raw: RawSecrets, creds: Secrets['polymarketCreds'], problems: string[]): Secrets {
  const dashboardApiKey = raw.dashboardApiKey ?? null;
  if (dashboardApiKey !== null && dashboardApiKey.length < MIN_DASHBOARD_API_KEY_LENGTH)
    problems.push(
      `environment DASHBOARD_API_KEY: must be at least ${MIN_DASHBOARD_API_KEY_LENGTH} characters`,
    );
  const telegramBotToken = raw.telegramBotToken ?? null;
  const telegramChatId = raw.telegramChatId ?? null;
  if (telegramBotToken !== null && !/^\d+:[A-Za-z0-9_-]+$/.test(telegramBotToken))
    problems.push('environment TELEGRAM_BOT_TOKEN: must look like <bot id>:<secret> as issued by @BotFather');
  if (telegramChatId !== null && !/^(-?\d+|@[A-Za-z][A-Za-z0-9_]{4,})$/.test(telegramChatId))
    problems.push('environment TELEGRAM_CHAT_ID: must be a numeric chat id or an @channel name');
  if ((telegramBotToken === null) !== (telegramChatId === null))
    problems.push(
      `environment ${telegramBotToken === null ? 'TELEGRAM_CHAT_ID' : 'TELEGRAM_BOT_TOKEN'} is set but ${telegramBotToken === null ? 'TELEGRAM_BOT_TOKEN' : 'TELEGRAM_CHAT_ID'} is not; Telegram alerts need both`,
    );
  let privateKey: string | null = null;
  if (raw.privateKey !== undefined) {
    if (isPrivateKey(raw.privateKey)) privateKey = normalizePrivateKey(raw.privateKey);
    else problems.push('environment PRIVATE_KEY: must be 64 hex digits, optionally 0x-prefixed');
  } else if (creds?.private_key !== undefined) privateKey = normalizePrivateKey(creds.private_key);
  return { dashboardApiKey, telegramBotToken, telegramChatId, privateKey, polymarketCreds: creds };
}

/** Rules that span keys; each message names where the values came from. */
function crossChecks(config: EngineConfig, secrets: Secrets, sources: Record<string, string>): string[] {
  const problems: string[] = [];
  const from = (key: string): string => describeOrigin(sources[key] ?? longestKeyPrefix(sources, key));
  if (config.exits.stopLoss >= config.exits.profitTarget)
    problems.push(
      `exits.stopLoss (${config.exits.stopLoss}, ${from('exits.stopLoss')}) must be below exits.profitTarget (${config.exits.profitTarget}, ${from('exits.profitTarget')})`,
    );
  if (config.plugins.hardLimitMs < config.plugins.defaultBudgetMs)
    problems.push(
      `plugins.hardLimitMs (${config.plugins.hardLimitMs}) must be at least plugins.defaultBudgetMs (${config.plugins.defaultBudgetMs})`,
    );
  if (config.ingestion.pingIntervalSeconds >= config.ingestion.silentFeedSeconds)
    problems.push(
      `ingestion.pingIntervalSeconds (${config.ingestion.pingIntervalSeconds}) must be below ingestion.silentFeedSeconds (${config.ingestion.silentFeedSeconds})`,
    );
  const seen = new Set<string>();
  config.strategies.forEach((strategy, i) => {
    const name = strategy.name ?? strategy.package;
    if (seen.has(name))
      problems.push(
        `strategies[${i}] (${from('strategies')}): instance name "${name}" is used twice; give one a distinct "name"`,
      );
    seen.add(name);
    if (strategy.budgetMs !== undefined && strategy.budgetMs > config.plugins.hardLimitMs)
      problems.push(
        `strategies[${i}].budgetMs (${strategy.budgetMs}) must not exceed plugins.hardLimitMs (${config.plugins.hardLimitMs})`,
      );
  });
  if (config.dashboard.enabled && !isLoopbackHost(config.dashboard.host) && secrets.dashboardApiKey === null)
    problems.push(
      `dashboard.host ${config.dashboard.host} (${from('dashboard.host')}) is not a loopback address: binding it without DASHBOARD_API_KEY is refused; set DASHBOARD_API_KEY or bind 127.0.0.1`,
    );
  return problems;
}

function liveChecks(secrets: Secrets, status: CredsFileStatus, path: string): string[] {
  const problems: string[] = [];
  if (status === 'missing')
    problems.push(
      `live mode needs Polymarket API credentials: creds file ${path} does not exist (set POLYMARKET_CREDS_FILE or copy polymarket_api_creds.json.example)`,
    );
  if (status !== 'invalid' && secrets.privateKey === null)
    problems.push(`live mode needs a signing key: set PRIVATE_KEY or private_key in ${path}`);
  return problems;
}

/** "env:STOP_LOSS" → "from STOP_LOSS"; a key nobody set is a default. */
function describeOrigin(source: string | undefined): string {
  return source === undefined ? 'default' : `from ${source.slice(source.indexOf(':') + 1)}`;
}

/** Dotted key → origin, for every leaf a layer set (arrays count as one leaf). Later layers win. */
function collectSources(layers: readonly Layer[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const layer of layers) {
    const fileOrigin = layer.origins.get('');
    for (const key of leafKeys(layer.document, '')) {
      const origin = fileOrigin ?? layer.origins.get(pointer(key));
      if (origin !== undefined) values[key] = origin;
    }
    const strategies = layer.origins.get('/strategies');
    if (strategies !== undefined) values.strategies = strategies;
  }
  return values;
}

function leafKeys(value: unknown, prefix: string): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return prefix === '' ? [] : [prefix];
  return Object.entries(value).flatMap(([key, inner]) =>
    leafKeys(inner, prefix === '' ? key : `${prefix}.${key}`),
  );
}

function longestKeyPrefix(values: Record<string, string>, key: string): string | undefined {
  let parts = key.split('.');
  while (parts.length > 0) {
    const hit = values[parts.join('.')];
    if (hit !== undefined) return hit;
    parts = parts.slice(0, -1);
  }
  return undefined;
}

function longestPrefix<T>(map: Map<string, T>, path: string): T | undefined {
  let best: T | undefined;
  let bestLength = -1;
  for (const [prefix, value] of map) {
    if ((path === prefix || path.startsWith(`${prefix}/`)) && prefix.length > bestLength) {
      best = value;
      bestLength = prefix.length;
    }
  }
  return best;
}

function withoutStrategies(document: Json): Json {
  const { strategies: _strategies, ...rest } = document;
  return rest;
}

function pointer(dotted: string): string {
  return `/${dotted.split('.').join('/')}`;
}

function setPath(target: Json, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next === 'object' && next !== null) node = next as Json;
    else {
      const created: Json = {};
      node[part] = created;
      node = created;
    }
  }
  node[parts[parts.length - 1] as string] = value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

import { maskUrl } from '../util/redact.js';

/** Where an environment variable lands: a config key (dotted path), a secret, or special handling. */
export type EnvTarget =
  | { readonly config: string }
  | { readonly secret: 'dashboardApiKey' | 'telegramBotToken' | 'telegramChatId' | 'privateKey' }
  | { readonly special: 'strategyName' | 'configFile' };

export type EnvKind = 'string' | 'number' | 'boolean' | 'dryRun' | 'logLevel';

export interface EnvVarSpec {
  readonly name: string;
  readonly target: EnvTarget;
  readonly kind: EnvKind;
  /** The default as documented (the value itself comes from DEFAULT_CONFIG). */
  readonly defaultText: string;
  readonly description: string;
  /** How a bad value may be quoted back in an error: in full, URL-masked, or not at all. */
  readonly echo: 'value' | 'url' | 'none';
}

/**
 * The environment table: the seed's variables under their seed names and defaults, plus the
 * venue endpoints, the creds file and the embedded database folder. docs/operations.md documents
 * the same table (a test keeps them in step).
 */
export const ENV_VARS: readonly EnvVarSpec[] = [
  env(
    'DATABASE_URL',
    { config: 'database.url' },
    'string',
    'unset (embedded database)',
    'PostgreSQL connection URL; unset runs the embedded database under POLYBOT_DATA_DIR',
    'url',
  ),
  env(
    'POLYBOT_DATA_DIR',
    { config: 'database.dataDir' },
    'string',
    './.polybot/data',
    'Folder of the embedded database',
  ),
  env('DRY_RUN', { config: 'mode' }, 'dryRun', 'true', 'Paper trading (true) or real orders (false)'),
  env(
    'STRATEGY_NAME',
    { special: 'strategyName' },
    'string',
    'high_prob_yes',
    'Strategy to run (a first-party name, a package or a folder); replaces the configured list',
  ),
  env(
    'PRICE_THRESHOLD',
    { config: 'risk.priceThreshold' },
    'number',
    '0.95',
    "Trigger price threshold; also the default strategy's priceThreshold",
  ),
  env(
    'POSITION_SIZE',
    { config: 'risk.positionSize' },
    'number',
    '20',
    "Dollars per position; also the default strategy's positionSize",
  ),
  env('MAX_POSITIONS', { config: 'risk.maxPositions' }, 'number', '50', 'Open positions at most'),
  env(
    'MIN_BALANCE_RESERVE',
    { config: 'risk.minBalanceReserve' },
    'number',
    '100',
    'Dollars always kept free',
  ),
  env('PROFIT_TARGET', { config: 'exits.profitTarget' }, 'number', '0.99', 'Exit price for long positions'),
  env('STOP_LOSS', { config: 'exits.stopLoss' }, 'number', '0.90', 'Stop-loss exit price'),
  env('MIN_HOLD_DAYS', { config: 'exits.minHoldDays' }, 'number', '7', 'Days before the exit rules apply'),
  env(
    'LOG_LEVEL',
    { config: 'logLevel' },
    'logLevel',
    'info',
    'error, warn (or warning), info or debug; case-insensitive',
  ),
  env(
    'DASHBOARD_ENABLED',
    { config: 'dashboard.enabled' },
    'boolean',
    'true',
    'Serve /health, /metrics and /api/*',
  ),
  env(
    'DASHBOARD_HOST',
    { config: 'dashboard.host' },
    'string',
    '127.0.0.1',
    'Bind address; a non-loopback address requires DASHBOARD_API_KEY',
  ),
  env('DASHBOARD_PORT', { config: 'dashboard.port' }, 'number', '9050', 'Bind port'),
  env(
    'DASHBOARD_API_KEY',
    { secret: 'dashboardApiKey' },
    'string',
    'unset',
    'API key every route except /health requires (X-API-Key or Authorization: Bearer); at least 16 characters',
    'none',
  ),
  env(
    'REQUIRE_APPROVAL',
    { config: 'approval.required' },
    'boolean',
    'false',
    'A BUY waits for human approval',
  ),
  env(
    'TELEGRAM_BOT_TOKEN',
    { secret: 'telegramBotToken' },
    'string',
    'unset',
    'Telegram bot token for alerts',
    'none',
  ),
  env(
    'TELEGRAM_CHAT_ID',
    { secret: 'telegramChatId' },
    'string',
    'unset',
    'Telegram chat that receives alerts',
    'none',
  ),
  env(
    'PRIVATE_KEY',
    { secret: 'privateKey' },
    'string',
    'unset',
    "Polygon wallet key that signs orders (else the creds file's private_key)",
    'none',
  ),
  env(
    'POLYMARKET_CLOB_URL',
    { config: 'polymarket.clobUrl' },
    'string',
    'https://clob.polymarket.com',
    'CLOB REST base URL',
  ),
  env(
    'POLYMARKET_WS_URL',
    { config: 'polymarket.wsUrl' },
    'string',
    'wss://ws-subscriptions-clob.polymarket.com/ws/market',
    'Market WebSocket URL',
  ),
  env(
    'POLYMARKET_GAMMA_URL',
    { config: 'polymarket.gammaUrl' },
    'string',
    'https://gamma-api.polymarket.com',
    'Gamma base URL',
  ),
  env(
    'POLYMARKET_DATA_URL',
    { config: 'polymarket.dataUrl' },
    'string',
    'https://data-api.polymarket.com',
    'Data API base URL',
  ),
  env(
    'POLYMARKET_CREDS_FILE',
    { config: 'polymarket.credsFile' },
    'string',
    './polymarket_api_creds.json',
    'Path of the Polymarket API creds file',
  ),
  env(
    'POLYBOT_CONFIG',
    { special: 'configFile' },
    'string',
    'unset',
    'Deployment file to load when --config is not given',
  ),
];

function env(
  name: string,
  target: EnvTarget,
  kind: EnvKind,
  defaultText: string,
  description: string,
  echo: EnvVarSpec['echo'] = 'value',
): EnvVarSpec {
  return { name, target, kind, defaultText, description, echo };
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export type ParsedEnvValue = { readonly value: unknown } | { readonly error: string };

/** Turns one raw environment string into its typed value; ranges are the schema's job. */
export function parseEnvValue(spec: EnvVarSpec, raw: string): ParsedEnvValue {
  const text = raw.trim();
  switch (spec.kind) {
    case 'string':
      return { value: text };
    case 'number':
      return NUMBER.test(text) ? { value: Number(text) } : { error: 'must be a number' };
    case 'boolean':
    case 'dryRun': {
      const lower = text.toLowerCase();
      const flag = TRUE.has(lower) ? true : FALSE.has(lower) ? false : undefined;
      if (flag === undefined) return { error: 'must be true or false (also 1/0, yes/no, on/off)' };
      if (spec.kind === 'dryRun') return { value: flag ? 'dry-run' : 'live' };
      return { value: flag };
    }
    case 'logLevel': {
      const lower = text.toLowerCase();
      return { value: lower === 'warning' ? 'warn' : lower };
    }
  }
}

/** The raw value as it may appear in an error message. */
export function quoteEnvValue(spec: EnvVarSpec, raw: string): string {
  if (spec.echo === 'none') return '';
  const shown = spec.echo === 'url' ? maskUrl(raw) : raw;
  return `=${JSON.stringify(shown.length > 80 ? `${shown.slice(0, 77)}...` : shown)}`;
}

/** An unset or blank variable counts as absent, so `FOO=` in an .env file does not override anything. */
export function envValue(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw;
}

import type { EngineConfig, Secrets } from './types.js';

export const POLYMARKET_HOSTS = {
  clobUrl: 'https://clob.polymarket.com',
  wsUrl: 'wss://ws-subscriptions-clob.polymarket.com/ws/market',
  gammaUrl: 'https://gamma-api.polymarket.com',
  dataUrl: 'https://data-api.polymarket.com',
} as const;

/** Defaults follow the seed's environment table; every one can be overridden. */
export const DEFAULT_CONFIG: EngineConfig = {
  mode: 'dry-run',
  logLevel: 'info',
  database: { url: null, dataDir: './.polybot/data', poolSize: 10 },
  polymarket: { ...POLYMARKET_HOSTS, chainId: 137, credsFile: './polymarket_api_creds.json' },
  ingestion: {
    startupMarketLimit: 2000,
    marketPageSize: 500,
    marketRefreshSeconds: 300,
    maxAssetsPerConnection: 100,
    connectionSpacingMs: 200,
    pingIntervalSeconds: 10,
    silentFeedSeconds: 120,
    maxDisconnectSeconds: 300,
    httpConcurrency: 10,
    httpTimeoutMs: 10_000,
    httpRetries: 3,
    tapeFlushMs: 500,
    tapeBatchSize: 2000,
  },
  strategies: [{ package: 'high_prob_yes' }],
  plugins: {
    dir: './.polybot/plugins',
    defaultBudgetMs: 50,
    hardLimitMs: 1000,
    defaultMemoryMb: 128,
    strikeLimit: 5,
    strikeWindowSeconds: 300,
  },
  filters: {
    maxTradeAgeSeconds: 300,
    minHoursToEnd: 6,
    minTradeSize: 50,
    blockedCategories: [],
    weatherTerms: [
      'rain',
      'snow',
      'hurricane',
      'storm',
      'weather',
      'temperature',
      'tornado',
      'rainfall',
      'snowfall',
    ],
    maxPriceDeviation: 0.1,
  },
  risk: {
    priceThreshold: 0.95,
    positionSize: 20,
    maxPositions: 50,
    minBalanceReserve: 100,
    minTradingBalance: 10,
  },
  exits: { profitTarget: 0.99, stopLoss: 0.9, minHoldDays: 7 },
  approval: { required: false, windowSeconds: 300 },
  dashboard: { enabled: true, host: '127.0.0.1', port: 9050 },
  paper: { startingBalance: 1000 },
  alerts: {
    telegramApiUrl: 'https://api.telegram.org',
    telegramMaxPerMinute: 20,
    telegramMinSeverity: 'warning',
  },
};

export const NO_SECRETS: Secrets = {
  dashboardApiKey: null,
  telegramBotToken: null,
  telegramChatId: null,
  privateKey: null,
  polymarketCreds: null,
};

/** A deep merge for config objects: arrays and scalars replace, objects merge. */
export function mergeConfig<T>(base: T, override: unknown): T {
  if (override === undefined) return base;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return override as T;
  if (typeof override !== 'object' || override === null || Array.isArray(override)) return override as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override as Record<string, unknown>)) {
    out[key] = key in out ? mergeConfig(out[key], value) : value;
  }
  return out as T;
}

/** A full config for tests: defaults plus whatever the test cares about. */
export function testConfig(overrides: unknown = {}): EngineConfig {
  return mergeConfig(DEFAULT_CONFIG, overrides);
}

import type { LogLevel } from '../monitoring/logger.js';

export type TradingMode = 'dry-run' | 'live';
export type AlertSeverity = 'info' | 'warning' | 'critical';
export type IsolationMode = 'worker' | 'process';

export interface StrategyConfig {
  /** An npm package name, a path to a local folder, or a first-party name such as "high_prob_yes". */
  readonly package: string;
  /** Instance name; defaults to the strategy's own name. Lets one package run twice with other params. */
  readonly name?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Time budget per evaluation, milliseconds. */
  readonly budgetMs?: number;
  readonly isolation?: IsolationMode;
  /** Heap cap for the strategy's worker, MiB. */
  readonly memoryMb?: number;
}

export interface EngineConfig {
  readonly mode: TradingMode;
  readonly logLevel: LogLevel;
  readonly database: {
    /** Real PostgreSQL when set; otherwise the embedded database under `dataDir`. */
    readonly url: string | null;
    readonly dataDir: string;
    readonly poolSize: number;
  };
  readonly polymarket: {
    readonly clobUrl: string;
    readonly wsUrl: string;
    readonly gammaUrl: string;
    readonly dataUrl: string;
    readonly chainId: number;
    readonly credsFile: string;
  };
  readonly ingestion: {
    /** Markets synced before the bot reports ready; the rest follow in the background (G8). */
    readonly startupMarketLimit: number;
    readonly marketPageSize: number;
    readonly marketRefreshSeconds: number;
    readonly maxAssetsPerConnection: number;
    /** Pause between opening two WebSocket shards. */
    readonly connectionSpacingMs: number;
    readonly pingIntervalSeconds: number;
    /** No frame at all for this long on a subscribed connection → treat it as frozen and replace it. */
    readonly silentFeedSeconds: number;
    /** Disconnected longer than this → processing pauses and an alert is raised. */
    readonly maxDisconnectSeconds: number;
    readonly httpConcurrency: number;
    readonly httpTimeoutMs: number;
    readonly httpRetries: number;
    readonly tapeFlushMs: number;
    readonly tapeBatchSize: number;
  };
  readonly strategies: readonly StrategyConfig[];
  readonly plugins: {
    /** Managed folder where `polybot plugins add` installs packages. */
    readonly dir: string;
    readonly defaultBudgetMs: number;
    /** No answer within this → the worker is terminated and restarted. */
    readonly hardLimitMs: number;
    readonly defaultMemoryMb: number;
    readonly strikeLimit: number;
    readonly strikeWindowSeconds: number;
  };
  readonly filters: {
    readonly maxTradeAgeSeconds: number;
    readonly minHoursToEnd: number;
    readonly minTradeSize: number;
    readonly blockedCategories: readonly string[];
    readonly weatherTerms: readonly string[];
    /** Maximum distance between the trigger price and the live book (G5). */
    readonly maxPriceDeviation: number;
  };
  readonly risk: {
    readonly priceThreshold: number;
    readonly positionSize: number;
    readonly maxPositions: number;
    readonly minBalanceReserve: number;
    /** Below this balance trading stops and an alert is raised. */
    readonly minTradingBalance: number;
  };
  readonly exits: {
    readonly profitTarget: number;
    readonly stopLoss: number;
    readonly minHoldDays: number;
  };
  readonly approval: {
    readonly required: boolean;
    readonly windowSeconds: number;
  };
  readonly dashboard: {
    readonly enabled: boolean;
    readonly host: string;
    readonly port: number;
  };
  readonly paper: {
    /** Starting collateral of the paper account, dollars. */
    readonly startingBalance: number;
  };
  readonly alerts: {
    /** Telegram Bot API base URL (the token is a secret and comes from TELEGRAM_BOT_TOKEN). */
    readonly telegramApiUrl: string;
    /** Telegram messages allowed per minute; alerts over the limit are counted and summarised later. */
    readonly telegramMaxPerMinute: number;
    /** Alerts below this severity go to the log only. */
    readonly telegramMinSeverity: AlertSeverity;
  };
}

/** Values that never sit in a config file: they come from the environment or the creds file. */
export interface Secrets {
  readonly dashboardApiKey: string | null;
  readonly telegramBotToken: string | null;
  readonly telegramChatId: string | null;
  readonly privateKey: string | null;
  readonly polymarketCreds: PolymarketCreds | null;
}

/** The creds file (`polymarket_api_creds.json`), as the seed defined it. */
export interface PolymarketCreds {
  readonly api_key: string;
  readonly api_secret: string;
  readonly api_passphrase: string;
  readonly private_key?: string;
  readonly funder?: string;
  readonly signature_type?: number;
  readonly host?: string;
  readonly chain_id?: number;
}

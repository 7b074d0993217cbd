/**
 * Public types of the simulator. Everything a test touches is declared here so users code against
 * one file; the venue's internal records live next to the code that owns them.
 */

/** Tick sizes the venue uses (reference §16.2/§17: 0.005 and 0.0025 are live grids, not decimals). */
export type TickSize = '0.1' | '0.01' | '0.005' | '0.0025' | '0.001' | '0.0001';
export const TICK_SIZES: readonly TickSize[] = ['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001'];

export type Side = 'BUY' | 'SELL';
export type OrderType = 'GTC' | 'GTD' | 'FOK' | 'FAK';
export type Service = 'clob' | 'gamma' | 'data';
export type Channel = 'market' | 'user';

/** One book level as a test writes it. Strings are exact; numbers are rounded to 6 decimals. */
export interface Level {
  price: number | string;
  size: number | string;
}

export interface BookSpec {
  bids: readonly Level[];
  asks: readonly Level[];
}

export interface Tag {
  readonly id: string;
  readonly label: string;
  readonly slug: string;
}

/** How much resting liquidity and history a generated market gets. */
export type LiquidityProfile = 'liquid' | 'thin' | 'illiquid';

/** A market as the venue knows it (both Gamma and CLOB views are rendered from this record). */
export interface SimMarket {
  /** Creation order (generated markets first, then scripted ones). */
  readonly index: number;
  /** Gamma id (numeric string; distinct from condition and token ids). */
  readonly id: string;
  readonly conditionId: string;
  readonly questionId: string;
  readonly question: string;
  readonly description: string;
  readonly slug: string;
  readonly category: string;
  readonly tags: readonly Tag[];
  /** Always two outcomes; `tokenIds[i]` pairs with `outcomes[i]`. */
  readonly outcomes: readonly [string, string];
  readonly tokenIds: readonly [string, string];
  readonly eventId: string;
  /** Epoch ms. */
  readonly startDate: number;
  readonly endDate: number;
  readonly createdAt: number;
  readonly negRisk: boolean;
  readonly negRiskMarketId: string | null;
  readonly groupItemTitle: string;
  tickSize: TickSize;
  readonly minOrderSize: number;
  active: boolean;
  closed: boolean;
  archived: boolean;
  acceptingOrders: boolean;
  /** Taker fee `r` of `fd:{r,e,to}` (0 = fees disabled). */
  readonly feeRate: number;
  readonly feeExponent: 1 | 2;
  /** Matching delay for marketable orders (sports markets); 0 = none. */
  readonly secondsDelay: number;
  /** Price of outcome 0 the generator built the book around. */
  readonly basePrice: number;
  readonly liquidity: LiquidityProfile;
  readonly volume: number;
  readonly volume24hr: number;
  /** True for markets created through `scenario.createMarket`. */
  readonly scripted: boolean;
}

/** A Gamma event (a group of markets; neg-risk groups share one). */
export interface SimEvent {
  readonly id: string;
  readonly slug: string;
  readonly ticker: string;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly tags: readonly Tag[];
  readonly negRisk: boolean;
  readonly startDate: number;
  readonly endDate: number;
  readonly createdAt: number;
  readonly conditionIds: string[];
}

export interface CreateMarketSpec {
  question: string;
  conditionId?: string;
  outcomes?: readonly [string, string] | readonly string[];
  tokenIds?: readonly [string, string] | readonly string[];
  endDate?: Date | number | string;
  category?: string;
  tags?: readonly string[];
  negRisk?: boolean;
  tickSize?: TickSize;
  minOrderSize?: number;
  active?: boolean;
  closed?: boolean;
  /** Taker fee r for fd:{r,e,to:true}. */
  feeRate?: number;
  feeExponent?: 1 | 2;
  secondsDelay?: number;
  /** Initial resting liquidity on outcome 0 (the first token). */
  book?: BookSpec;
}

export interface ApiCreds {
  key: string;
  secret: string;
  passphrase: string;
}

export interface PrintTradeSpec {
  tokenId: string;
  price: number | string;
  size: number | string;
  side?: Side;
  /** Epoch ms; default now. May be months old (G1). */
  timestamp?: number;
  /** Wallet shown as `proxyWallet` on the Data API. */
  wallet?: string;
}

export interface FailSpec {
  /** Exact path (no query) or a prefix ending in `*`. */
  path: string;
  method?: string;
  status: number;
  count?: number;
  /** Seconds, sent as `Retry-After` (429) or `retry_after_seconds` (503). */
  retryAfter?: number;
  body?: unknown;
  service?: Service;
}

export interface DelaySpec {
  path: string;
  method?: string;
  ms: number;
  count?: number;
  service?: Service;
}

export interface DropSpec {
  path: string;
  method?: string;
  count?: number;
  service?: Service;
}

export interface RequestLogEntry {
  readonly service: Service;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** HTTP status sent; 0 when the socket was dropped or the request hung until the client left. */
  status: number;
  /** Epoch ms (simulator clock) when the request arrived. */
  readonly at: number;
  /** The fault that shaped this response, if any. */
  fault?: 'fail' | 'delay' | 'drop';
}

export type OrderVerdict = 'accepted' | 'rejected';

export interface ReceivedOrder {
  readonly at: number;
  readonly path: '/order' | '/orders';
  /** The API key the request was authenticated with ('' when authentication failed). */
  readonly apiKey: string;
  /** One element of the request body (`{order, owner, orderType, ...}`), as parsed JSON. */
  readonly payload: unknown;
  verdict: OrderVerdict;
  orderID?: string;
  error?: string;
  /** Venue status for accepted orders: matched | live | delayed. */
  status?: string;
}

export interface ConnectionsInfo {
  /** Open market-channel sockets. */
  market: number;
  /** Asset count of each open market-channel socket. */
  assetCounts: number[];
  /** Open user-channel sockets. */
  user: number;
}

/** Order status vocabulary: legacy short words (LIVE) or the current OpenAPI enum (ORDER_STATUS_LIVE). */
export type StatusStyle = 'short' | 'enum';

export interface ActivitySpec {
  /** Mean interval between synthetic trades. */
  intervalMs: number;
  /** Restrict activity to these condition ids (default: all open markets). */
  conditionIds?: readonly string[];
}

export interface SimulatorOptions {
  /** Deterministic market generation. Default 1. */
  seed?: number;
  /** Generated markets, 0..10_000. Default 20. */
  marketCount?: number;
  /** Always loopback. Default 127.0.0.1. */
  host?: string;
  /** 0 = ephemeral (default). */
  ports?: { clob?: number; gamma?: number; data?: number };
  /** Epoch ms. Default Date.now. */
  clock?: () => number;
  /** G4: /balance-allowance answers a cached value until /balance-allowance/update. */
  staleBalance?: boolean;
  /** Market-channel assets per socket before the venue closes it. Default 500. */
  perConnectionAssetLimit?: number;
  /** Collateral (dollars) every new address starts with. Default 10_000. */
  startingBalance?: number;
  /** What /version answers, and therefore which order struct is accepted. Default 2. */
  apiVersion?: 1 | 2;
  /** Chain id of the auth and order domains. Default 137. */
  chainId?: number;
  /** Heartbeat timeout before all of a key's orders are cancelled. Default 10_000 ms. */
  heartbeatTimeoutMs?: number;
  /** Trade settlement progression MATCHED → MINED → CONFIRMED. Defaults 200 / 600 ms. */
  tradeSettlement?: { minedMs?: number; confirmedMs?: number };
  /** Order/trade status words. Default 'short'. */
  statusStyle?: StatusStyle;
  /** Seconds a GTD expiration must lie beyond now (and is taken off the lifetime). Default 60. */
  gtdThresholdSeconds?: number;
  /** Maximum Gamma page size (larger `limit`s are clamped silently, as the venue does). Default 500. */
  gammaMaxLimit?: number;
  /** Reject L1/L2 auth whose POLY_TIMESTAMP differs from the clock by more; default: no check. */
  authMaxSkewSeconds?: number;
}

export interface SimulatorUrls {
  clob: string;
  ws: string;
  wsUser: string;
  gamma: string;
  data: string;
}

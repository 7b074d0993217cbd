/**
 * The live venue: Polymarket CLOB V2 through @polymarket/clob-client-v2 1.1.0 (reference §16).
 * The client is loaded lazily so that a missing or broken package is a LiveModeError at connect
 * time, never a crash at import time (and dry runs never load it). Orders are signed by our
 * OrderSigner (deterministic salt, hash known before sending) and posted with the client.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got from 'got';
import { inject, injectable } from 'tsyringe';
import type * as ClobModuleNs from '@polymarket/clob-client-v2';
import type { Wallet } from 'ethers';
import type { EngineConfig, Secrets } from '../config/types.js';
import { Tokens } from '../di/tokens.js';
import { LiveModeError, VenueError, describeError } from '../errors.js';
import type { Logger } from '../monitoring/logger.js';
import type { MetricsRegistry } from '../monitoring/metrics.js';
import { resolveLiveCredentials, type LiveCredentials } from './credentials.js';
import { VenueRejectedError, VenueUnavailableError } from './errors.js';
import type {
  BalanceOptions,
  CancelResult,
  Exchange,
  FillQuery,
  OrderDraft,
  PlaceOrderResult,
  PreparedOrder,
  VenueBook,
  VenueFill,
  VenueOrder,
} from './exchange.js';
import { ExecutionMetrics } from './execution-metrics.js';
import { formatMicros } from './fixed.js';
import type { MarketRules } from './order-math.js';
import type { FeeSchedule } from './ports.js';
import { OrderSigner } from './order-signer.js';
import { classifyFailure, mapPlacementStatus, retryAfterMs } from './venue-mapping.js';
import { parseVenueBook, parseVenueFills, parseVenueOrder } from './venue-records.js';

export type ClobModule = typeof ClobModuleNs;
type ClobClient = InstanceType<ClobModule['ClobClient']>;

export interface LiveExchangeOptions {
  /** Loads the client package; replaced in tests to prove a broken install fails fast. */
  readonly loadClient?: () => Promise<ClobModule>;
  /** Per venue call; a call that takes longer counts as "no answer" (default 10 s). */
  readonly requestTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

@injectable()
export class LiveExchange implements Exchange {
  readonly kind = 'live' as const;
  private client: ClobClient | null = null;
  private module: ClobModule | null = null;
  private signer: OrderSigner | null = null;
  private wallet: Wallet | null = null;
  /** Kept-alive connections for order placement: no TCP/TLS handshake on the way to the venue. */
  private readonly agents = {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true }),
  };
  private creds: LiveCredentials | null = null;
  private readonly log: Logger;
  private readonly metrics: ExecutionMetrics;
  private readonly timeoutMs: number;
  private readonly schedules = new Map<string, FeeSchedule>();

  constructor(
    @inject(Tokens.Config) private readonly config: EngineConfig,
    @inject(Tokens.Secrets) private readonly secrets: Secrets,
    @inject(Tokens.Logger) logger: Logger,
    @inject(Tokens.Metrics) metrics: MetricsRegistry,
    @inject(Tokens.LiveExchangeOptions, { isOptional: true })
    private readonly options: LiveExchangeOptions = {},
  ) {
    this.log = logger.child({ component: 'live-exchange' });
    this.metrics = new ExecutionMetrics(metrics);
    this.timeoutMs = options?.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Fails fast with the reason: credentials missing or invalid, the client package unloadable,
   * the client not constructible, the venue unreachable or speaking another order version, or
   * the L2 credentials refused (an authenticated call answering 401).
   */
  async connect(): Promise<void> {
    if (this.client) return;
    const creds = resolveLiveCredentials(this.config, this.secrets);
    let clob: ClobModule;
    try {
      clob = await (this.options?.loadClient ?? (() => import('@polymarket/clob-client-v2')))();
      if (typeof clob?.ClobClient !== 'function') throw new Error('the module has no ClobClient export');
    } catch (error) {
      throw new LiveModeError(
        'live_client_unavailable',
        `cannot load @polymarket/clob-client-v2 (install it with npm ci): ${describeError(error)}`,
        { cause: error },
      );
    }
    let wallet: Wallet;
    try {
      const { Wallet: WalletClass } = await import('ethers');
      wallet = new WalletClass(creds.privateKey);
    } catch {
      // The message of a failed key parse can echo the key: never pass it on.
      throw new LiveModeError('live_credentials_invalid', 'the private key is not a valid secp256k1 key');
    }
    let client: ClobClient;
    try {
      client = new clob.ClobClient({
        host: creds.host,
        chain: creds.chainId,
        signer: wallet,
        creds: { key: creds.apiKey, secret: creds.apiSecret, passphrase: creds.apiPassphrase },
        signatureType: creds.signatureType,
        ...(creds.funder ? { funderAddress: creds.funder } : {}),
        throwOnError: true,
      });
    } catch (error) {
      throw new LiveModeError(
        'live_client_init',
        `cannot initialise the CLOB client: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
    let version: number;
    try {
      version = await this.call('version', async () => {
        try {
          return await client.getVersion();
        } catch (error) {
          // A venue without /version speaks V2 (reference §16.5).
          if (statusOf(error) === 404) return 2;
          throw error;
        }
      });
    } catch (error) {
      throw new LiveModeError(
        'live_venue_unreachable',
        `cannot reach the CLOB at ${creds.host}: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
    if (version !== 2) {
      throw new LiveModeError(
        'live_version_unsupported',
        `the CLOB at ${creds.host} speaks order version ${version}; this engine signs CLOB V2 orders`,
      );
    }
    try {
      await this.call('auth', () => client.getBalanceAllowance({ asset_type: clob.AssetType.COLLATERAL }));
    } catch (error) {
      const status = error instanceof VenueError ? error.status : undefined;
      const reason =
        status === 401 || status === 403
          ? 'the API credentials were refused'
          : 'the authenticated check failed';
      throw new LiveModeError('live_auth_failed', `${reason} (${describeError(error)})`, { cause: error });
    }
    try {
      this.signer = await OrderSigner.create(wallet, {
        chainId: creds.chainId,
        signatureType: creds.signatureType,
        funder: creds.funder,
      });
    } catch (error) {
      throw new LiveModeError('live_client_init', `cannot set up order signing: ${describeError(error)}`, {
        cause: error,
      });
    }
    this.client = client;
    this.wallet = wallet;
    this.module = clob;
    this.creds = creds;
    this.log.info('connected to the CLOB', {
      host: creds.host,
      chainId: creds.chainId,
      address: wallet.address,
      maker: this.signer.makerAddress,
      signatureType: creds.signatureType,
    });
  }

  async prepare(draft: OrderDraft): Promise<PreparedOrder> {
    const { order, hash } = await this.ready().signer.sign(draft);
    return { ...draft, orderHash: hash, payload: order };
  }

  /**
   * POST /order with the client's own body builder (`orderToJsonV2`) and L2 headers
   * (`createL2Headers`), sent by us: the client's postOrder would then poll /data/trades for up
   * to 30 s waiting for settlement hashes (reference §16.7), which execution does not need, and
   * would hide the Retry-After header of a 429.
   */
  async placeOrder(order: PreparedOrder): Promise<PlaceOrderResult> {
    const { clob } = this.ready();
    const creds = this.creds as LiveCredentials;
    const payload = clob.orderToJsonV2(
      order.payload as unknown as Parameters<ClobModule['orderToJsonV2']>[0],
      creds.apiKey,
      clob.OrderType[order.orderType],
      false,
      false,
    );
    const body = JSON.stringify(payload);
    return this.call('post_order', async () => {
      const headers = await clob.createL2Headers(
        this.wallet as Wallet,
        { key: creds.apiKey, secret: creds.apiSecret, passphrase: creds.apiPassphrase },
        { method: 'POST', requestPath: '/order', body },
      );
      const response = await got.post(`${creds.host}/order`, {
        body,
        headers: {
          ...headers,
          'Content-Type': 'application/json',
          Accept: '*/*',
          'User-Agent': '@polymarket/clob-client',
        },
        throwHttpErrors: false,
        retry: { limit: 0 },
        timeout: { request: this.timeoutMs },
        agent: { http: this.agents.http, https: this.agents.https },
      });
      let parsed: unknown = response.body;
      try {
        parsed = JSON.parse(response.body);
      } catch {
        // Not JSON (a proxy's error page): kept as text for the message.
      }
      if (response.statusCode >= 200 && response.statusCode < 300)
        return parsePlacement(parsed, order.orderHash);
      const failure = classifyFailure({ status: response.statusCode, body: parsed });
      if (failure instanceof VenueUnavailableError && failure.retryAfterMs === undefined) {
        const after = retryAfterMs(response.headers['retry-after']);
        if (after !== undefined) throw new VenueUnavailableError(failure.message, failure.status, after);
      }
      throw failure;
    });
  }

  async cancelOrder(orderId: string): Promise<CancelResult> {
    const { client } = this.ready();
    const response = (await this.call('cancel_order', () =>
      client.cancelOrder({ orderID: orderId }),
    )) as unknown;
    const record = (response ?? {}) as { canceled?: unknown; not_canceled?: unknown };
    const cancelled = Array.isArray(record.canceled)
      ? record.canceled.filter((id) => typeof id === 'string')
      : [];
    const notCancelled: Record<string, string> = {};
    if (typeof record.not_canceled === 'object' && record.not_canceled !== null) {
      for (const [id, reason] of Object.entries(record.not_canceled as Record<string, unknown>))
        notCancelled[id] = String(reason);
    }
    return { cancelled, notCancelled };
  }

  async getOrder(orderId: string): Promise<VenueOrder | null> {
    const { client } = this.ready();
    let raw: unknown;
    try {
      raw = await this.call('get_order', () => client.getOrder(orderId));
    } catch (error) {
      if (error instanceof VenueRejectedError && (error.status === 404 || error.status === 400)) return null;
      throw error;
    }
    if (
      raw === null ||
      raw === undefined ||
      raw === '' ||
      (typeof raw === 'object' && Object.keys(raw).length === 0)
    )
      return null;
    return parseVenueOrder(raw);
  }

  async getOpenOrders(filter: { tokenId?: string; conditionId?: string } = {}): Promise<VenueOrder[]> {
    const { client } = this.ready();
    const raw = (await this.call('open_orders', () =>
      client.getOpenOrders({
        ...(filter.tokenId ? { asset_id: filter.tokenId } : {}),
        ...(filter.conditionId ? { market: filter.conditionId } : {}),
      }),
    )) as unknown;
    if (!Array.isArray(raw)) throw new VenueError('venue_malformed', 'open orders answer is not a list');
    return raw.map((item) => parseVenueOrder(item));
  }

  async getFills(query: FillQuery = {}): Promise<VenueFill[]> {
    const { client } = this.ready();
    const creds = this.creds as LiveCredentials;
    const raw = (await this.call('trades', () =>
      client.getTrades({
        ...(query.tokenId ? { asset_id: query.tokenId } : {}),
        ...(query.conditionId ? { market: query.conditionId } : {}),
        ...(query.since !== undefined
          ? { after: String(Math.max(0, Math.floor(query.since / 1000) - 1)) }
          : {}),
      }),
    )) as unknown;
    if (!Array.isArray(raw)) throw new VenueError('venue_malformed', 'trades answer is not a list');
    const fills = parseVenueFills(
      raw,
      { apiKey: creds.apiKey, makerAddress: (this.signer as OrderSigner).makerAddress },
      await this.feeSchedules(raw),
    );
    return fills.filter(
      (fill) =>
        (query.orderId === undefined || fill.orderId === query.orderId) &&
        (query.since === undefined || fill.matchedAt >= Math.floor(query.since / 1000) * 1000),
    );
  }

  async getBalance(options: BalanceOptions = {}): Promise<string> {
    const { client, clob } = this.ready();
    const params = { asset_type: clob.AssetType.COLLATERAL };
    if (options.refresh) await this.call('balance_update', () => client.updateBalanceAllowance(params));
    const raw = await this.call('balance', () => client.getBalanceAllowance(params));
    return parseRawBalance(raw, 'collateral balance');
  }

  async getTokenBalance(tokenId: string, options: BalanceOptions = {}): Promise<string> {
    const { client, clob } = this.ready();
    const params = { asset_type: clob.AssetType.CONDITIONAL, token_id: tokenId };
    if (options.refresh) await this.call('balance_update', () => client.updateBalanceAllowance(params));
    const raw = await this.call('token_balance', () => client.getBalanceAllowance(params));
    return parseRawBalance(raw, `balance of token ${tokenId}`);
  }

  async getBook(tokenId: string): Promise<VenueBook> {
    const { client } = this.ready();
    const raw = (await this.call('book', () => client.getOrderBook(tokenId))) as unknown;
    return parseVenueBook(raw, tokenId);
  }

  async getMarketRules(tokenId: string): Promise<MarketRules> {
    const book = await this.getBook(tokenId);
    if (!book.tickSize || book.minOrderSize === null || book.negRisk === null) {
      throw new VenueError(
        'venue_malformed',
        `the book of ${tokenId} lacks tick_size, min_order_size or neg_risk`,
      );
    }
    return { tickSize: book.tickSize, minOrderSize: book.minOrderSize, negRisk: book.negRisk };
  }

  async close(): Promise<void> {
    this.client = null;
    this.signer = null;
    this.wallet = null;
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Fee schedules (`fd` of /clob-markets) of the markets in `trades`, fetched once per market. */
  private async feeSchedules(trades: readonly unknown[]): Promise<ReadonlyMap<string, FeeSchedule>> {
    const { client } = this.ready();
    for (const trade of trades) {
      const conditionId = (trade as { market?: unknown } | null)?.market;
      if (typeof conditionId !== 'string' || conditionId === '' || this.schedules.has(conditionId)) continue;
      try {
        const info = (await this.call('market_info', () => client.getClobMarketInfo(conditionId))) as {
          fd?: { r?: unknown; e?: unknown };
        };
        const rate = Number(info.fd?.r ?? 0);
        const exponent = Number(info.fd?.e ?? 0);
        this.schedules.set(conditionId, {
          rate: Number.isFinite(rate) && rate > 0 ? String(rate) : '0',
          exponent: Number.isInteger(exponent) && exponent >= 0 ? exponent : 0,
        });
      } catch (error) {
        // The fee then comes from the trade's own fee rate; the balance re-read keeps the money exact.
        this.log.debug('market fee schedule unavailable', { conditionId, error: describeError(error) });
      }
    }
    return this.schedules;
  }

  private ready(): { client: ClobClient; clob: ClobModule; signer: OrderSigner } {
    if (!this.client || !this.module || !this.signer) {
      throw new LiveModeError(
        'live_not_connected',
        'the live exchange is not connected; call connect() first',
      );
    }
    return { client: this.client, clob: this.module, signer: this.signer };
  }

  /** One venue call: timed, bounded by the timeout, failures classified (rejected vs unavailable). */
  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new VenueUnavailableError(`${operation} timed out after ${this.timeoutMs} ms`)),
          this.timeoutMs,
        );
      });
      const result = await Promise.race([run(), timeout]);
      this.metrics.venueRequests.observe({ operation, outcome: 'ok' }, (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      const classified = error instanceof VenueError ? error : classifyClientError(error);
      const outcome = classified instanceof VenueUnavailableError ? 'unavailable' : 'rejected';
      this.metrics.venueRequests.observe({ operation, outcome }, (performance.now() - started) / 1000);
      throw classified;
    } finally {
      clearTimeout(timer);
    }
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The client's ApiError(message, status, data) — or anything else thrown — as a venue error. */
function classifyClientError(error: unknown): VenueRejectedError | VenueUnavailableError {
  const data = (error as { data?: unknown } | null)?.data;
  return classifyFailure({
    status: statusOf(error),
    body: data,
    message: error instanceof Error ? error.message : describeError(error),
    cause: error,
  });
}

/** Raw 1e6 integer text (reference §6) → dollars/shares as a decimal string. */
function parseRawBalance(raw: unknown, what: string): string {
  const balance = (raw as { balance?: unknown } | null)?.balance;
  if (typeof balance !== 'string' && typeof balance !== 'number') {
    throw new VenueError('venue_malformed', `${what} answer has no balance`);
  }
  const text = String(balance).trim();
  if (!/^\d+$/.test(text)) throw new VenueError('venue_malformed', `${what} "${text}" is not a 1e6 integer`);
  return formatMicros(BigInt(text));
}

/** A POST /order answer: success with a status, or `success:false` with the venue's code. */
export function parsePlacement(response: unknown, expectedId: string): PlaceOrderResult {
  if (typeof response !== 'object' || response === null) {
    throw new VenueError('venue_malformed', `order answer is not an object: ${JSON.stringify(response)}`);
  }
  const record = response as Record<string, unknown>;
  if (
    record['success'] === false ||
    (typeof record['errorMsg'] === 'string' && record['errorMsg'] && !record['status'])
  ) {
    const message =
      typeof record['errorMsg'] === 'string' && record['errorMsg'] ? record['errorMsg'] : 'order refused';
    throw classifyFailure({ status: 400, body: record, message });
  }
  const orderId = typeof record['orderID'] === 'string' && record['orderID'] ? record['orderID'] : expectedId;
  const status = mapPlacementStatus(record['status']);
  const tradeIds = Array.isArray(record['tradeIDs'])
    ? record['tradeIDs'].filter((id): id is string => typeof id === 'string' && id.length > 0)
    : [];
  return {
    orderId,
    status,
    takingAmount: typeof record['takingAmount'] === 'string' ? record['takingAmount'] : '',
    makingAmount: typeof record['makingAmount'] === 'string' ? record['makingAmount'] : '',
    tradeIds,
    raw: response,
  };
}

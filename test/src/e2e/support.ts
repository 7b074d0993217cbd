/**
 * The whole engine (`Application`, as the CLI builds it) against the bundled simulator and a real
 * PostgreSQL test database. Only the venue is simulated; everything of ours is the real thing.
 */
import { Simulator, type CreateMarketSpec, type ReceivedOrder } from '@polybot/simulator';
import { HARDHAT_KEY_0, wallet } from '@polybot/simulator/testing';
import {
  Application,
  MetricsRegistry,
  NO_SECRETS,
  createSilentLogger,
  testConfig,
  type ApplicationOptions,
  type EngineConfig,
  type Secrets,
  type storage,
} from 'polybot';

type Database = storage.Database;

/** Hardhat dev key #0: a test key that holds nothing anywhere. */
export const OUR_KEY = HARDHAT_KEY_0;
export const OUR_ADDRESS = wallet(OUR_KEY).address;

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Polls `check` until it holds; fails naming `what` (and the last observation) after the deadline. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 10_000,
): Promise<Exclude<T, false | null | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false && value !== null && value !== undefined)
      return value as Exclude<T, false | null | undefined>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function startVenue(): Promise<Simulator> {
  return Simulator.start({ seed: 11, marketCount: 0, tradeSettlement: { minedMs: 0, confirmedMs: 0 } });
}

/** The engine's config for a simulator: its URLs, a small catalogue, no fixed ports. */
export function venueConfig(sim: Simulator, overrides: Record<string, unknown> = {}): EngineConfig {
  return testConfig({
    polymarket: {
      clobUrl: sim.urls.clob,
      wsUrl: sim.urls.ws,
      gammaUrl: sim.urls.gamma,
      dataUrl: sim.urls.data,
    },
    ingestion: { startupMarketLimit: 100, httpRetries: 0, httpTimeoutMs: 3_000, tapeFlushMs: 100 },
    dashboard: { enabled: false, host: '127.0.0.1', port: 0 },
    ...overrides,
  });
}

/** Live-mode secrets: Hardhat key #0 with L2 creds the simulator issued for it. */
export function liveSecrets(sim: Simulator): Secrets {
  const creds = sim.scenario.createApiKey(OUR_ADDRESS);
  return {
    ...NO_SECRETS,
    polymarketCreds: {
      api_key: creds.key,
      api_secret: creds.secret,
      api_passphrase: creds.passphrase,
      private_key: OUR_KEY,
      signature_type: 0,
      chain_id: 137,
    },
  };
}

/** A market with resting liquidity around `ask` (bids a cent under), ending in 30 days unless told. */
export function createMarket(
  sim: Simulator,
  question: string,
  options: Partial<CreateMarketSpec> & { ask?: number } = {},
): { conditionId: string; yes: string; no: string } {
  const { ask = 0.96, ...spec } = options;
  const cents = Math.round(ask * 100);
  const market = sim.scenario.createMarket({
    question,
    endDate: Date.now() + 30 * DAY,
    tickSize: '0.01',
    minOrderSize: 5,
    book: {
      bids: [{ price: (cents - 1) / 100, size: 800 }],
      asks: [
        { price: cents / 100, size: 800 },
        { price: (cents + 1) / 100, size: 800 },
      ],
    },
    ...spec,
  });
  return { conditionId: market.conditionId, yes: market.tokenIds[0]!, no: market.tokenIds[1]! };
}

export { HOUR, DAY };

export interface RunningEngine {
  readonly app: Application;
  readonly metrics: MetricsRegistry;
  stop(): Promise<void>;
}

/**
 * Builds and starts an Application over `database`, then waits until its market feed is
 * subscribed and every book is synced, so a print made afterwards reaches it.
 */
export async function startEngine(
  sim: Simulator,
  options: Omit<ApplicationOptions, 'logger' | 'secrets'> & { secrets?: Secrets; database: Database },
): Promise<RunningEngine> {
  const metrics = options.metrics ?? new MetricsRegistry();
  const app = await Application.create({
    logger: createSilentLogger(),
    secrets: NO_SECRETS,
    ...options,
    metrics,
  });
  await app.start();
  try {
    await waitForFeed(app, sim);
  } catch (error) {
    await app.stop();
    throw error;
  }
  return { app, metrics, stop: () => app.stop() };
}

export async function waitForFeed(app: Application, sim: Simulator): Promise<void> {
  await waitFor(() => {
    const feed = app.ingestion.feed.health();
    const atVenue = sim.scenario.connections().assetCounts.reduce((a, b) => a + b, 0);
    return (
      feed.subscribed > 0 &&
      feed.open === feed.connections &&
      feed.unsyncedBooks === 0 &&
      atVenue >= feed.subscribed
    );
  }, 'the market feed to subscribe and sync its books');
}

/** A `last_trade_price` frame as the venue sends it, for prints the simulator would not stream (G1). */
export function lastTradeFrame(print: {
  tokenId: string;
  conditionId: string;
  price: string;
  size: string;
  timestamp: number;
}): string {
  return JSON.stringify({
    event_type: 'last_trade_price',
    asset_id: print.tokenId,
    market: print.conditionId,
    price: print.price,
    size: print.size,
    fee_rate_bps: '0',
    side: 'BUY',
    timestamp: String(print.timestamp),
    transaction_hash: `0x${'ab'.repeat(32)}`,
  });
}

/** Orders the simulator received for one token (whatever the verdict). */
export function venueOrdersFor(sim: Simulator, tokenId: string): ReceivedOrder[] {
  return sim.scenario
    .receivedOrders()
    .filter((r) => (r.payload as { order?: { tokenId?: string } }).order?.tokenId === tokenId);
}

export interface OrderRecord {
  client_order_id: string;
  token_id: string;
  condition_id: string;
  strategy: string;
  side: string;
  state: string;
  dry_run: boolean;
  price: string;
  size: string;
  notional: string | null;
  filled_size: string;
  order_hash: string | null;
  venue_order_id: string | null;
  error: string | null;
}

export function ordersFor(database: Database, tokenId: string): Promise<OrderRecord[]> {
  return database.db.any<OrderRecord>('SELECT * FROM orders WHERE token_id = $1 ORDER BY id', [tokenId]);
}

export interface DecisionRecord {
  strategy: string;
  token_id: string;
  action: string;
  reason: string;
  price: string | null;
  notional: string | null;
}

export function decisionsFor(database: Database, tokenId: string): Promise<DecisionRecord[]> {
  return database.db.any<DecisionRecord>('SELECT * FROM strategy_decisions WHERE token_id = $1 ORDER BY id', [
    tokenId,
  ]);
}

export async function countRows(database: Database, table: string, tokenId: string): Promise<number> {
  const row = await database.db.one<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE token_id = $1`, [
    tokenId,
  ]);
  return Number(row.n);
}

export async function counter(
  metrics: MetricsRegistry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  return metrics.value(name, labels);
}

/**
 * Wiring for the execution suites: the simulator as the venue, a fresh migrated PostgreSQL
 * database, the real storage repositories, ingestion's real BookStore and TradeHelpers (G5 over
 * the simulator's REST book), and execution's LiveExchange / PaperExchange / ExecutionService —
 * built by hand the way the composition root builds them.
 *
 * Everything comes from the `polybot` package's public surface (`polybot`, `polybot/testing`),
 * as a deployment's own integration tests would import it.
 */
import { Simulator, type ApiCreds, type CreateMarketSpec } from '@polybot/simulator';
import {
  BookStore,
  ClobPublicClient,
  DataApiClient,
  ExecutionService,
  GammaClient,
  HttpClient,
  LiveExchange,
  ManualClock,
  MarketCatalog,
  MetricsRegistry,
  PaperExchange,
  StoredMarketRules,
  ClobFeeSchedules,
  IngestionBookSource,
  TradeHelpers,
  createSilentLogger,
  storage,
  testConfig,
  type EngineConfig,
  type Exchange,
  type ExecutionOptions,
  type LiveExchangeOptions,
  type Secrets,
} from 'polybot';
import { createTestDatabase, type TestDatabase } from 'polybot/testing';

const { BalanceRepository, FillRepository, MarketRepository, OrderRepository, PositionRepository } = storage;
type BalanceRepository = storage.BalanceRepository;
type FillRepository = storage.FillRepository;
type MarketRepository = storage.MarketRepository;
type OrderRepository = storage.OrderRepository;
type PositionRepository = storage.PositionRepository;

/** Hardhat dev keys #0 (ours) and #1 (a counterparty). Test keys only: they hold nothing anywhere. */
export const OUR_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const OTHER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
export const OUR_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
export const OTHER_ADDRESS = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

/** Secrets for a Hardhat account with L2 creds issued by the simulator. */
export function secretsFor(sim: Simulator, key: string, address: string): Secrets {
  const creds = sim.scenario.createApiKey(address);
  return {
    dashboardApiKey: null,
    telegramBotToken: null,
    telegramChatId: null,
    privateKey: null,
    polymarketCreds: {
      api_key: creds.key,
      api_secret: creds.secret,
      api_passphrase: creds.passphrase,
      private_key: key,
      signature_type: 0,
      chain_id: 137,
    },
  };
}

export interface RecordedAlert {
  readonly severity: 'info' | 'warning' | 'critical';
  readonly title: string;
  readonly detail?: string;
}

export class RecordingAlerts {
  readonly alerts: RecordedAlert[] = [];
  alert(alert: RecordedAlert): void {
    this.alerts.push(alert);
  }
  titles(): string[] {
    return this.alerts.map((a) => a.title);
  }
}

export interface VenueWorld {
  readonly sim: Simulator;
  readonly testDb: TestDatabase;
  readonly config: EngineConfig;
  readonly clock: ManualClock;
  readonly metrics: MetricsRegistry;
  readonly alerts: RecordingAlerts;
  readonly creds: ApiCreds;
  readonly secrets: Secrets;
  readonly repos: {
    readonly orders: OrderRepository;
    readonly fills: FillRepository;
    readonly positions: PositionRepository;
    readonly balances: BalanceRepository;
    readonly markets: MarketRepository;
  };
  readonly bookStore: BookStore;
  readonly clob: ClobPublicClient;
  readonly verifier: TradeHelpers;
  live(options?: LiveExchangeOptions, secrets?: Secrets): LiveExchange;
  paper(): PaperExchange;
  service(exchange: Exchange, options?: ExecutionOptions): ExecutionService;
  /** A market at the simulator, also stored in our catalogue (as the market sync would). */
  market(
    spec: Partial<CreateMarketSpec> & { question?: string },
  ): Promise<{ conditionId: string; tokenIds: string[] }>;
  /** Loads the simulator's current book of a token into the BookStore (as a feed snapshot would). */
  syncBook(tokenId: string): Promise<void>;
  close(): Promise<void>;
}

/** Tables execution writes, emptied when a world reuses a spec file's database. */
const EXECUTION_TABLES = [
  'fills',
  'balance_reservations',
  'trade_approvals',
  'orders',
  'positions',
  'balance_snapshots',
  'tokens',
  'markets',
];

/** A migrated database for a whole spec file (creating one per test costs about a second). */
export function sharedDatabase(): Promise<TestDatabase> {
  return createTestDatabase({ backend: 'postgres' });
}

export async function createVenueWorld(
  options: { staleBalance?: boolean; apiVersion?: 1 | 2; db?: TestDatabase } = {},
): Promise<VenueWorld> {
  const sim = await Simulator.start({
    seed: 7,
    marketCount: 0,
    staleBalance: options.staleBalance ?? false,
    apiVersion: options.apiVersion ?? 2,
    tradeSettlement: { minedMs: 0, confirmedMs: 0 },
  });
  const testDb = options.db ?? (await createTestDatabase({ backend: 'postgres' }));
  const database = testDb.database;
  if (options.db) await database.db.none(EXECUTION_TABLES.map((table) => `DELETE FROM ${table};`).join(' '));
  const config = testConfig({
    polymarket: {
      clobUrl: sim.urls.clob,
      gammaUrl: sim.urls.gamma,
      dataUrl: sim.urls.data,
      wsUrl: sim.urls.ws,
    },
    ingestion: { httpRetries: 0, httpTimeoutMs: 2_000 },
  });
  const creds = sim.scenario.createApiKey(OUR_ADDRESS);
  const secrets = secretsFor(sim, OUR_KEY, OUR_ADDRESS);
  const clock = new ManualClock(Date.now());
  const logger = createSilentLogger();
  const metrics = new MetricsRegistry();
  const alerts = new RecordingAlerts();
  const repos = {
    orders: new OrderRepository(database),
    fills: new FillRepository(database),
    positions: new PositionRepository(database),
    balances: new BalanceRepository(database),
    markets: new MarketRepository(database),
  };
  const http = new HttpClient(config, logger, metrics);
  const clob = new ClobPublicClient(http, clock);
  const bookStore = new BookStore();
  const catalog = new MarketCatalog(
    config,
    new GammaClient(http, logger, metrics),
    { upsertMany: async () => undefined },
    logger,
    metrics,
  );
  const verifier = new TradeHelpers(
    config,
    new DataApiClient(http, logger, metrics),
    clob,
    bookStore,
    catalog,
    clock,
    logger,
    metrics,
  );
  const books = new IngestionBookSource(bookStore);
  const rules = new StoredMarketRules(repos.markets);
  const fees = new ClobFeeSchedules(http);
  const exchanges: Exchange[] = [];
  const services: ExecutionService[] = [];

  return {
    sim,
    testDb,
    config,
    clock,
    metrics,
    alerts,
    creds,
    secrets,
    repos,
    bookStore,
    clob,
    verifier,
    live: (liveOptions = {}, otherSecrets = secrets) => {
      const exchange = new LiveExchange(config, otherSecrets, logger, metrics, {
        requestTimeoutMs: 5_000,
        ...liveOptions,
      });
      exchanges.push(exchange);
      return exchange;
    },
    paper: () => {
      const exchange = new PaperExchange(config, books, rules, repos.balances, clock, logger, fees);
      exchanges.push(exchange);
      return exchange;
    },
    service: (exchange, executionOptions = {}) => {
      const service = new ExecutionService(
        config,
        exchange,
        database,
        repos.orders,
        repos.fills,
        repos.positions,
        repos.balances,
        verifier,
        books,
        alerts,
        clock,
        logger,
        metrics,
        rules,
        { syncIntervalMs: 0, retryDelayMs: 0, unknownGraceMs: 0, ...executionOptions },
      );
      services.push(service);
      return service;
    },
    market: async (spec) => {
      const created = sim.scenario.createMarket({
        question: spec.question ?? 'Will the integration suite pass?',
        endDate: Date.now() + 30 * 86_400_000,
        tickSize: '0.01',
        minOrderSize: 5,
        ...spec,
      });
      await repos.markets.upsertMany([
        {
          conditionId: created.conditionId,
          question: created.question,
          tickSize: created.tickSize,
          minOrderSize: String(created.minOrderSize),
          negRisk: created.negRisk,
          tokens: created.tokenIds.map((tokenId, i) => ({
            tokenId,
            outcome: created.outcomes[i] ?? `o${i}`,
            outcomeIndex: i,
          })),
        },
      ]);
      return { conditionId: created.conditionId, tokenIds: [...created.tokenIds] };
    },
    syncBook: async (tokenId) => {
      const snapshot = await clob.getBook(tokenId);
      if (!snapshot) throw new Error(`the simulator has no book for ${tokenId}`);
      bookStore.applySnapshot({ ...snapshot, receivedAt: clock.now() });
    },
    close: async () => {
      for (const service of services.splice(0)) await service.stop();
      for (const exchange of exchanges.splice(0)) await exchange.close();
      if (!options.db) await testDb.dispose();
      await sim.stop();
    },
  };
}

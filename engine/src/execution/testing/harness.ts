/**
 * Test wiring for execution: a fresh migrated PostgreSQL database, the real storage repositories,
 * ingestion's real BookStore and TradeHelpers (G5), the paper venue, and an ExecutionService —
 * all built by hand the way the composition root would. Only Polymarket is absent: books are
 * applied as snapshots, and REST points at a closed local port so nothing can reach the internet.
 */
import type { EngineConfig } from '../../config/types.js';
import { testConfig } from '../../config/defaults.js';
import {
  BookStore,
  ClobPublicClient,
  DataApiClient,
  GammaClient,
  HttpClient,
  MarketCatalog,
  TradeHelpers,
  type BookSnapshotEvent,
  type PriceLevel,
} from '../../ingestion/index.js';
import { createSilentLogger, type Logger } from '../../monitoring/logger.js';
import { MetricsRegistry } from '../../monitoring/metrics.js';
import {
  BalanceRepository,
  FillRepository,
  MarketRepository,
  OrderRepository,
  PositionRepository,
  type Database,
} from '../../storage/index.js';
import { createTestDatabase, type TestDatabase } from '../../storage/testing/index.js';
import { ManualClock } from '../../util/clock.js';
import type { Exchange } from '../exchange.js';
import { ExecutionService, type ExecutionOptions } from '../execution-service.js';
import { IngestionBookSource } from '../ingestion-book-source.js';
import { StoredMarketRules } from '../market-rules.js';
import { PaperExchange } from '../paper-exchange.js';
import type { AlertSink } from '../ports.js';

export type LevelInput = readonly [price: string, size: string];

export interface RecordedAlert {
  readonly severity: 'info' | 'warning' | 'critical';
  readonly title: string;
  readonly detail?: string;
}

export class RecordingAlerts implements AlertSink {
  readonly alerts: RecordedAlert[] = [];
  alert(alert: RecordedAlert): void {
    this.alerts.push(alert);
  }
  titles(): string[] {
    return this.alerts.map((a) => a.title);
  }
}

export interface MarketSpec {
  readonly conditionId: string;
  readonly tokenIds: readonly string[];
  readonly tickSize?: string;
  readonly minOrderSize?: string;
  readonly negRisk?: boolean;
}

export interface ExecutionHarness {
  readonly testDb: TestDatabase;
  readonly database: Database;
  readonly config: EngineConfig;
  readonly clock: ManualClock;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly alerts: RecordingAlerts;
  readonly repos: {
    readonly orders: OrderRepository;
    readonly fills: FillRepository;
    readonly positions: PositionRepository;
    readonly balances: BalanceRepository;
    readonly markets: MarketRepository;
  };
  readonly bookStore: BookStore;
  readonly books: IngestionBookSource;
  readonly verifier: TradeHelpers;
  readonly rules: StoredMarketRules;
  /** A new paper venue over the same database (a restart builds a new one). */
  paper(): PaperExchange;
  /** A new ExecutionService over the same database (a restart builds a new one). */
  service(options?: {
    exchange?: Exchange;
    execution?: ExecutionOptions;
    metrics?: MetricsRegistry;
  }): ExecutionService;
  setBook(tokenId: string, book: { bids?: readonly LevelInput[]; asks?: readonly LevelInput[] }): void;
  addMarket(market: MarketSpec): Promise<void>;
  dispose(): Promise<void>;
}

/** Tables execution writes, emptied when a harness reuses a database. */
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

/**
 * A harness on a fresh database, or — faster, for a spec file's tests — on `shared` after
 * emptying the tables execution uses (the caller disposes `shared`).
 */
export async function createExecutionHarness(
  overrides: unknown = {},
  shared?: TestDatabase,
): Promise<ExecutionHarness> {
  const testDb = shared ?? (await createTestDatabase({ backend: 'postgres' }));
  const database = testDb.database;
  if (shared) await database.db.none(EXECUTION_TABLES.map((table) => `DELETE FROM ${table};`).join(' '));
  const config = testConfig({
    polymarket: {
      // Closed local ports: a REST fallback fails at once instead of reaching Polymarket.
      clobUrl: 'http://127.0.0.1:9',
      gammaUrl: 'http://127.0.0.1:9',
      dataUrl: 'http://127.0.0.1:9',
      wsUrl: 'ws://127.0.0.1:9/ws/market',
    },
    ingestion: { httpRetries: 0, httpTimeoutMs: 1_000 },
    paper: { startingBalance: 1000 },
    ...(overrides as object),
  });
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
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
    new ClobPublicClient(http, clock),
    bookStore,
    catalog,
    clock,
    logger,
    metrics,
  );
  const books = new IngestionBookSource(bookStore);
  const rules = new StoredMarketRules(repos.markets);
  const paper = (): PaperExchange => new PaperExchange(config, books, rules, repos.balances, clock, logger);
  return {
    testDb,
    database,
    config,
    clock,
    logger,
    metrics,
    alerts,
    repos,
    bookStore,
    books,
    verifier,
    rules,
    paper,
    service: (options = {}) =>
      new ExecutionService(
        config,
        options.exchange ?? paper(),
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
        options.metrics ?? metrics,
        rules,
        { syncIntervalMs: 0, retryDelayMs: 0, unknownGraceMs: 0, ...options.execution },
      ),
    setBook: (tokenId, book) => bookStore.applySnapshot(snapshot(tokenId, book, clock.now())),
    addMarket: async (market) => {
      await repos.markets.upsertMany([
        {
          conditionId: market.conditionId,
          question: `market ${market.conditionId}`,
          tickSize: market.tickSize ?? '0.01',
          minOrderSize: market.minOrderSize ?? '5',
          negRisk: market.negRisk ?? false,
          endDate: clock.now() + 30 * 86_400_000,
          tokens: market.tokenIds.map((tokenId, i) => ({
            tokenId,
            outcome: i === 0 ? 'Yes' : 'No',
            outcomeIndex: i,
          })),
        },
      ]);
    },
    dispose: async () => {
      if (!shared) await testDb.dispose();
    },
  };
}

function levels(input: readonly LevelInput[] | undefined): PriceLevel[] {
  return (input ?? []).map(([price, size]) => ({
    price: Number(price),
    size: Number(size),
    priceText: price,
    sizeText: size,
  }));
}

let snapshotSeq = 0;

/** A book snapshot as the feed would deliver it; each one carries a new venue timestamp. */
export function snapshot(
  tokenId: string,
  book: { bids?: readonly LevelInput[]; asks?: readonly LevelInput[] },
  now: number,
): BookSnapshotEvent {
  snapshotSeq += 1;
  return {
    type: 'book',
    tokenId,
    conditionId: '',
    bids: levels(book.bids),
    asks: levels(book.asks),
    timestamp: now + snapshotSeq,
    hash: null,
    tickSize: null,
    minOrderSize: null,
    negRisk: null,
    lastTradePrice: null,
    receivedAt: now,
    source: 'ws',
  };
}

import type { Simulator } from '@polybot/simulator';
import {
  BookStore,
  ClobPublicClient,
  DataApiClient,
  GammaClient,
  HttpClient,
  IngestionService,
  MarketCatalog,
  MarketFeed,
  MetricsRegistry,
  SubscriptionBridge,
  TradeHelpers,
  createSilentLogger,
  testConfig,
  type EngineConfig,
  type FeedStatusEvent,
  type Market,
  type MarketSink,
  type TapeBookUpdate,
  type TapeSink,
  type TapeTrade,
} from 'polybot';

/** In-memory MarketSink: a test double of our own sink interface (storage has its own suites). */
export class MemoryMarketSink implements MarketSink {
  readonly markets = new Map<string, Market>();
  upsertMany(markets: readonly Market[]): Promise<void> {
    for (const market of markets) this.markets.set(market.conditionId, market);
    return Promise.resolve();
  }
}

export class MemoryTapeSink implements TapeSink {
  readonly trades: TapeTrade[] = [];
  readonly books: TapeBookUpdate[] = [];
  appendTrade(trade: TapeTrade): void {
    this.trades.push(trade);
  }
  appendBookUpdate(update: TapeBookUpdate): void {
    this.books.push(update);
  }
}

export interface Ingestion {
  readonly config: EngineConfig;
  readonly metrics: MetricsRegistry;
  readonly http: HttpClient;
  readonly books: BookStore;
  readonly catalog: MarketCatalog;
  readonly feed: MarketFeed;
  readonly helpers: TradeHelpers;
  readonly service: IngestionService;
  readonly marketSink: MemoryMarketSink;
  readonly tape: MemoryTapeSink;
  readonly statuses: FeedStatusEvent[];
  stop(): Promise<void>;
}

/** Wires the real ingestion classes against a running simulator, as the composition root does. */
export function createIngestion(urls: Simulator['urls'], ingestion: Record<string, unknown> = {}): Ingestion {
  const config = testConfig({
    polymarket: {
      clobUrl: urls.clob,
      wsUrl: urls.ws,
      gammaUrl: urls.gamma,
      dataUrl: urls.data,
    },
    ingestion: {
      marketRefreshSeconds: 0,
      connectionSpacingMs: 2,
      pingIntervalSeconds: 0.2,
      ...ingestion,
    },
  });
  const logger = createSilentLogger();
  const metrics = new MetricsRegistry();
  const clock = { now: () => Date.now() };
  const http = new HttpClient(config, logger, metrics);
  const clob = new ClobPublicClient(http, clock);
  const books = new BookStore();
  const marketSink = new MemoryMarketSink();
  const tape = new MemoryTapeSink();
  const catalog = new MarketCatalog(
    config,
    new GammaClient(http, logger, metrics),
    marketSink,
    logger,
    metrics,
  );
  const feed = new MarketFeed(config, books, clob, tape, clock, logger, metrics);
  feed.timing = { ...feed.timing, reconnect: { baseMs: 50, maxMs: 500 }, snapshotGraceMs: 2_000 };
  const helpers = new TradeHelpers(
    config,
    new DataApiClient(http, logger, metrics),
    clob,
    books,
    catalog,
    clock,
    logger,
    metrics,
  );
  const service = new IngestionService(
    catalog,
    feed,
    new SubscriptionBridge(catalog, feed, logger),
    http,
    logger,
  );
  const statuses: FeedStatusEvent[] = [];
  feed.on('status', (status) => statuses.push(status));
  return {
    config,
    metrics,
    http,
    books,
    catalog,
    feed,
    helpers,
    service,
    marketSink,
    tape,
    statuses,
    stop: () => service.stop(),
  };
}

export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Markets the simulator serves as open, with their token ids. */
export function openMarkets(sim: Simulator): { conditionId: string; tokenIds: readonly string[] }[] {
  return sim.scenario.markets().filter((m) => !m.closed);
}

import { inject, injectable } from 'tsyringe';
import type { Counter, Gauge } from 'prom-client';
import { Tokens } from '../../di/tokens.js';
import type { EngineConfig } from '../../config/types.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../monitoring/logger.js';
import type { MetricsRegistry } from '../../monitoring/metrics.js';
import { TypedEmitter } from '../emitter.js';
import type { GammaClient, MarketPage } from '../rest/gamma-client.js';
import type { Market, MarketSink, MarketToken } from '../types.js';

export interface CatalogEvents {
  /** Markets seen for the first time (startup, background continuation, refresh). */
  marketsAdded: readonly Market[];
  /** Known markets whose fields changed (tick size, end date, …), or that became live again. */
  marketsUpdated: readonly Market[];
  /** Markets that stopped being live: closed, resolved, deactivated or gone from Gamma. */
  marketsClosed: readonly Market[];
}

export interface StartupSummary {
  readonly loaded: number;
  readonly skipped: number;
  /** True when the whole listing fit under the startup cap: no background continuation. */
  readonly complete: boolean;
}

export type CatalogPhase = 'idle' | 'background' | 'ready' | 'stopped';

/** Pages fetched at once during startup, once the server's page size is known. */
const PARALLEL_PAGES = 4;
/** Look-ups at once when confirming that markets missing from a refresh really closed. */
const CONFIRM_CONCURRENCY = 4;

interface Cursor {
  offset: number;
  exhausted: boolean;
}

/**
 * The market catalogue, synced from Gamma. Startup loads at most `ingestion.startupMarketLimit`
 * markets and resolves once they are stored (G8: ready in seconds); the rest of the listing follows
 * in the background; a periodic refresh then picks up new and closed markets. Keeps the
 * token → condition map (G2: several tokens share one condition).
 */
@injectable()
export class MarketCatalog {
  private readonly emitter: TypedEmitter<CatalogEvents>;
  private readonly markets = new Map<string, Market>();
  private readonly tokens = new Map<string, { readonly conditionId: string; readonly token: MarketToken }>();
  private state: CatalogPhase = 'idle';
  private background: Promise<void> = Promise.resolve();
  private refreshing: Promise<void> | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private readonly syncErrors: Counter<'phase'>;
  private readonly marketGauge: Gauge<'state'>;

  constructor(
    @inject(Tokens.Config) private readonly config: EngineConfig,
    @inject(Tokens.GammaClient) private readonly gamma: GammaClient,
    @inject(Tokens.MarketSink) private readonly sink: MarketSink,
    @inject(Tokens.Logger) private readonly logger: Logger,
    @inject(Tokens.Metrics) metrics: MetricsRegistry,
  ) {
    this.emitter = new TypedEmitter<CatalogEvents>((event, error) =>
      this.logger.error('market catalogue listener failed', {
        component: 'catalog',
        event,
        error: describeError(error),
      }),
    );
    this.syncErrors = metrics.counter(
      'polybot_ingestion_market_sync_errors_total',
      'Market sync steps that failed (fetch or store), by phase',
      ['phase'],
    );
    this.marketGauge = metrics.gauge(
      'polybot_ingestion_markets',
      'Markets in the catalogue: open (live, with an order book) or closed (closed, inactive or book-less)',
      ['state'],
    );
  }

  get phase(): CatalogPhase {
    return this.state;
  }

  get size(): number {
    return this.markets.size;
  }

  on<K extends keyof CatalogEvents>(event: K, listener: (payload: CatalogEvents[K]) => void): () => void {
    return this.emitter.on(event, listener);
  }

  get(conditionId: string): Market | undefined {
    return this.markets.get(conditionId.toLowerCase());
  }

  /** The condition a token belongs to (G2), or undefined for a token we do not know. */
  conditionOf(tokenId: string): string | undefined {
    return this.tokens.get(tokenId)?.conditionId;
  }

  byToken(tokenId: string): { readonly market: Market; readonly token: MarketToken } | undefined {
    const entry = this.tokens.get(tokenId);
    if (!entry) return undefined;
    const market = this.markets.get(entry.conditionId);
    return market ? { market, token: entry.token } : undefined;
  }

  all(): Market[] {
    return [...this.markets.values()];
  }

  /** Token ids of open markets with an order book: what the feed should be subscribed to. */
  liveTokenIds(): string[] {
    const out: string[] = [];
    for (const market of this.markets.values()) {
      if (isLive(market)) for (const token of market.tokens) out.push(token.tokenId);
    }
    return out;
  }

  /**
   * Loads the capped first part of the listing and stores it; resolves when it is stored. The rest
   * continues in the background and the periodic refresh starts. Throws when Gamma or the sink
   * fails at this stage: the caller decides whether to retry or stop.
   */
  async start(): Promise<StartupSummary> {
    if (this.state !== 'idle') throw new Error(`market catalogue already ${this.state}`);
    const limit = this.config.ingestion.startupMarketLimit;
    const cursor: Cursor = { offset: 0, exhausted: false };
    const first: Market[] = [];
    let skipped = 0;
    for await (const page of this.walk(cursor, limit, PARALLEL_PAGES)) {
      first.push(...page.markets);
      skipped += page.skipped;
    }
    const added = this.dedupeNew(first);
    await this.store(added, 'startup', true);
    this.index(added);
    this.emitter.emit('marketsAdded', added);
    this.logger.info('market catalogue loaded', {
      component: 'catalog',
      markets: added.length,
      skipped,
      continuing: !cursor.exhausted,
    });
    if (cursor.exhausted) {
      this.state = 'ready';
    } else {
      this.state = 'background';
      this.background = this.continueInBackground(cursor);
    }
    this.scheduleRefresh();
    return { loaded: added.length, skipped, complete: cursor.exhausted };
  }

  /** Resolves when the background continuation has finished (at once when there was none). */
  whenComplete(): Promise<void> {
    return this.background;
  }

  /**
   * Re-reads the whole open listing: adds new markets, updates changed ones, and closes those that
   * closed. Skipped while the background continuation or another refresh is running.
   */
  refresh(): Promise<void> {
    if (this.state === 'stopped') return Promise.resolve();
    if (this.refreshing) return this.refreshing;
    if (this.state === 'background') return this.background;
    this.refreshing = this.runRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** A tick_size_change from the feed: the catalogue follows the venue's live tick. */
  async applyTickSize(tokenId: string, tickSize: string): Promise<void> {
    const entry = this.tokens.get(tokenId);
    const market = entry && this.markets.get(entry.conditionId);
    if (!market || market.tickSize === tickSize) return;
    const updated: Market = { ...market, tickSize };
    await this.store([updated], 'update', false);
    this.markets.set(updated.conditionId, updated);
    this.emitter.emit('marketsUpdated', [updated]);
  }

  /** A market resolved (feed `market_resolved`) or was closed by other means. */
  async markClosed(conditionId: string): Promise<void> {
    const market = this.markets.get(conditionId.toLowerCase());
    if (!market || market.closed) return;
    const closed: Market = { ...market, closed: true };
    await this.store([closed], 'update', false);
    this.markets.set(closed.conditionId, closed);
    this.updateGauge();
    this.emitter.emit('marketsClosed', [closed]);
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    this.emitter.removeAll();
    await Promise.allSettled([this.background, this.refreshing ?? Promise.resolve()]);
  }

  // ---- paging ----

  /**
   * Yields pages from `cursor.offset` until `max` items were received or the listing ends. Gamma
   * silently clamps `limit` (reference §10), so a page shorter than we asked for only proves the
   * server's page size; the end is a page shorter than that proven size, or an empty one. Once
   * the page size is proven, up to `parallel` pages are fetched at once.
   */
  private async *walk(cursor: Cursor, max: number, parallel: number): AsyncGenerator<MarketPage> {
    const requested = this.config.ingestion.marketPageSize;
    let pageSize = 0;
    let proven = false;
    let received = 0;
    while (received < max && !cursor.exhausted && this.state !== 'stopped') {
      const remaining = max - received;
      const count = proven ? Math.min(parallel, Math.ceil(remaining / pageSize)) : 1;
      const limits: number[] = [];
      const size = pageSize === 0 ? requested : pageSize;
      for (let i = 0; i < count; i++) limits.push(Math.min(size, remaining - i * size));
      const start = cursor.offset;
      let at = start;
      const requests = limits.map((limit) => {
        const offset = at;
        at += limit;
        return this.gamma.getMarketsPage({ limit, offset, closed: false });
      });
      const pages = await Promise.all(requests);
      for (let i = 0; i < pages.length; i++) {
        const page = pages[i] as MarketPage;
        const limit = limits[i] as number;
        cursor.offset += page.received;
        received += page.received;
        if (page.received > 0) yield page;
        if (page.received === 0) {
          cursor.exhausted = true;
        } else if (pageSize === 0) {
          // First page: the server can serve at least this many per page.
          pageSize = page.received;
          proven = page.received === limit;
        } else if (page.received < limit) {
          // The server has served `pageSize` items before, so a shorter page is the end.
          cursor.exhausted = true;
        } else {
          proven = true;
        }
        if (cursor.exhausted) break;
      }
    }
  }

  private async continueInBackground(cursor: Cursor): Promise<void> {
    try {
      for await (const page of this.walk(cursor, Number.POSITIVE_INFINITY, 1)) {
        const added = this.dedupeNew(page.markets);
        if (added.length === 0) continue;
        if (!(await this.store(added, 'background', false))) continue;
        this.index(added);
        this.emitter.emit('marketsAdded', added);
      }
      this.logger.info('market catalogue complete', { component: 'catalog', markets: this.markets.size });
    } catch (error) {
      if (this.state === 'stopped') return;
      this.syncErrors.labels('background').inc();
      this.logger.error('background market sync failed; the next refresh resumes it', {
        component: 'catalog',
        offset: cursor.offset,
        error: describeError(error),
      });
    } finally {
      if (this.state === 'background') this.state = 'ready';
    }
  }

  private async runRefresh(): Promise<void> {
    const cursor: Cursor = { offset: 0, exhausted: false };
    const seen = new Map<string, Market>();
    let complete = false;
    try {
      for await (const page of this.walk(cursor, Number.POSITIVE_INFINITY, 1)) {
        for (const market of page.markets) seen.set(market.conditionId, market);
      }
      complete = cursor.exhausted;
    } catch (error) {
      if (this.state === 'stopped') return;
      this.syncErrors.labels('refresh').inc();
      this.logger.warn('market refresh failed part-way; applying what was read', {
        component: 'catalog',
        offset: cursor.offset,
        error: describeError(error),
      });
    }
    if (this.state === 'stopped') return;

    const added: Market[] = [];
    const updated: Market[] = [];
    const closed: Market[] = [];
    for (const market of seen.values()) {
      const known = this.markets.get(market.conditionId);
      if (!known) added.push(market);
      else if (isLive(known) && !isLive(market)) closed.push(market);
      else if (changed(known, market)) updated.push(market);
    }
    if (complete) closed.push(...(await this.confirmMissing(seen)));

    if (added.length > 0 && (await this.store(added, 'refresh', false))) {
      this.index(added);
      this.emitter.emit('marketsAdded', added);
    }
    if (updated.length > 0 && (await this.store(updated, 'refresh', false))) {
      for (const market of updated) this.markets.set(market.conditionId, market);
      this.emitter.emit('marketsUpdated', updated);
    }
    if (closed.length > 0 && (await this.store(closed, 'refresh', false))) {
      for (const market of closed) this.markets.set(market.conditionId, market);
      this.updateGauge();
      this.emitter.emit('marketsClosed', closed);
    }
    this.logger.debug('market refresh done', {
      component: 'catalog',
      added: added.length,
      updated: updated.length,
      closed: closed.length,
      complete,
    });
  }

  /**
   * Open markets absent from a complete listing. Offset paging over a list that changes while we
   * read it can skip an item, so absence alone proves nothing: each one is looked up by id, and only
   * a closed, inactive or unknown (404) answer closes it.
   */
  private async confirmMissing(seen: ReadonlyMap<string, Market>): Promise<Market[]> {
    const missing = [...this.markets.values()].filter((m) => isLive(m) && !seen.has(m.conditionId));
    const closed: Market[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < missing.length) {
        const market = missing[next++] as Market;
        try {
          const current = await this.gamma.getMarket(market.gammaId);
          if (current === null) closed.push({ ...market, closed: true });
          else if (!isLive(current)) closed.push(current.closed ? current : { ...current, closed: true });
        } catch (error) {
          this.syncErrors.labels('confirm').inc();
          this.logger.warn('could not confirm whether a market closed', {
            component: 'catalog',
            market: market.conditionId,
            error: describeError(error),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONFIRM_CONCURRENCY, missing.length) }, worker));
    return closed;
  }

  // ---- helpers ----

  /** Markets not yet in the catalogue, first occurrence kept (a page boundary can repeat one). */
  private dedupeNew(markets: readonly Market[]): Market[] {
    const out = new Map<string, Market>();
    for (const market of markets) {
      if (!this.markets.has(market.conditionId) && !out.has(market.conditionId))
        out.set(market.conditionId, market);
    }
    return [...out.values()];
  }

  private index(markets: readonly Market[]): void {
    for (const market of markets) {
      this.markets.set(market.conditionId, market);
      for (const token of market.tokens)
        this.tokens.set(token.tokenId, { conditionId: market.conditionId, token });
    }
    this.updateGauge();
  }

  /** Stores through the sink. At startup a failure propagates; later it is logged and retried by the next refresh. */
  private async store(markets: readonly Market[], phase: string, propagate: boolean): Promise<boolean> {
    if (markets.length === 0) return true;
    try {
      await this.sink.upsertMany(markets);
      return true;
    } catch (error) {
      this.syncErrors.labels(`store_${phase}`).inc();
      if (propagate) throw error;
      this.logger.error('storing markets failed; they will be retried on the next refresh', {
        component: 'catalog',
        phase,
        markets: markets.length,
        error: describeError(error),
      });
      return false;
    }
  }

  private scheduleRefresh(): void {
    const ms = this.config.ingestion.marketRefreshSeconds * 1000;
    if (!(ms > 0)) return;
    this.refreshTimer = setInterval(() => {
      void this.refresh().catch((error: unknown) =>
        this.logger.error('market refresh crashed', { component: 'catalog', error: describeError(error) }),
      );
    }, ms);
    this.refreshTimer.unref();
  }

  private updateGauge(): void {
    let open = 0;
    for (const market of this.markets.values()) if (isLive(market)) open++;
    this.marketGauge.labels('open').set(open);
    this.marketGauge.labels('closed').set(this.markets.size - open);
  }
}

/** Open, active, with an order book and tokens: a market the feed should carry. */
export function isLive(market: Market): boolean {
  return market.active && !market.closed && market.enableOrderBook && market.tokens.length > 0;
}

function changed(a: Market, b: Market): boolean {
  return (
    a.tickSize !== b.tickSize ||
    a.minOrderSize !== b.minOrderSize ||
    a.negRisk !== b.negRisk ||
    a.active !== b.active ||
    a.closed !== b.closed ||
    a.question !== b.question ||
    (a.endDate?.getTime() ?? null) !== (b.endDate?.getTime() ?? null)
  );
}

import type { MarketInfo, Signal, TriggerSource } from '@polybot/sdk';
import type { Counter, Histogram } from 'prom-client';
import type { EngineConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import type { Logger } from '../monitoring/logger.js';
import { EngineMetrics } from '../monitoring/engine-metrics.js';
import type { MetricsRegistry } from '../monitoring/metrics.js';
import type { Clock } from '../util/clock.js';
import type { ApprovalService } from './approvals.js';
import { buildStrategyContext } from './context-builder.js';
import { EventQueue } from './event-queue.js';
import { HardFilters, type FilterReason } from './hard-filters.js';
import type {
  BookLookup,
  DecisionLog,
  EvaluationOutcome,
  MarketLookup,
  OrderExecutor,
  PositionLookup,
  StrategyRunner,
  TradeEvent,
  TriggerGate,
  WatchlistStore,
} from './ports.js';
import { toOrderRequest } from './signal-router.js';

export interface TradingEngineDeps {
  readonly config: EngineConfig;
  readonly markets: MarketLookup;
  readonly books: BookLookup;
  readonly positions: PositionLookup;
  readonly triggers: TriggerGate;
  readonly strategies: StrategyRunner & { paramsOf(strategy: string): Readonly<Record<string, unknown>> };
  readonly executor: OrderExecutor;
  readonly decisions: DecisionLog;
  readonly watchlist: WatchlistStore;
  readonly approvals: ApprovalService | null;
  /** Looks up a trade's size when its source carried none (G3); optional. */
  readonly tradeSize?: (conditionId: string, price: string, tokenId: string) => Promise<string | null>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
}

export type EngineState = 'running' | 'paused' | 'stopped';

/**
 * Orchestration only: a trade print comes in, the hard filters run, each strategy is asked, and
 * its signal is routed — BUY/SELL to execution (or to the approval queue), WATCH to the
 * watchlist, IGNORE to the decision log. No trading logic lives here.
 */
export class TradingEngine {
  private readonly queue: EventQueue<TradeEvent>;
  private readonly filters: HardFilters;
  private readonly log: Logger;
  private state: EngineState = 'running';
  private pauseReasons = new Set<string>();
  private readonly eventsIn: Counter<'source'>;
  private readonly rejections: Counter<'reason'>;
  private readonly signals: Counter<'strategy' | 'action'>;
  private readonly strategyFailures: Counter<'strategy' | 'kind'>;
  private readonly skipped: Counter<'reason'>;
  private readonly stageLatency: Histogram<'stage'>;
  private readonly submitFailures: Counter;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: TradingEngineDeps) {
    this.log = deps.logger.child({ component: 'core' });
    this.filters = new HardFilters(deps.config.filters, deps.triggers, deps.config.risk.priceThreshold);
    const m = deps.metrics;
    const catalogue = new EngineMetrics(m);
    this.eventsIn = catalogue.eventsIn;
    this.rejections = catalogue.filterRejections;
    this.signals = catalogue.signals;
    this.stageLatency = catalogue.stageLatency;
    this.strategyFailures = m.counter(
      'polybot_strategy_failures_total',
      'Evaluations that produced no usable signal',
      ['strategy', 'kind'],
    );
    this.skipped = m.counter('polybot_events_skipped_total', 'Events core could not process', ['reason']);
    this.submitFailures = m.counter(
      'polybot_order_submit_failures_total',
      'Order submissions that threw in execution',
    );
    this.queue = new EventQueue<TradeEvent>(
      (event) => this.process(event),
      (error, event) =>
        this.log.error('event processing failed', { tokenId: event.tokenId, error: describeError(error) }),
      deps.metrics,
    );
  }

  get currentState(): EngineState {
    return this.state;
  }

  get queueDepth(): number {
    return this.queue.size;
  }

  /** Entry point for every source. Synchronous: never blocks the caller's event loop turn. */
  onTrade(event: TradeEvent): void {
    this.eventsIn.inc({ source: event.source });
    if (this.state !== 'running') {
      this.skipped.inc({ reason: this.state });
      return;
    }
    this.queue.push(event);
  }

  /** Stops processing (feed down for too long, database lost) until every reason is cleared. */
  pause(reason: string): void {
    if (this.state === 'stopped') return;
    this.pauseReasons.add(reason);
    if (this.state !== 'paused') this.log.warn('processing paused', { reason });
    this.state = 'paused';
  }

  resume(reason: string): void {
    if (this.state === 'stopped') return;
    this.pauseReasons.delete(reason);
    if (this.pauseReasons.size === 0 && this.state === 'paused') {
      this.state = 'running';
      this.log.info('processing resumed', { reason });
    }
  }

  /** Waits until every queued event has been processed. */
  async idle(): Promise<void> {
    await this.queue.idle();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Graceful stop: no new events, the ones in hand are finished. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    await this.queue.close();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private async process(event: TradeEvent): Promise<void> {
    if (this.state === 'paused') {
      this.skipped.inc({ reason: 'paused' });
      return;
    }
    const found = await this.deps.markets.lookup(event.tokenId);
    if (found === null) {
      this.skipped.inc({ reason: 'unknown_token' });
      return;
    }
    const { market, token } = found;
    const now = this.deps.clock.now();
    const trade = await this.withSize(event, market);
    const verdict = await this.filters.check(trade, market, now);
    if (!verdict.pass) {
      this.reject(verdict.reason, verdict.detail, trade);
      return;
    }
    const watched = new Set(
      (await this.deps.watchlist.activeFor(trade.tokenId, now)).map((entry) => entry.strategy),
    );
    const book = this.deps.books.book(trade.tokenId);
    // Each strategy has its own worker, so they are asked at once; their signals are then routed
    // one after another, in configuration order, so order submission stays sequential.
    const asked = await Promise.all(
      this.deps.strategies.strategies().map(async (strategy) => {
        const source: TriggerSource = watched.has(strategy) ? 'watchlist' : trade.source;
        const ctx = buildStrategyContext({
          strategy,
          trade,
          source,
          market,
          token,
          book,
          position: await this.deps.positions.openPosition(market.conditionId, strategy),
          params: this.deps.strategies.paramsOf(strategy),
          now,
        });
        return { strategy, source, outcome: await this.deps.strategies.evaluate(strategy, ctx) };
      }),
    );
    this.observeStage('decision', trade);
    for (const { strategy, source, outcome } of asked)
      await this.route(strategy, outcome, trade, market, source, now);
  }

  private reject(reason: FilterReason, detail: string, trade: TradeEvent): void {
    this.rejections.inc({ reason });
    this.log.debug('trade rejected by hard filter', { tokenId: trade.tokenId, reason, detail });
  }

  private async withSize(event: TradeEvent, market: MarketInfo): Promise<TradeEvent> {
    if (event.size !== null || this.deps.tradeSize === undefined) return event;
    try {
      const size = await this.deps.tradeSize(market.conditionId, event.price, event.tokenId);
      return size === null ? event : { ...event, size };
    } catch (error) {
      this.log.debug('trade size lookup failed; continuing without size (G3)', {
        tokenId: event.tokenId,
        error: describeError(error),
      });
      return event;
    }
  }

  private async route(
    strategy: string,
    outcome: EvaluationOutcome,
    trade: TradeEvent,
    market: MarketInfo,
    source: TriggerSource,
    now: number,
  ): Promise<void> {
    const base = {
      strategy,
      tokenId: trade.tokenId,
      conditionId: market.conditionId,
      triggerPrice: trade.price,
      triggerSize: trade.size,
      triggerTimestamp: trade.timestamp,
      createdAt: now,
    };
    if (!outcome.ok) {
      // A strategy failure skips this market for this strategy; the others are unaffected.
      this.strategyFailures.inc({ strategy, kind: outcome.kind });
      this.deps.decisions.record({
        ...base,
        action: 'ERROR',
        reason: `${outcome.kind}: ${outcome.error}`,
        price: null,
        size: null,
        notional: null,
      });
      return;
    }
    const signal: Signal = outcome.signal;
    this.signals.inc({ strategy, action: signal.action });
    switch (signal.action) {
      case 'IGNORE':
        this.deps.decisions.record({
          ...base,
          action: 'IGNORE',
          reason: signal.reason,
          price: null,
          size: null,
          notional: null,
        });
        if (source === 'watchlist') await this.deps.watchlist.resolve(trade.tokenId, strategy, 'dropped');
        return;
      case 'WATCH': {
        const seconds = signal.watchForSeconds ?? this.deps.config.filters.maxTradeAgeSeconds * 12;
        await this.deps.watchlist.add({
          tokenId: trade.tokenId,
          conditionId: market.conditionId,
          strategy,
          reason: signal.reason,
          triggerPrice: trade.price,
          expiresAt: now + seconds * 1000,
        });
        this.deps.decisions.record({
          ...base,
          action: 'WATCH',
          reason: signal.reason,
          price: null,
          size: null,
          notional: null,
        });
        return;
      }
      case 'BUY':
      case 'SELL': {
        const order = toOrderRequest(signal, {
          strategy,
          tokenId: trade.tokenId,
          conditionId: market.conditionId,
          trade,
          defaultNotional: this.deps.config.risk.positionSize,
          market,
        });
        this.deps.decisions.record({
          ...base,
          action: signal.action,
          reason: signal.reason,
          price: order.price,
          size: order.size,
          notional: order.notional,
        });
        await this.routeOrder(order, trade, source);
        return;
      }
    }
  }

  private async routeOrder(
    order: ReturnType<typeof toOrderRequest>,
    trade: TradeEvent,
    source: TriggerSource,
  ): Promise<void> {
    if (order.side === 'BUY') {
      // Claim the trigger first: the unique constraint makes two racing engines agree on one winner (G2).
      const claimed = await this.deps.triggers.recordTrigger({
        tokenId: order.tokenId,
        conditionId: order.conditionId,
        threshold: this.deps.config.risk.priceThreshold,
        strategy: order.strategy,
        price: order.price,
      });
      if (!claimed) {
        this.rejections.inc({ reason: 'duplicate_trigger' });
        return;
      }
    }
    if (source === 'watchlist') await this.deps.watchlist.resolve(order.tokenId, order.strategy, 'triggered');
    if (this.deps.approvals !== null && order.side === 'BUY') {
      await this.deps.approvals.request(order);
      return;
    }
    // Execution runs its own sequential submission queue; core hands the order over and moves on
    // to the next event instead of waiting for the venue's answer. Stop and idle() still wait
    // for every order handed over, so nothing is left half-done.
    const submitted = this.deps.executor
      .submit(order)
      .then((outcome) => {
        this.observeStage('order', trade);
        if (outcome.accepted) return;
        this.log.info('order not placed', {
          strategy: order.strategy,
          tokenId: order.tokenId,
          reason: outcome.reason,
        });
        // Refused before the venue had it, or rejected by the venue: nothing exists, so the claim
        // goes back and a later genuine print may act. An order in any other state (unknown,
        // pending) may exist at the venue, so its trigger stays.
        if (order.side === 'BUY' && (outcome.state === undefined || outcome.state === 'rejected')) {
          return this.deps.triggers
            .releaseTrigger({
              tokenId: order.tokenId,
              conditionId: order.conditionId,
              threshold: this.deps.config.risk.priceThreshold,
              strategy: order.strategy,
            })
            .then(() => undefined);
        }
      })
      .catch((error: unknown) => {
        this.submitFailures.inc();
        this.log.error('order submission failed', {
          strategy: order.strategy,
          tokenId: order.tokenId,
          error: describeError(error),
        });
      })
      .finally(() => {
        this.inFlight.delete(submitted);
      });
    this.inFlight.add(submitted);
  }

  private observeStage(stage: 'decision' | 'order', trade: TradeEvent): void {
    if (trade.receivedMark === undefined) return;
    this.stageLatency.observe({ stage }, (performance.now() - trade.receivedMark) / 1000);
  }
}

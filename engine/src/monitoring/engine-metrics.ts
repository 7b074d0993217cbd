import type { Counter, Gauge, Histogram } from 'prom-client';
import { inject, injectable } from 'tsyringe';
import { Tokens } from '../di/tokens.js';
import { LATENCY_BUCKETS, type MetricsRegistry } from './metrics.js';

/**
 * Stages of the trade path, each measured from the moment the trade reached the engine:
 * `decision` when every strategy has answered, `order` when the order was handed to the venue.
 */
export type PipelineStage = 'decision' | 'order';

export const PIPELINE_STAGES: readonly PipelineStage[] = ['decision', 'order'];

/**
 * The engine's shared metric vocabulary, declared in one place with the names and labels every
 * area uses, so the dashboard, /api/metrics and the Grafana board (docs/grafana/polybot.json) can
 * rely on them. An area that declares one of these itself must use the same name, type and label
 * list (MetricsRegistry refuses a mismatch at startup); constructing this class and the areas'
 * own metric classes on one registry yields the same metric objects. Areas keep further metrics
 * of their own (tape, REST client, book resyncs, …).
 *
 * Label values stay low-cardinality: strategy instance names, fixed reasons and states — never
 * token ids or free text.
 */
@injectable()
export class EngineMetrics {
  // ── Ingestion ────────────────────────────────────────────────────────────
  /** Market-channel connections, by state (open, connecting, …). */
  readonly wsConnections: Gauge<'state'>;
  /** Market-channel connections lost or replaced, by reason (closed, error, silent, ping_timeout, …). */
  readonly wsReconnects: Counter<'reason'>;
  /** Market-channel data frames received. */
  readonly wsFrames: Counter;
  /** Market-channel frames or events dropped as malformed, by reason. */
  readonly wsFramesDropped: Counter<'reason'>;
  /** 1 while the feed is paused because a shard has been disconnected too long. */
  readonly wsPaused: Gauge;

  // ── Core ─────────────────────────────────────────────────────────────────
  /** Trade events received by core, by source (ws, rest, …). */
  readonly eventsIn: Counter<'source'>;
  /** Events waiting in the processing queue. */
  readonly eventQueueDepth: Gauge;
  /** Time events wait in the queue before processing, seconds (backpressure). */
  readonly eventQueueWait: Histogram;
  /** Events dropped because the queue was full or closed. */
  readonly eventQueueDropped: Counter;
  /** Trades rejected by a hard filter, by reason (stale, weather, ends_soon, small_trade, category, duplicate, …). */
  readonly filterRejections: Counter<'reason'>;
  /** Strategy signals, by strategy instance and action (BUY, SELL, WATCH, IGNORE). */
  readonly signals: Counter<'strategy' | 'action'>;
  /** Latency from the trade reaching the engine to each stage, seconds. */
  readonly stageLatency: Histogram<'stage'>;

  // ── Strategies (plugin host) ─────────────────────────────────────────────
  /** 1 while the strategy's worker is up and serving. */
  readonly strategyRunning: Gauge<'strategy'>;
  /** Worker restarts, by strategy and reason. */
  readonly strategyRestarts: Counter<'strategy' | 'reason'>;
  /** 1 while the strategy is quarantined after repeated strikes. */
  readonly strategyQuarantined: Gauge<'strategy'>;
  /** Over-budget evaluations (kind=budget, counted as IGNORE) and workers killed at the hard limit (kind=hard). */
  readonly strategyTimeouts: Counter<'strategy' | 'kind'>;
  /** Host-measured round trip of one evaluation (kind=single) or one batch message (kind=batch), seconds. */
  readonly strategyEvalSeconds: Histogram<'strategy' | 'kind'>;

  // ── Execution ────────────────────────────────────────────────────────────
  /** Orders entering each state, by state and side. */
  readonly orders: Counter<'state' | 'side'>;
  /** Orders that may still rest on the venue. */
  readonly ordersOpen: Gauge;
  /** Orders refused before or by the venue, by reason. */
  readonly orderRejections: Counter<'reason'>;
  /** Open positions. */
  readonly positionsOpen: Gauge;
  /** Collateral balance last read from the venue, dollars. */
  readonly balanceDollars: Gauge;
  /** Collateral reserved by open BUY orders, dollars. */
  readonly balanceReservedDollars: Gauge;
  /** 1 while new entries are stopped (balance under the floor). */
  readonly tradingHalted: Gauge;

  // ── Monitoring ───────────────────────────────────────────────────────────
  /** 1 when the component's last health check passed, by component. */
  readonly componentHealthy: Gauge<'component'>;
  /** Alerts delivered, by sink and severity. */
  readonly alertsSent: Counter<'sink' | 'severity'>;
  /** Alerts not delivered, by sink and reason (rate_limited, backlog, http_error, network). */
  readonly alertsDropped: Counter<'sink' | 'reason'>;
  /** Requests to the dashboard's HTTP surface, by route and status code. */
  readonly dashboardRequests: Counter<'route' | 'status'>;

  constructor(@inject(Tokens.Metrics) readonly registry: MetricsRegistry) {
    const m = registry;
    this.wsConnections = m.gauge('polybot_ws_connections', 'Market-channel connections, by state', ['state']);
    this.wsReconnects = m.counter(
      'polybot_ws_reconnects_total',
      'Market-channel connections lost or replaced',
      ['reason'],
    );
    this.wsFrames = m.counter(
      'polybot_ws_frames_total',
      'Market-channel data frames received (PONG excluded)',
    );
    this.wsFramesDropped = m.counter(
      'polybot_ws_frames_dropped_total',
      'Market-channel frames dropped as malformed',
      ['reason'],
    );
    this.wsPaused = m.gauge(
      'polybot_ws_paused',
      '1 while the feed is paused (a shard disconnected too long)',
    );

    this.eventsIn = m.counter('polybot_events_in_total', 'Trade events received by core', ['source']);
    this.eventQueueDepth = m.gauge('polybot_event_queue_depth', 'Events waiting in the processing queue');
    this.eventQueueWait = m.histogram(
      'polybot_event_queue_wait_seconds',
      'Time events wait in the queue before processing',
      [],
      LATENCY_BUCKETS,
    );
    this.eventQueueDropped = m.counter(
      'polybot_event_queue_dropped_total',
      'Events dropped because the queue was full or closed',
    );
    this.filterRejections = m.counter('polybot_filter_rejections_total', 'Trades rejected by a hard filter', [
      'reason',
    ]);
    this.signals = m.counter('polybot_signals_total', 'Strategy signals by action', ['strategy', 'action']);
    this.stageLatency = m.histogram(
      'polybot_stage_latency_seconds',
      'Latency from trade receipt to each stage (decision, order)',
      ['stage'],
      LATENCY_BUCKETS,
    );

    this.strategyRunning = m.gauge(
      'polybot_strategy_running',
      '1 while the strategy runtime is up and serving',
      ['strategy'],
    );
    this.strategyRestarts = m.counter('polybot_strategy_restarts_total', 'Strategy runtimes restarted', [
      'strategy',
      'reason',
    ]);
    this.strategyQuarantined = m.gauge(
      'polybot_strategy_quarantined',
      '1 while the strategy is quarantined',
      ['strategy'],
    );
    this.strategyTimeouts = m.counter(
      'polybot_strategy_timeouts_total',
      'Evaluations over budget or killed',
      ['strategy', 'kind'],
    );
    this.strategyEvalSeconds = m.histogram(
      'polybot_strategy_eval_seconds',
      'Round trip of one strategy evaluation (kind=batch: one whole batch message)',
      ['strategy', 'kind'],
      LATENCY_BUCKETS,
    );

    this.orders = m.counter('polybot_orders_total', 'Orders entering each state', ['state', 'side']);
    this.ordersOpen = m.gauge('polybot_orders_open', 'Orders that may still rest on the venue');
    this.orderRejections = m.counter('polybot_order_rejections_total', 'Orders refused, by reason', [
      'reason',
    ]);
    this.positionsOpen = m.gauge('polybot_positions_open', 'Open positions');
    this.balanceDollars = m.gauge('polybot_balance_dollars', 'Collateral balance last read from the venue');
    this.balanceReservedDollars = m.gauge(
      'polybot_balance_reserved_dollars',
      'Collateral reserved by open BUY orders',
    );
    this.tradingHalted = m.gauge(
      'polybot_trading_halted',
      '1 while new entries are stopped (balance under the floor)',
    );

    this.componentHealthy = m.gauge('polybot_component_healthy', 'Last health check passed', ['component']);
    this.alertsSent = m.counter('polybot_alerts_sent_total', 'Alerts delivered', ['sink', 'severity']);
    this.alertsDropped = m.counter('polybot_alerts_dropped_total', 'Alerts not delivered', [
      'sink',
      'reason',
    ]);
    this.dashboardRequests = m.counter(
      'polybot_dashboard_requests_total',
      'Requests to the dashboard HTTP surface',
      ['route', 'status'],
    );
  }

  /** Records a stage latency from two `performance.now()` readings (milliseconds). */
  observeStage(stage: PipelineStage, startMs: number, endMs: number): void {
    this.stageLatency.observe({ stage }, Math.max(0, endMs - startMs) / 1000);
  }
}

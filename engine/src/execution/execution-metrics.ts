import type { Counter, Gauge, Histogram } from 'prom-client';
import { LATENCY_BUCKETS, type MetricsRegistry } from '../monitoring/metrics.js';

/** Every execution metric, declared once per registry. */
export class ExecutionMetrics {
  /** Orders entering each state (pending, submitting, live, filled, cancelled, rejected, ...). */
  readonly ordersByState: Counter<'state' | 'side'>;
  readonly openOrders: Gauge;
  readonly rejections: Counter<'reason'>;
  /** Placement round trip (intent persisted → venue answer). */
  readonly submissionLatency: Histogram<'exchange' | 'outcome'>;
  /** From the call to submit() until the order is handed to the venue (our own overhead). */
  readonly preSendLatency: Histogram<'exchange'>;
  readonly retries: Counter<'outcome'>;
  readonly venueRequests: Histogram<'operation' | 'outcome'>;
  readonly fills: Counter<'side' | 'role'>;
  readonly balance: Gauge;
  readonly reserved: Gauge;
  readonly tradingHalted: Gauge;
  readonly openPositions: Gauge;
  readonly exits: Counter<'reason' | 'outcome'>;
  readonly positionSyncs: Counter<'outcome'>;
  readonly reconciled: Counter<'outcome'>;
  readonly errors: Counter<'operation'>;

  constructor(metrics: MetricsRegistry) {
    this.ordersByState = metrics.counter('polybot_orders_total', 'Orders entering each state', [
      'state',
      'side',
    ]);
    this.openOrders = metrics.gauge('polybot_orders_open', 'Orders that may still rest on the venue');
    this.rejections = metrics.counter('polybot_order_rejections_total', 'Orders refused, by reason', [
      'reason',
    ]);
    this.submissionLatency = metrics.histogram(
      'polybot_order_submission_seconds',
      'Venue placement round trip, intent persisted to answer',
      ['exchange', 'outcome'],
      LATENCY_BUCKETS,
    );
    this.preSendLatency = metrics.histogram(
      'polybot_order_presend_seconds',
      'Execution overhead from submit() to the order handed to the venue',
      ['exchange'],
      LATENCY_BUCKETS,
    );
    this.retries = metrics.counter('polybot_order_retries_total', 'Order placements retried once', [
      'outcome',
    ]);
    this.venueRequests = metrics.histogram(
      'polybot_venue_request_seconds',
      'Venue calls by operation and outcome',
      ['operation', 'outcome'],
      LATENCY_BUCKETS,
    );
    this.fills = metrics.counter('polybot_fills_total', 'Fills recorded', ['side', 'role']);
    this.balance = metrics.gauge('polybot_balance_dollars', 'Collateral balance last read from the venue');
    this.reserved = metrics.gauge(
      'polybot_balance_reserved_dollars',
      'Collateral reserved by open BUY orders',
    );
    this.tradingHalted = metrics.gauge(
      'polybot_trading_halted',
      '1 while new entries are stopped (balance under the floor)',
    );
    this.openPositions = metrics.gauge('polybot_positions_open', 'Open positions');
    this.exits = metrics.counter('polybot_exits_total', 'Exit orders by reason and outcome', [
      'reason',
      'outcome',
    ]);
    this.positionSyncs = metrics.counter(
      'polybot_position_syncs_total',
      'Position size checks against the venue before exits (G12)',
      ['outcome'],
    );
    this.reconciled = metrics.counter(
      'polybot_orders_reconciled_total',
      'Orders resolved by asking the venue',
      ['outcome'],
    );
    this.errors = metrics.counter('polybot_execution_errors_total', 'Execution failures by operation', [
      'operation',
    ]);
  }
}

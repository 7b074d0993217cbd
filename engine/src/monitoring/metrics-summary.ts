import type { MetricObjectWithValues, MetricValue, MetricValueWithName } from 'prom-client';
import { PIPELINE_STAGES, type EngineMetrics } from './engine-metrics.js';

export interface LatencySummary {
  readonly count: number;
  /** Estimated from the histogram buckets (as Prometheus' histogram_quantile does); null without samples. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

export interface StrategyHealthSummary {
  readonly running: boolean;
  readonly quarantined: boolean;
  readonly restarts: number;
  readonly timeouts: number;
  readonly signals: Readonly<Record<string, number>>;
  /** Single evaluations (not batches), host-measured. */
  readonly evaluation: LatencySummary;
}

/** The engine part of /api/metrics: counters folded by label, latencies as p50/p99. */
export interface EngineMetricsSummary {
  readonly uptimeSeconds: number;
  readonly events: {
    readonly total: number;
    readonly bySource: Readonly<Record<string, number>>;
    readonly queueDepth: number;
    readonly queueDropped: number;
    readonly queueWait: LatencySummary;
  };
  readonly filterRejections: Readonly<Record<string, number>>;
  readonly signals: Readonly<Record<string, number>>;
  readonly orders: Readonly<Record<string, number>>;
  readonly ordersOpen: number;
  readonly positionsOpen: number;
  readonly balanceDollars: number;
  readonly balanceReservedDollars: number;
  readonly tradingHalted: boolean;
  readonly websocket: {
    readonly connections: Readonly<Record<string, number>>;
    readonly reconnects: number;
    readonly frames: number;
    readonly framesDropped: number;
    readonly paused: boolean;
  };
  /** Trade receipt → decision and → order. */
  readonly latency: Readonly<Record<string, LatencySummary>>;
  readonly strategies: Readonly<Record<string, StrategyHealthSummary>>;
}

export async function summarizeEngineMetrics(
  metrics: EngineMetrics,
  startedAtMs: number,
  nowMs: number,
): Promise<EngineMetricsSummary> {
  const m = metrics;
  const [events, depth, dropped, wait, rejections, signals, stages] = await Promise.all([
    m.eventsIn.get(),
    m.eventQueueDepth.get(),
    m.eventQueueDropped.get(),
    m.eventQueueWait.get(),
    m.filterRejections.get(),
    m.signals.get(),
    m.stageLatency.get(),
  ]);
  const [orders, ordersOpen, positions, balance, reserved, halted] = await Promise.all([
    m.orders.get(),
    m.ordersOpen.get(),
    m.positionsOpen.get(),
    m.balanceDollars.get(),
    m.balanceReservedDollars.get(),
    m.tradingHalted.get(),
  ]);
  const [connections, reconnects, frames, framesDropped, paused] = await Promise.all([
    m.wsConnections.get(),
    m.wsReconnects.get(),
    m.wsFrames.get(),
    m.wsFramesDropped.get(),
    m.wsPaused.get(),
  ]);
  const [running, quarantined, restarts, timeouts, evals] = await Promise.all([
    m.strategyRunning.get(),
    m.strategyQuarantined.get(),
    m.strategyRestarts.get(),
    m.strategyTimeouts.get(),
    m.strategyEvalSeconds.get(),
  ]);

  const latency: Record<string, LatencySummary> = {};
  for (const stage of PIPELINE_STAGES) latency[stage] = histogramSummary(stages, { stage });

  const strategyNames = new Set<string>();
  for (const metric of [running, quarantined, restarts, timeouts, signals, evals])
    for (const v of metric.values) {
      const name = v.labels.strategy;
      if (name !== undefined) strategyNames.add(String(name));
    }
  const strategies: Record<string, StrategyHealthSummary> = {};
  for (const strategy of [...strategyNames].sort()) {
    strategies[strategy] = {
      running: sum(running, { strategy }) > 0,
      quarantined: sum(quarantined, { strategy }) > 0,
      restarts: sum(restarts, { strategy }),
      timeouts: sum(timeouts, { strategy }),
      signals: byLabel(signals, 'action', { strategy }),
      evaluation: histogramSummary(evals, { strategy, kind: 'single' }),
    };
  }

  return {
    uptimeSeconds: Math.max(0, Math.round((nowMs - startedAtMs) / 1000)),
    events: {
      total: sum(events),
      bySource: byLabel(events, 'source'),
      queueDepth: sum(depth),
      queueDropped: sum(dropped),
      queueWait: histogramSummary(wait, {}),
    },
    filterRejections: byLabel(rejections, 'reason'),
    signals: byLabel(signals, 'action'),
    orders: byLabel(orders, 'state'),
    ordersOpen: sum(ordersOpen),
    positionsOpen: sum(positions),
    balanceDollars: sum(balance),
    balanceReservedDollars: sum(reserved),
    tradingHalted: sum(halted) > 0,
    websocket: {
      connections: byLabel(connections, 'state'),
      reconnects: sum(reconnects),
      frames: sum(frames),
      framesDropped: sum(framesDropped),
      paused: sum(paused) > 0,
    },
    latency,
    strategies,
  };
}

type Labels = Readonly<Record<string, string>>;
type Values = MetricObjectWithValues<MetricValue<string>>;
type NamedValues = MetricObjectWithValues<MetricValueWithName<string>>;

function matches(labels: Partial<Record<string, string | number>>, filter: Labels): boolean {
  return Object.entries(filter).every(([k, v]) => String(labels[k]) === v);
}

function sum(metric: Values, filter: Labels = {}): number {
  return metric.values.filter((v) => matches(v.labels, filter)).reduce((total, v) => total + v.value, 0);
}

function byLabel(metric: Values, label: string, filter: Labels = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of metric.values) {
    if (!matches(v.labels, filter)) continue;
    const key = String(v.labels[label] ?? '');
    out[key] = (out[key] ?? 0) + v.value;
  }
  return out;
}

/** Count and p50/p99 over every series of a histogram matching `filter`, buckets merged. */
export function histogramSummary(metric: NamedValues | Values, filter: Labels): LatencySummary {
  const buckets = new Map<number, number>();
  let count = 0;
  for (const v of metric.values as readonly MetricValueWithName<string>[]) {
    if (!matches(v.labels, filter)) continue;
    if (v.metricName?.endsWith('_bucket')) {
      const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + v.value);
    } else if (v.metricName?.endsWith('_count')) count += v.value;
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  return { count, p50Ms: quantileMs(sorted, count, 0.5), p99Ms: quantileMs(sorted, count, 0.99) };
}

/** Linear interpolation inside the bucket holding the rank, like Prometheus' histogram_quantile. */
function quantileMs(
  buckets: readonly (readonly [number, number])[],
  count: number,
  q: number,
): number | null {
  if (count === 0 || buckets.length === 0) return null;
  const rank = q * count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [upper, cumulative] of buckets) {
    if (cumulative >= rank) {
      // Samples in the +Inf bucket have no upper edge: report the last finite bound.
      if (upper === Infinity) return round(lowerBound * 1000);
      const inBucket = cumulative - lowerCount;
      const fraction = inBucket === 0 ? 1 : (rank - lowerCount) / inBucket;
      return round((lowerBound + (upper - lowerBound) * fraction) * 1000);
    }
    lowerBound = upper;
    lowerCount = cumulative;
  }
  return round(lowerBound * 1000);
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

import { expect } from 'chai';
import { EngineMetrics, PIPELINE_STAGES } from './engine-metrics.js';
import { LATENCY_BUCKETS, MetricsRegistry } from './metrics.js';
import { histogramSummary, summarizeEngineMetrics } from './metrics-summary.js';

describe('EngineMetrics', () => {
  it('declares every metric once per registry, prefixed polybot_', () => {
    const registry = new MetricsRegistry();
    const a = new EngineMetrics(registry);
    const b = new EngineMetrics(registry);
    expect(a.eventsIn).to.equal(b.eventsIn);
    const names = registry.registry.getMetricsAsArray().map((m) => m.name);
    expect(names.every((n) => n.startsWith('polybot_'))).to.equal(true);
    expect(names).to.include.members([
      'polybot_events_in_total',
      'polybot_filter_rejections_total',
      'polybot_signals_total',
      'polybot_orders_total',
      'polybot_stage_latency_seconds',
      'polybot_ws_connections',
      'polybot_ws_reconnects_total',
      'polybot_strategy_running',
      'polybot_strategy_restarts_total',
    ]);
  });

  it('shares metric objects with an area that declares the same name and labels', () => {
    const registry = new MetricsRegistry();
    const own = registry.counter('polybot_orders_total', 'declared by execution', ['state', 'side']);
    expect(new EngineMetrics(registry).orders).to.equal(own);
    const histogram = registry.histogram('polybot_stage_latency_seconds', 'core', ['stage'], LATENCY_BUCKETS);
    expect(new EngineMetrics(registry).stageLatency).to.equal(histogram);
  });

  it('refuses a declaration that disagrees on labels or type, naming both', () => {
    const registry = new MetricsRegistry();
    registry.counter('polybot_events_in_total', 'x', ['source', 'type']);
    expect(() => new EngineMetrics(registry)).to.throw(
      'metric polybot_events_in_total is already declared with labels [source, type]; this declaration asks for [source]',
    );
    const other = new MetricsRegistry();
    other.gauge('polybot_signals_total', 'x', ['strategy', 'action']);
    expect(() => new EngineMetrics(other)).to.throw(
      /polybot_signals_total is already declared as another type/,
    );
    const order = new MetricsRegistry();
    order.counter('polybot_orders_total', 'x', ['side', 'state']);
    expect(() => order.counter('polybot_orders_total', 'x', ['state', 'side'])).to.throw(
      /labels \[side, state\]/,
    );
  });

  it('observes stage latency from performance.now() readings, never negative', async () => {
    const metrics = new EngineMetrics(new MetricsRegistry());
    metrics.observeStage('order', 100, 103.5);
    metrics.observeStage('order', 100, 99);
    const data = await metrics.stageLatency.get();
    const sum = data.values.find((v) => v.metricName === 'polybot_stage_latency_seconds_sum');
    expect(sum?.value).to.be.closeTo(0.0035, 1e-9);
  });
});

describe('summarizeEngineMetrics', () => {
  it('folds counters by label and estimates latency quantiles', async () => {
    const metrics = new EngineMetrics(new MetricsRegistry());
    metrics.eventsIn.inc({ source: 'ws' }, 90);
    metrics.eventsIn.inc({ source: 'rest' }, 10);
    metrics.eventQueueDepth.set(4);
    metrics.eventQueueDropped.inc(2);
    metrics.eventQueueWait.observe(0.0003);
    metrics.filterRejections.inc({ reason: 'stale' }, 5);
    metrics.filterRejections.inc({ reason: 'weather' });
    metrics.signals.inc({ strategy: 'a', action: 'BUY' }, 2);
    metrics.signals.inc({ strategy: 'b', action: 'IGNORE' }, 3);
    metrics.orders.inc({ state: 'pending', side: 'BUY' }, 2);
    metrics.orders.inc({ state: 'pending', side: 'SELL' });
    metrics.ordersOpen.set(1);
    metrics.positionsOpen.set(2);
    metrics.balanceDollars.set(950);
    metrics.balanceReservedDollars.set(20);
    metrics.wsConnections.set({ state: 'open' }, 3);
    metrics.wsReconnects.inc({ reason: 'silent' });
    metrics.wsFrames.inc(1000);
    metrics.wsFramesDropped.inc({ reason: 'schema' }, 2);
    metrics.strategyRunning.set({ strategy: 'a' }, 1);
    metrics.strategyRunning.set({ strategy: 'b' }, 0);
    metrics.strategyQuarantined.set({ strategy: 'b' }, 1);
    metrics.strategyRestarts.inc({ strategy: 'b', reason: 'timeout' }, 5);
    metrics.strategyTimeouts.inc({ strategy: 'b', kind: 'hard' }, 5);
    for (let i = 0; i < 100; i++)
      metrics.strategyEvalSeconds.observe({ strategy: 'a', kind: 'single' }, 0.0002);
    metrics.strategyEvalSeconds.observe({ strategy: 'a', kind: 'batch' }, 0.3);
    for (let i = 0; i < 99; i++) metrics.observeStage('order', 0, 0.7); // 0.7 ms: in (0.5, 1] ms
    metrics.observeStage('order', 0, 20_000); // 20 s: beyond the last bucket

    const summary = await summarizeEngineMetrics(metrics, 1_000, 61_000);
    expect(summary.uptimeSeconds).to.equal(60);
    expect(summary.events).to.deep.include({
      total: 100,
      bySource: { ws: 90, rest: 10 },
      queueDepth: 4,
      queueDropped: 2,
    });
    expect(summary.events.queueWait.count).to.equal(1);
    expect(summary.filterRejections).to.deep.equal({ stale: 5, weather: 1 });
    expect(summary.signals).to.deep.equal({ BUY: 2, IGNORE: 3 });
    expect(summary.orders).to.deep.equal({ pending: 3 });
    expect(summary).to.deep.include({
      ordersOpen: 1,
      positionsOpen: 2,
      balanceDollars: 950,
      balanceReservedDollars: 20,
      tradingHalted: false,
    });
    expect(summary.websocket).to.deep.equal({
      connections: { open: 3 },
      reconnects: 1,
      frames: 1000,
      framesDropped: 2,
      paused: false,
    });
    expect(Object.keys(summary.latency)).to.deep.equal([...PIPELINE_STAGES]);
    expect(summary.latency.decision).to.deep.equal({ count: 0, p50Ms: null, p99Ms: null });
    const order = summary.latency.order;
    expect(order?.count).to.equal(100);
    expect(order?.p50Ms).to.be.greaterThan(0.5).and.at.most(1);
    expect(order?.p99Ms).to.be.greaterThan(0.5).and.at.most(1);
    expect(summary.strategies.a).to.deep.include({
      running: true,
      quarantined: false,
      restarts: 0,
      signals: { BUY: 2 },
    });
    expect(summary.strategies.a?.evaluation.count).to.equal(100);
    expect(summary.strategies.a?.evaluation.p50Ms).to.be.greaterThan(0.1).and.at.most(0.25);
    expect(summary.strategies.b).to.deep.include({
      running: false,
      quarantined: true,
      restarts: 5,
      timeouts: 5,
    });
  });

  it('reports the last finite bound for samples beyond every bucket', async () => {
    const metrics = new EngineMetrics(new MetricsRegistry());
    metrics.observeStage('decision', 0, 60_000);
    const summary = histogramSummary(await metrics.stageLatency.get(), { stage: 'decision' });
    expect(summary).to.deep.equal({ count: 1, p50Ms: 10_000, p99Ms: 10_000 });
  });
});

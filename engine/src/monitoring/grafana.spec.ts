import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { EngineMetrics } from './engine-metrics.js';
import { MetricsRegistry } from './metrics.js';

/** docs/grafana/polybot.json must only query metrics the engine exports. */
describe('Grafana dashboard (docs/grafana/polybot.json)', () => {
  const text = readFileSync(new URL('../../../docs/grafana/polybot.json', import.meta.url), 'utf8');
  const dashboard = JSON.parse(text) as { panels: { targets?: { expr: string }[] }[] };

  it('queries only metrics the engine declares', () => {
    const registry = new MetricsRegistry({ collectProcessMetrics: true });
    new EngineMetrics(registry);
    const declared = new Set(registry.registry.getMetricsAsArray().map((m) => m.name));
    const queried = new Set(
      dashboard.panels
        .flatMap((p) => p.targets ?? [])
        .flatMap((t) =>
          [...t.expr.matchAll(/\bpolybot_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, '')),
        ),
    );
    expect(queried.size).to.be.greaterThan(20);
    for (const name of queried) expect(declared.has(name), name).to.equal(true);
  });

  it('covers the engine metrics the issue asks for', () => {
    for (const name of [
      'polybot_events_in_total',
      'polybot_filter_rejections_total',
      'polybot_signals_total',
      'polybot_orders_total',
      'polybot_stage_latency_seconds_bucket',
      'polybot_ws_connections',
      'polybot_ws_reconnects_total',
      'polybot_strategy_running',
    ])
      expect(text).to.include(name);
  });
});

import { expect } from 'chai';
import { ManualClock } from '../util/clock.js';
import { EngineMetrics } from './engine-metrics.js';
import { HealthRegistry } from './health.js';
import { MetricsRegistry } from './metrics.js';

describe('HealthRegistry', () => {
  let registry: MetricsRegistry;
  let health: HealthRegistry;

  beforeEach(() => {
    registry = new MetricsRegistry();
    health = new HealthRegistry(new EngineMetrics(registry), new ManualClock(Date.UTC(2026, 0, 15, 12)));
  });

  it('is healthy with every probe passing, and stamps the report with the clock', async () => {
    health.register('database', () => true);
    health.register('feed', async () => ({ healthy: true, detail: 'ok' }));
    const report = await health.check();
    expect(report.healthy).to.equal(true);
    expect(report.checkedAt).to.equal('2026-01-15T12:00:00.000Z');
    expect(report.failing).to.deep.equal([]);
    expect(report.components.feed).to.include({ healthy: true, detail: 'ok' });
    expect(report.components.feed?.latencyMs).to.be.a('number');
    expect(await registry.value('polybot_component_healthy', { component: 'feed' })).to.equal(1);
  });

  it('counts false, a throw, a garbage answer and a probe that never answers as unhealthy', async () => {
    health.register('a_false', () => false);
    health.register('b_throws', () => {
      throw new Error('connection refused');
    });
    health.register('c_garbage', () => ({ status: 'fine' }) as never);
    health.register('d_hangs', () => new Promise<boolean>(() => undefined), { timeoutMs: 10 });
    health.register('e_ok', () => true);
    const report = await health.check();
    expect(report.healthy).to.equal(false);
    expect(report.failing).to.deep.equal(['a_false', 'b_throws', 'c_garbage', 'd_hangs']);
    expect(report.components.b_throws?.detail).to.equal('connection refused');
    expect(report.components.c_garbage?.detail).to.equal('health check returned an invalid result');
    expect(report.components.d_hangs?.detail).to.equal('timed out after 10 ms');
    expect(await registry.value('polybot_component_healthy', { component: 'd_hangs' })).to.equal(0);
  });

  it('shares one round between concurrent callers', async () => {
    let calls = 0;
    health.register('database', async () => {
      calls++;
      await new Promise((resolve) => setImmediate(resolve));
      return true;
    });
    const [a, b] = await Promise.all([health.check(), health.check()]);
    expect(a).to.equal(b);
    expect(calls).to.equal(1);
    await health.check();
    expect(calls).to.equal(2);
  });

  it('rejects bad and duplicate names, and unregisters', async () => {
    expect(() => health.register('Bad Name', () => true)).to.throw(/must match/);
    const remove = health.register('feed', () => false);
    expect(() => health.register('feed', () => true)).to.throw(/already registered/);
    await health.check();
    remove();
    remove();
    expect(health.names()).to.deep.equal([]);
    expect((await health.check()).healthy).to.equal(true);
    expect(await registry.render()).not.to.include('component="feed"');
  });
});

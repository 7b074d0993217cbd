import { expect } from 'chai';
import { container } from 'tsyringe';
import { DEFAULT_CONFIG, NO_SECRETS, mergeConfig } from '../config/defaults.js';
import { Tokens } from '../di/tokens.js';
import { ManualClock } from '../util/clock.js';
import { LogAlertSink } from './alerts/log-sink.js';
import { TelegramNotifier } from './alerts/telegram.js';
import { EngineMetrics } from './engine-metrics.js';
import { HealthRegistry } from './health.js';
import { DashboardServer } from './http/server.js';
import { createSilentLogger } from './logger.js';
import { MetricsRegistry } from './metrics.js';

/** Every injectable class resolves by token alone (emitDecoratorMetadata is off). */
describe('monitoring in a tsyringe container', () => {
  it('resolves EngineMetrics, HealthRegistry, the alert sinks and DashboardServer by token', async () => {
    const child = container.createChildContainer();
    try {
      child.register(Tokens.Config, { useValue: mergeConfig(DEFAULT_CONFIG, { dashboard: { port: 0 } }) });
      child.register(Tokens.Secrets, {
        useValue: { ...NO_SECRETS, telegramBotToken: '1:abc', telegramChatId: '1' },
      });
      child.register(Tokens.Logger, { useValue: createSilentLogger() });
      child.register(Tokens.Clock, { useValue: new ManualClock() });
      child.register(Tokens.Metrics, { useValue: new MetricsRegistry() });
      child.registerSingleton(Tokens.EngineMetrics, EngineMetrics);
      child.registerSingleton(Tokens.Health, HealthRegistry);
      child.register(Tokens.DashboardData, {
        useValue: {
          positions: async () => [],
          orders: async () => [],
          watchlist: async () => [],
          approvals: async () => [],
          decide: async () => ({ result: 'not_found' as const }),
          summary: async () => ({}),
        },
      });
      child.registerSingleton(Tokens.DashboardServer, DashboardServer);

      const metrics = child.resolve<EngineMetrics>(Tokens.EngineMetrics);
      expect(metrics.registry).to.equal(child.resolve(Tokens.Metrics));
      expect(child.resolve(Tokens.Health)).to.be.instanceOf(HealthRegistry);
      expect(child.resolve(LogAlertSink)).to.be.instanceOf(LogAlertSink);
      expect(child.resolve(TelegramNotifier)).to.be.instanceOf(TelegramNotifier);
      const server = child.resolve<DashboardServer>(Tokens.DashboardServer);
      const address = await server.start();
      expect(address.port).to.be.greaterThan(0);
      await server.stop();
    } finally {
      await child.dispose();
    }
  });
});

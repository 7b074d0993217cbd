import { expect } from 'chai';
import { container } from 'tsyringe';
import { testConfig } from '../config/defaults.js';
import { Tokens } from '../di/tokens.js';
import { createSilentLogger } from '../monitoring/logger.js';
import { MetricsRegistry } from '../monitoring/metrics.js';
import * as storage from './index.js';
import { createTestDatabase } from './testing/index.js';

describe('storage public API', function () {
  this.timeout(60_000);
  it('exports the database, every repository, the tape writer and the helpers', () => {
    for (const name of [
      'openDatabase',
      'runMigrations',
      'loadMigrations',
      'MarketRepository',
      'TapeRepository',
      'TriggerRepository',
      'OrderRepository',
      'FillRepository',
      'PositionRepository',
      'BalanceRepository',
      'WatchlistRepository',
      'ApprovalRepository',
      'DecisionRepository',
      'TapeWriter',
      'OrderStateError',
      'PositionError',
      'StorageInputError',
      'toDecimal',
      'toTimestamp',
      'canTransition',
    ])
      expect(storage, name).to.have.property(name);
    expect(storage).to.not.have.property('createTestDatabase');
  });

  it('resolves every repository from a container by its token', async () => {
    const t = await createTestDatabase({ backend: 'postgres' });
    const child = container.createChildContainer();
    try {
      child.registerInstance(Tokens.Database, t.database);
      const pairs = [
        [Tokens.MarketRepository, storage.MarketRepository],
        [Tokens.TapeRepository, storage.TapeRepository],
        [Tokens.TriggerRepository, storage.TriggerRepository],
        [Tokens.OrderRepository, storage.OrderRepository],
        [Tokens.FillRepository, storage.FillRepository],
        [Tokens.PositionRepository, storage.PositionRepository],
        [Tokens.BalanceRepository, storage.BalanceRepository],
        [Tokens.WatchlistRepository, storage.WatchlistRepository],
        [Tokens.ApprovalRepository, storage.ApprovalRepository],
        [Tokens.DecisionRepository, storage.DecisionRepository],
      ] as const;
      for (const [token, cls] of pairs)
        child.register<object>(token, { useClass: cls as unknown as new (...args: unknown[]) => object });
      for (const [token, cls] of pairs) expect(child.resolve(token)).to.be.instanceOf(cls);
      const triggers = child.resolve<storage.TriggerRepository>(Tokens.TriggerRepository);
      expect(await triggers.shouldTrigger('t', 'c', '0.95')).to.equal(true);
      child.registerInstance(Tokens.Config, testConfig());
      child.registerInstance(Tokens.Metrics, new MetricsRegistry());
      child.registerInstance(Tokens.Logger, createSilentLogger());
      child.register(Tokens.TapeWriter, { useClass: storage.TapeWriter });
      const writer = child.resolve<storage.TapeWriter>(Tokens.TapeWriter);
      writer.appendTrade({ tokenId: 'di', price: '0.5', tradedAt: Date.now(), source: 'rest' });
      await writer.close();
      expect(
        (await child.resolve<storage.TapeRepository>(Tokens.TapeRepository).recentTrades({ tokenId: 'di' }))
          .length,
      ).to.equal(1);
    } finally {
      await child.dispose();
      await t.dispose();
    }
  });
});

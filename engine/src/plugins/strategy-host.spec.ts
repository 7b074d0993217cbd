import { createContext } from '@polybot/sdk/testing';
import { expect } from 'chai';
import { container } from 'tsyringe';
import { Tokens } from '../di/tokens.js';
import { testConfig } from '../config/defaults.js';
import type { StrategyConfig } from '../config/types.js';
import { createSilentLogger } from '../monitoring/logger.js';
import { MetricsRegistry } from '../monitoring/metrics.js';
import { PluginLoadErrors, StrategyUnavailableError } from './errors.js';
import { StrategyHost } from './strategy-host.js';
import { removeTemp, tempRoot, VALID_PACKAGE, writePlugin } from './testing/temp-plugin.js';
import type { StrategyInput } from './types.js';

function input(price = 0.96): StrategyInput {
  const { strategy: _s, params: _p, ...rest } = createContext({ trigger: { price } });
  return rest;
}

const PRICE_ECHO = `import { defineStrategy, ignore } from '@polybot/sdk';
export default defineStrategy({
  name: 'price_echo',
  version: '1.0.0',
  onStop() { console.log('stopping'); },
  evaluate: (ctx) => ignore(\`price \${ctx.trigger.price} for \${ctx.strategy}\`),
});
`;

describe('StrategyHost', function () {
  this.timeout(20_000);
  let root = '';
  let echoDir = '';
  let host: StrategyHost | null = null;
  let metrics = new MetricsRegistry();

  function createHost(strategies: StrategyConfig[], plugins: Record<string, unknown> = {}): StrategyHost {
    metrics = new MetricsRegistry();
    host = new StrategyHost(
      testConfig({ strategies, plugins: { dir: root, hardLimitMs: 1_000, ...plugins } }),
      createSilentLogger(),
      metrics,
    );
    return host;
  }

  before(() => {
    root = tempRoot('host');
    echoDir = writePlugin(
      root,
      'price-echo',
      { ...VALID_PACKAGE, name: 'price-echo' },
      { 'index.js': PRICE_ECHO },
    );
  });

  afterEach(async () => {
    await host?.stop();
    host = null;
  });

  after(() => removeTemp(root));

  it('starts the default strategy and asks it for signals', async () => {
    const started = createHost([{ package: 'high_prob_yes' }]);
    await started.start(root);
    await started.start(root);
    expect(started.names).to.deep.equal(['high_prob_yes']);
    const result = await started.evaluate('high_prob_yes', input(0.96));
    expect(result).to.deep.include({ status: 'ok', strategy: 'high_prob_yes' });
    expect(started.params('high_prob_yes')).to.deep.equal({
      priceThreshold: 0.95,
      maxPrice: 0.99,
      positionSize: 20,
    });
    const [health] = started.health();
    expect(health).to.deep.include({
      name: 'high_prob_yes',
      state: 'running',
      isolation: 'worker',
      budgetMs: 50,
      source: 'first-party',
    });
    expect(
      await metrics.value('polybot_strategy_evaluations_total', { strategy: 'high_prob_yes', status: 'ok' }),
    ).to.equal(1);
    const rendered = await metrics.render();
    expect(rendered).to.include(
      'polybot_strategy_eval_seconds_count{strategy="high_prob_yes",kind="single"} 1',
    );
  });

  it('is resolved by tsyringe from explicit tokens', async () => {
    const child = container.createChildContainer();
    child.register(Tokens.Config, { useValue: testConfig({ strategies: [{ package: echoDir }] }) });
    child.register(Tokens.Logger, { useValue: createSilentLogger() });
    child.register(Tokens.Metrics, { useValue: new MetricsRegistry() });
    host = child.resolve(StrategyHost);
    await host.start(root);
    expect(host.names).to.deep.equal(['price_echo']);
    child.dispose();
  });

  it('answers concurrent evaluations of one strategy in order, queueing behind the one in flight', async () => {
    const started = createHost([{ package: echoDir }]);
    await started.start(root);
    const prices = [0.1, 0.2, 0.3, 0.4, 0.5];
    const results = await Promise.all(prices.map((price) => started.evaluate('price_echo', input(price))));
    expect(results.map((r) => r.status === 'ok' && r.signal.reason)).to.deep.equal(
      prices.map((p) => `price ${p} for price_echo`),
    );
    expect(await started.evaluateBatch('price_echo', [])).to.deep.equal([]);
  });

  it('answers unavailable past the queue limit instead of queueing without bound', async () => {
    const started = createHost([{ package: echoDir }], { maxQueue: 1 });
    await started.start(root);
    const results = await Promise.all(
      [0.1, 0.2, 0.3].map((price) => started.evaluate('price_echo', input(price))),
    );
    expect(results.map((r) => r.status)).to.deep.equal(['ok', 'ok', 'unavailable']);
    expect(results[2]).to.deep.include({ reason: 'busy: too many evaluations queued' });
  });

  it('reports a context that cannot be sent as an engine-side error, and carries on', async () => {
    const started = createHost([{ package: echoDir }]);
    await started.start(root);
    const broken = { ...input(), market: { question: () => 'not data' } } as unknown as StrategyInput;
    const result = await started.evaluate('price_echo', broken);
    expect(result).to.deep.include({ status: 'error', cause: 'invalid_input' });
    expect((await started.evaluate('price_echo', input(0.7))).status).to.equal('ok');
  });

  it('refuses an unknown strategy name, naming the loaded ones', async () => {
    const started = createHost([{ package: echoDir, name: 'mine' }]);
    await started.start(root);
    expect(() => started.evaluate('other', input())).to.throw(StrategyUnavailableError, /loaded: mine/);
  });

  it('answers unavailable once stopped, and runs onStop', async () => {
    const started = createHost([{ package: echoDir }]);
    await started.start(root);
    await started.stop();
    const result = await started.evaluate('price_echo', input());
    expect(result).to.deep.include({ status: 'unavailable', state: 'stopped', reason: 'stopped' });
    expect(await started.evaluateBatch('price_echo', [input()])).to.have.length(1);
    expect(started.health()[0]?.state).to.equal('stopped');
  });

  it('rejects a bad instance name and an unknown isolation mode', async () => {
    const started = createHost([
      { package: echoDir, name: 'Has Spaces' },
      { package: echoDir, name: 'ok_name', isolation: 'vm' as 'worker' },
    ]);
    let failure: unknown;
    try {
      await started.start(root);
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(PluginLoadErrors);
    const messages = (failure as PluginLoadErrors).failures.map((f) => f.message);
    expect(messages.some((m) => m.includes('the instance name "Has Spaces" is not allowed'))).to.equal(true);
    expect(messages.some((m) => m.includes('isolation "vm" is unknown'))).to.equal(true);
  });

  it('starts with no strategies at all', async () => {
    const started = createHost([]);
    await started.start(root);
    expect(await started.evaluateAll(input())).to.deep.equal([]);
    expect((await started.evaluateBatchAll([input()])).size).to.equal(0);
  });

  it('stops cleanly while a crashed runtime is being restarted', async () => {
    const exits = writePlugin(
      root,
      'exits-stop',
      { ...VALID_PACKAGE, name: 'exits-stop' },
      {
        'index.js': `import { defineStrategy } from '@polybot/sdk';
export default defineStrategy({ name: 'exits_stop', version: '1.0.0', evaluate: () => process.exit(1) });
`,
      },
    );
    const started = createHost([{ package: exits }], { restartBaseMs: 1 });
    await started.start(root);
    expect((await started.evaluate('exits_stop', input())).status).to.equal('error');
    await started.stop();
    expect(started.health()[0]?.state).to.equal('stopped');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started.health()[0]?.state, 'no restart after stop').to.equal('stopped');
    expect(await started.evaluate('exits_stop', input())).to.deep.include({ status: 'unavailable' });
  });

  it('tells every alert listener about a crash even when one of them throws', async () => {
    const exits = writePlugin(
      root,
      'exits',
      { ...VALID_PACKAGE, name: 'exits' },
      {
        'index.js': `import { defineStrategy } from '@polybot/sdk';
export default defineStrategy({ name: 'exits', version: '1.0.0', evaluate: () => process.exit(7) });
`,
      },
    );
    const started = createHost([{ package: exits }], { restartBaseMs: 10 });
    const seen: string[] = [];
    started.onAlert(() => {
      throw new Error('listener broke');
    });
    const unsubscribe = started.onAlert((alert) => seen.push(`${alert.kind}:${alert.strategy}`));
    await started.start(root);
    const result = await started.evaluate('exits', input());
    expect(result.status === 'error' && result.error).to.match(/exited with code 7/);
    while (started.health()[0]?.state !== 'running') await new Promise((resolve) => setTimeout(resolve, 5));
    expect(seen).to.deep.equal(['crashed:exits', 'restarted:exits']);
    expect(unsubscribe()).to.equal(true);
    expect(started.health()[0]).to.deep.include({ restarts: 1, lastError: 'its runtime exited with code 7' });
  });
});

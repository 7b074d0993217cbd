import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { PluginLoadErrors, type PluginLoadError, type StrategyConfig } from 'polybot';
import { createTestHost, fixture, input, REPO_ROOT, removeDir, tempDir, type TestHost } from './helpers.js';

/** Starts a host that must fail, and returns its load errors. */
async function failures(
  strategies: StrategyConfig[],
  plugins: Record<string, unknown> = {},
): Promise<PluginLoadError[]> {
  const { host } = createTestHost(strategies, plugins);
  try {
    await host.start();
  } catch (error) {
    expect(error).to.be.instanceOf(PluginLoadErrors);
    expect(host.health(), 'nothing keeps running after a failed start').to.deep.equal([]);
    return [...(error as PluginLoadErrors).failures];
  }
  await host.stop();
  throw new Error('the host started although it should not have');
}

async function onlyFailure(
  strategy: StrategyConfig,
  plugins: Record<string, unknown> = {},
): Promise<PluginLoadError> {
  const all = await failures([strategy], plugins);
  expect(all).to.have.length(1);
  return all[0]!;
}

describe('plugin host: loading and load-time checks', function () {
  this.timeout(30_000);
  let running: TestHost | null = null;

  afterEach(async () => {
    await running?.host.stop();
    running = null;
  });

  it('loads a first-party strategy by short name and a local folder by path, each in its own worker', async () => {
    running = createTestHost([
      { package: 'high_prob_yes' },
      { package: fixture('echo'), params: { tag: 'mine' } },
    ]);
    await running.host.start();
    expect(running.host.names).to.deep.equal(['high_prob_yes', 'echo']);
    const [hpy, echo] = await running.host.evaluateAll(input({ trigger: { price: 0.96 } }));
    expect(hpy).to.deep.include({ status: 'ok', strategy: 'high_prob_yes' });
    if (hpy?.status === 'ok')
      expect(hpy.signal).to.deep.include({ action: 'BUY', price: 0.96, notional: 20 });
    if (echo?.status === 'ok') expect(echo.signal.reason).to.equal('echo:mine:0.96');
    else expect.fail(`echo answered ${JSON.stringify(echo)}`);
    const health = running.host.health();
    expect(health.map((h) => [h.name, h.source, h.state])).to.deep.equal([
      ['high_prob_yes', 'first-party', 'running'],
      ['echo', 'local', 'running'],
    ]);
    expect(await running.metrics.value('polybot_strategy_running')).to.equal(2);
  });

  it('runs the second first-party strategy (watch_confirm) through its two steps', async () => {
    running = createTestHost([
      { package: join(REPO_ROOT, 'plugins', 'watch_confirm'), params: { minBidDepth: 100 } },
    ]);
    await running.host.start();
    const book = { bids: [{ price: 0.93, size: 500 }], asks: [{ price: 0.94, size: 50 }] };
    const first = await running.host.evaluate(
      'watch_confirm',
      input({ trigger: { price: 0.93, source: 'websocket' }, book }),
    );
    expect(first.status === 'ok' && first.signal).to.deep.include({ action: 'WATCH', watchForSeconds: 1800 });
    const later = await running.host.evaluate(
      'watch_confirm',
      input({ trigger: { price: 0.93, source: 'watchlist' }, book }),
    );
    expect(later.status === 'ok' && later.signal).to.deep.include({
      action: 'BUY',
      price: 0.94,
      notional: 20,
    });
  });

  it('runs one package twice under different names, each with its own params', async () => {
    running = createTestHost([
      { package: fixture('echo'), name: 'echo_a', params: { tag: 'a', size: 7 } },
      { package: fixture('echo'), name: 'echo_b', params: { tag: 'b' } },
    ]);
    await running.host.start();
    const a = await running.host.evaluate('echo_a', input({ trigger: { price: 0.5 } }));
    const b = await running.host.evaluate('echo_b', input({ trigger: { price: 0.5 } }));
    expect(a.status === 'ok' && a.signal).to.deep.equal({
      action: 'BUY',
      reason: 'echo_a:a:0.5',
      price: 0.5,
      size: 7,
    });
    expect(b.status === 'ok' && b.signal).to.deep.equal({
      action: 'BUY',
      reason: 'echo_b:b:0.5',
      price: 0.5,
      size: 5,
    });
    expect(running.host.params('echo_b')).to.deep.equal({ tag: 'b', size: 5 });
  });

  it('resolves a relative folder path from the deployment folder', async () => {
    running = createTestHost([{ package: `./${relative(REPO_ROOT, fixture('echo'))}` }]);
    await running.host.start(REPO_ROOT);
    expect((await running.host.evaluate('echo', input())).status).to.equal('ok');
  });

  it('evaluates a batch in one message, in order', async () => {
    running = createTestHost([{ package: fixture('echo') }]);
    await running.host.start();
    const prices = [0.11, 0.22, 0.33, 0.44];
    const results = await running.host.evaluateBatch(
      'echo',
      prices.map((price) => input({ trigger: { price } })),
    );
    expect(results.map((r) => (r.status === 'ok' ? r.signal.reason : r.status))).to.deep.equal(
      prices.map((p) => `echo:default:${p}`),
    );
    const all = await running.host.evaluateBatchAll([input({ trigger: { price: 0.5 } })]);
    expect([...all.keys()]).to.deep.equal(['echo']);
  });

  it('rejects a strategy that targets another SDK API version, saying which', async () => {
    const error = await onlyFailure({ package: fixture('wrong-api') });
    expect(error.check).to.equal('api_version');
    expect(error.message).to.include(
      'strategy @fixtures/strategy-wrong-api targets SDK API 2; this engine supports 1',
    );
    expect(error.message).to.include('Fix: upgrade polybot');
  });

  it('rejects a malformed manifest with every schema problem', async () => {
    const error = await onlyFailure({ package: fixture('bad-manifest') });
    expect(error.check).to.equal('manifest_schema');
    expect(error.message).to.include('polybot has an unknown key "main"');
    expect(error.message).to.include('polybot.entry must match pattern');
  });

  it('rejects an entry that points outside the package', async () => {
    const error = await onlyFailure({ package: fixture('escape') });
    expect(error.check).to.equal('entry');
    expect(error.message).to.match(/entry "\.\/\.\.\/throws\/index\.js" points outside the package folder/);
  });

  it('rejects an entry that escapes through a symlink', async () => {
    const dir = tempDir('symlink');
    try {
      const plugin = join(dir, 'plugin');
      cpSync(fixture('echo'), plugin, { recursive: true });
      writeFileSync(join(dir, 'outside.js'), 'export default {};\n');
      symlinkSync(join(dir, 'outside.js'), join(plugin, 'linked.js'));
      const pkg = { name: 'linked', version: '1.0.0', keywords: ['polybot-strategy'], type: 'module' };
      writeFileSync(
        join(plugin, 'package.json'),
        JSON.stringify({
          ...pkg,
          peerDependencies: { '@polybot/sdk': '^1.0.0' },
          polybot: { apiVersion: 1, entry: './linked.js' },
        }),
      );
      const error = await onlyFailure({ package: plugin });
      expect(error.check).to.equal('entry');
      expect(error.message).to.include('resolves through a symlink');
    } finally {
      removeDir(dir);
    }
  });

  it('rejects a default export that is not made with defineStrategy', async () => {
    const error = await onlyFailure({ package: fixture('unbranded') });
    expect(error.check).to.equal('export');
    expect(error.message).to.include('not a strategy made with defineStrategy()');
  });

  it('rejects an export whose apiVersion differs from its manifest', async () => {
    const error = await onlyFailure({ package: fixture('export-mismatch') });
    expect(error.check).to.equal('api_version');
    expect(error.message).to.include('targets SDK API 2 but its package.json declares 1');
  });

  it('gives up on a plugin whose import never finishes', async () => {
    const error = await onlyFailure({ package: fixture('hangs-on-import') }, { initTimeoutMs: 500 });
    expect(error.check).to.equal('init_timeout');
    expect(error.message).to.include('importing the plugin took longer than 500 ms');
  });

  it('says how to install a package that is not installed', async () => {
    const error = await onlyFailure({ package: '@acme/strategy-nope' });
    expect(error.check).to.equal('not_installed');
    expect(error.message).to.include('install it with: polybot plugins add @acme/strategy-nope');
  });

  it('validates params (merged over the defaults) against the paramsSchema', async () => {
    const bad = await onlyFailure({ package: fixture('echo'), params: { size: -1, colour: 'red' } });
    expect(bad.check).to.equal('params');
    expect(bad.message).to.include('params has an unknown key "colour"');
    expect(bad.message).to.include('params.size must be > 0');
    const hpy = await onlyFailure({ package: 'high_prob_yes', params: { priceThreshold: 2 } });
    expect(hpy.message).to.include('params.priceThreshold must be < 1');
  });

  it('rejects bad limits in the strategy config', async () => {
    const budget = await onlyFailure({ package: fixture('echo'), budgetMs: 5_000 });
    expect(budget.check).to.equal('config');
    expect(budget.message).to.include('below plugins.hardLimitMs');
    const memory = await onlyFailure({ package: fixture('echo'), memoryMb: 4 });
    expect(memory.message).to.include('memoryMb 4 must be an integer of at least 16');
  });

  it('lists every failing strategy at once, and two instances may not share a name', async () => {
    const all = await failures([
      { package: fixture('echo') },
      { package: fixture('wrong-api') },
      { package: fixture('unbranded') },
      { package: fixture('echo') },
    ]);
    expect(all.map((f) => f.check).sort()).to.deep.equal(['api_version', 'config', 'export']);
    expect(all.find((f) => f.check === 'config')?.message).to.include('both named "echo"');
  });

  it('refuses a plugin that cannot import @polybot/sdk', async () => {
    const dir = tempDir('nosdk');
    try {
      const plugin = join(dir, 'plugin');
      mkdirSync(plugin);
      cpSync(join(fixture('echo'), 'index.js'), join(plugin, 'index.js'));
      cpSync(join(fixture('echo'), 'package.json'), join(plugin, 'package.json'));
      const error = await onlyFailure({ package: plugin });
      expect(error.check).to.equal('sdk');
      expect(error.message).to.include('@polybot/sdk cannot be imported from');
    } finally {
      removeDir(dir);
    }
  });
});

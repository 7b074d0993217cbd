import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { StrategyConfig } from 'polybot';
import {
  createTestHost,
  fixture,
  input,
  removeDir,
  stateOf,
  tempDir,
  until,
  type TestHost,
} from './helpers.js';

/** `isolation: "process"`: the same protocol and the same guarantees, in a child process. */
describe('plugin host: process isolation', function () {
  this.timeout(30_000);
  let ctx: TestHost | null = null;

  async function start(bad: StrategyConfig, plugins: Record<string, unknown> = {}): Promise<TestHost> {
    ctx = createTestHost(
      [
        { package: fixture('echo'), isolation: 'process' },
        { ...bad, isolation: 'process' },
      ],
      plugins,
    );
    await ctx.host.start();
    return ctx;
  }

  async function echoStillWorks(test: TestHost): Promise<void> {
    const result = await test.host.evaluate('echo', input({ trigger: { price: 0.3 } }));
    expect(result.status === 'ok' && result.signal.reason).to.equal('echo:default:0.3');
  }

  afterEach(async () => {
    await ctx?.host.stop();
    ctx = null;
  });

  it('evaluates singly and in batches in a child process', async () => {
    const test = await start({ package: 'high_prob_yes' });
    expect(test.host.health().map((h) => h.isolation)).to.deep.equal(['process', 'process']);
    const single = await test.host.evaluate('high_prob_yes', input({ trigger: { price: 0.97 } }));
    expect(single.status === 'ok' && single.signal.action).to.equal('BUY');
    const batch = await test.host.evaluateBatch('echo', [
      input({ trigger: { price: 0.1 } }),
      input({ trigger: { price: 0.2 } }),
    ]);
    expect(batch.map((r) => r.status === 'ok' && r.signal.reason)).to.deep.equal([
      'echo:default:0.1',
      'echo:default:0.2',
    ]);
  });

  it('a child process sees no secrets either', async () => {
    const dir = tempDir('snoop-process');
    const credsFile = join(dir, 'polymarket_api_creds.json');
    writeFileSync(
      credsFile,
      JSON.stringify({ api_key: 'k', api_secret: 'hunter2-secret', api_passphrase: 'p' }),
    );
    try {
      const test = await start({
        package: fixture('snoop'),
        params: { credsFile, writeTo: join(dir, 'pwned') },
      });
      const result = await test.host.evaluate('snoop', input());
      expect(result.status).to.equal('ok');
      if (result.status !== 'ok') return;
      expect(JSON.parse(result.signal.reason)).to.deep.include({
        envKeys: 0,
        environ: 'ERR_ACCESS_DENIED',
        parentEnviron: 'ERR_ACCESS_DENIED',
        creds: 'ERR_ACCESS_DENIED',
        spawn: 'ERR_ACCESS_DENIED',
        write: 'ERR_ACCESS_DENIED',
      });
      await echoStillWorks(test);
    } finally {
      removeDir(dir);
    }
  });

  it('a child that spins forever is killed at the hard limit and restarted', async () => {
    const test = await start({ package: fixture('slow') });
    expect((await test.host.evaluate('slow', input({ trigger: { size: -1 } }))).status).to.equal(
      'over_budget',
    );
    await until(
      'the hard kill',
      async () => (await test.metrics.value('polybot_strategy_timeouts_total', { kind: 'hard' })) === 1,
    );
    await echoStillWorks(test);
    await until('the restart', () => stateOf(test.host, 'slow') === 'running');
    expect((await test.host.evaluate('slow', input({ trigger: { size: 0 } }))).status).to.equal('ok');
  });

  it('a child that exits is restarted, then quarantined after repeated strikes', async () => {
    const test = await start({ package: fixture('exits') });
    for (let i = 0; i < 3; i++) {
      await until('the child to be up', () => stateOf(test.host, 'exits') === 'running');
      const result = await test.host.evaluate('exits', input());
      expect(result.status === 'error' && result.error).to.match(/exited with code 3/);
    }
    expect(stateOf(test.host, 'exits')).to.equal('quarantined');
    await echoStillWorks(test);
  });
});

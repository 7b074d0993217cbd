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

/**
 * Every fixture misbehaves in one way; each test asserts what the engine does about it and that
 * a well-behaved strategy (`echo`) in the same engine keeps evaluating.
 */
describe('plugin host: misbehaving strategies (worker isolation)', function () {
  this.timeout(30_000);
  let ctx: TestHost | null = null;

  async function start(bad: StrategyConfig, plugins: Record<string, unknown> = {}): Promise<TestHost> {
    ctx = createTestHost([{ package: fixture('echo') }, bad], plugins);
    await ctx.host.start();
    return ctx;
  }

  async function echoStillWorks(test: TestHost): Promise<void> {
    const result = await test.host.evaluate('echo', input({ trigger: { price: 0.42 } }));
    expect(result.status).to.equal('ok');
    if (result.status === 'ok')
      expect(result.signal).to.include({ action: 'BUY', reason: 'echo:default:0.42' });
  }

  afterEach(async () => {
    await ctx?.host.stop();
    ctx = null;
  });

  it('a throwing strategy gives an error result per evaluation and keeps its worker', async () => {
    const test = await start({ package: fixture('throws') });
    for (let i = 0; i < 2; i++) {
      const result = await test.host.evaluate('throws', input());
      expect(result).to.include({ status: 'error', cause: 'threw', strategy: 'throws' });
      if (result.status === 'error') expect(result.error).to.equal('RangeError: cannot handle 1001');
    }
    const health = test.host.health().find((h) => h.name === 'throws');
    expect(health).to.include({ state: 'running', restarts: 0, errors: 2 });
    expect(
      await test.metrics.value('polybot_strategy_errors_total', { strategy: 'throws', kind: 'threw' }),
    ).to.equal(2);
    await echoStillWorks(test);
  });

  it('over budget counts as IGNORE, and the late answer is discarded rather than given to the next call', async () => {
    const test = await start({ package: fixture('slow') }, { hardLimitMs: 5_000 });
    const late = await test.host.evaluate('slow', input({ trigger: { size: 300 } }));
    expect(late.status).to.equal('over_budget');
    if (late.status === 'over_budget') {
      expect(late.signal.action).to.equal('IGNORE');
      expect(late.signal.reason).to.match(/did not answer within its 50 ms budget; counted as IGNORE/);
    }
    const busy = await test.host.evaluate('slow', input({ trigger: { size: 0 } }));
    expect(busy).to.include({ status: 'unavailable' });
    await until(
      'the late answer',
      async () =>
        (await test.metrics.value('polybot_strategy_late_results_total', { strategy: 'slow' })) === 1,
    );
    const next = await test.host.evaluate('slow', input({ trigger: { size: 1 } }));
    expect(next.status).to.equal('ok');
    if (next.status === 'ok') expect(next.signal.reason).to.equal('waited 1 ms');
    expect(
      await test.metrics.value('polybot_strategy_timeouts_total', { strategy: 'slow', kind: 'budget' }),
    ).to.equal(1);
    expect(test.host.health().find((h) => h.name === 'slow')).to.include({
      restarts: 0,
      timeouts: 1,
      strikes: 1,
    });
    await echoStillWorks(test);
  });

  for (const [what, size] of [
    ['spins forever', -1],
    ['returns a promise that never settles', -2],
  ] as const) {
    it(`a strategy that ${what} is terminated at the hard limit and restarted`, async () => {
      const test = await start({ package: fixture('slow') });
      const result = await test.host.evaluate('slow', input({ trigger: { size } }));
      expect(result.status).to.equal('over_budget');
      await until(
        'the hard kill',
        async () => (await test.metrics.value('polybot_strategy_timeouts_total', { kind: 'hard' })) === 1,
      );
      await echoStillWorks(test);
      await until('the restart', () => stateOf(test.host, 'slow') === 'running');
      const after = await test.host.evaluate('slow', input({ trigger: { size: 0 } }));
      expect(after.status).to.equal('ok');
      expect(test.host.health().find((h) => h.name === 'slow')?.restarts).to.equal(1);
      expect(
        await test.metrics.value('polybot_strategy_restarts_total', {
          strategy: 'slow',
          reason: 'hard_timeout',
        }),
      ).to.equal(1);
    });
  }

  it('a strategy that allocates without bound hits its memory cap; its worker restarts', async () => {
    // A generous budget so the crash, not the budget, ends the evaluation.
    const test = await start(
      { package: fixture('oom'), memoryMb: 32, budgetMs: 4_000 },
      { hardLimitMs: 5_000 },
    );
    const result = await test.host.evaluate('oom', input());
    expect(result).to.include({ status: 'error', cause: 'crashed' });
    if (result.status === 'error') expect(result.error).to.match(/ran out of memory \(heap limit 32 MiB\)/);
    await echoStillWorks(test);
    await until('the restart', () => stateOf(test.host, 'oom') === 'running');
    expect(
      await test.metrics.value('polybot_strategy_restarts_total', { strategy: 'oom', reason: 'crashed' }),
    ).to.equal(1);
  });

  it('a strategy that calls process.exit crashes only its worker; repeated strikes quarantine it', async () => {
    const test = await start({ package: fixture('exits') });
    for (let strike = 1; strike <= 3; strike++) {
      await until('the worker to be up', () => stateOf(test.host, 'exits') === 'running');
      const result = await test.host.evaluate('exits', input());
      expect(result).to.include({ status: 'error', cause: 'crashed' });
      if (result.status === 'error') expect(result.error).to.match(/exited with code 3/);
      await echoStillWorks(test);
    }
    expect(stateOf(test.host, 'exits')).to.equal('quarantined');
    const refused = await test.host.evaluate('exits', input());
    expect(refused).to.include({ status: 'unavailable', state: 'quarantined' });
    expect(test.alerts.map((a) => `${a.kind}:${a.strategy}`)).to.include('quarantined:exits');
    expect(await test.metrics.value('polybot_strategy_quarantined', { strategy: 'exits' })).to.equal(1);
    expect(await test.metrics.value('polybot_strategy_quarantined', { strategy: 'echo' })).to.equal(0);
    await echoStillWorks(test);

    test.host.release('exits');
    await until('the release', () => stateOf(test.host, 'exits') === 'running');
    expect(await test.metrics.value('polybot_strategy_quarantined', { strategy: 'exits' })).to.equal(0);
  });

  it('malformed signals are dropped, counted and reported as errors, never passed on', async () => {
    const test = await start({ package: fixture('garbage') });
    for (const price of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]) {
      const result = await test.host.evaluate('garbage', input({ trigger: { price } }));
      expect(result, `price ${price}`).to.include({ status: 'error', cause: 'invalid_signal' });
    }
    expect(
      await test.metrics.value('polybot_strategy_invalid_signals_total', { strategy: 'garbage' }),
    ).to.equal(7);
    const valid = await test.host.evaluate('garbage', input({ trigger: { price: 0.9 } }));
    expect(valid.status).to.equal('ok');
    expect(stateOf(test.host, 'garbage')).to.equal('running');
    await echoStillWorks(test);
  });

  it('a strategy cannot see secrets: empty env, no /proc/self/environ, no creds file, no processes, no writes', async () => {
    const dir = tempDir('snoop');
    const credsFile = join(dir, 'polymarket_api_creds.json');
    writeFileSync(
      credsFile,
      JSON.stringify({ api_key: 'k', api_secret: 'hunter2-secret', api_passphrase: 'p' }),
    );
    process.env['POLYBOT_TEST_SECRET'] = 'hunter2-env';
    try {
      const test = await start({
        package: fixture('snoop'),
        params: { credsFile, writeTo: join(dir, 'pwned') },
      });
      const result = await test.host.evaluate('snoop', input());
      expect(result.status).to.equal('ok');
      if (result.status !== 'ok') return;
      expect(result.signal.reason).not.to.match(/hunter2/);
      expect(JSON.parse(result.signal.reason)).to.deep.equal({
        envKeys: 0,
        environ: 'ERR_ACCESS_DENIED',
        parentEnviron: 'ERR_ACCESS_DENIED',
        creds: 'ERR_ACCESS_DENIED',
        spawn: 'ERR_ACCESS_DENIED',
        write: 'ERR_ACCESS_DENIED',
        contextKeys: 'book,hoursToEnd,market,now,params,position,strategy,token,trigger',
      });
      await echoStillWorks(test);
    } finally {
      delete process.env['POLYBOT_TEST_SECRET'];
      removeDir(dir);
    }
  });

  it('messages a strategy forges on the runtime port are never taken as answers, and get it quarantined', async () => {
    const test = await start({ package: fixture('forger') });
    const first = await test.host.evaluate('forger', input());
    expect(first.status).to.be.oneOf(['ok', 'unavailable']);
    if (first.status === 'ok')
      expect(first.signal).to.deep.equal({ action: 'IGNORE', reason: 'looked innocent' });
    for (let i = 0; i < 5 && stateOf(test.host, 'forger') === 'running'; i++) {
      const result = await test.host.evaluate('forger', input());
      expect(result.status).not.to.equal('error');
      if (result.status === 'ok') expect(result.signal.action).to.equal('IGNORE');
    }
    await until('the quarantine', () => stateOf(test.host, 'forger') === 'quarantined');
    expect(
      await test.metrics.value('polybot_strategy_errors_total', { strategy: 'forger', kind: 'protocol' }),
    ).to.be.at.least(3);
    expect(
      await test.metrics.value('polybot_strategy_late_results_total', { strategy: 'forger' }),
    ).to.be.at.least(1);
    expect(test.alerts.some((a) => a.kind === 'quarantined' && a.strategy === 'forger')).to.equal(true);
    await echoStillWorks(test);
  });

  it("a strategy's stdout and stderr are re-logged under its name", async () => {
    const test = await start({ package: fixture('chatty') });
    const result = await test.host.evaluate('chatty', input({ token: { tokenId: '777' } }));
    expect(result.status).to.equal('ok');
    const line = (text: string) => test.logs.records.find((r) => r['message'] === text);
    await until(
      'the relayed lines',
      () => line('looking at 777') !== undefined && line('a warning about 777') !== undefined,
    );
    expect(line('chatty starting as chatty')).to.include({
      strategy: 'chatty',
      level: 'info',
      stream: 'stdout',
    });
    expect(line('looking at 777')).to.include({ strategy: 'chatty', level: 'info', stream: 'stdout' });
    expect(line('a warning about 777')).to.include({ strategy: 'chatty', level: 'warn', stream: 'stderr' });
    await echoStillWorks(test);
  });

  it('over-budget items of a batch count as IGNORE while the others answer', async () => {
    const test = await start({ package: fixture('slow') }, { hardLimitMs: 5_000 });
    const results = await test.host.evaluateBatch('slow', [
      input({ trigger: { size: 0 } }),
      input({ trigger: { size: 70 } }),
      input({ trigger: { size: 0 } }),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(['ok', 'over_budget', 'ok']);
    expect(
      await test.metrics.value('polybot_strategy_timeouts_total', { strategy: 'slow', kind: 'budget' }),
    ).to.equal(1);
    await echoStillWorks(test);
  });
});

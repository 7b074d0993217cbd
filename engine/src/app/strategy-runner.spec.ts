import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ignore } from '@polybot/sdk';
import { createContext } from '@polybot/sdk/testing';
import { expect } from 'chai';
import { testConfig } from '../config/index.js';
import { createSilentLogger, MetricsRegistry } from '../monitoring/index.js';
import { StrategyHost, type EvaluationResult } from '../plugins/index.js';
import { HostedStrategies, toEvaluationOutcome } from './strategy-runner.js';

describe('app: strategy runner over the plugin host', () => {
  describe('toEvaluationOutcome', () => {
    const buySignal = { action: 'BUY', reason: 'in range', price: 0.96, notional: 20 } as const;

    it('passes an answered signal through', () => {
      expect(
        toEvaluationOutcome({ status: 'ok', strategy: 's', signal: buySignal, durationMs: 1.5 }),
      ).to.deep.equal({ ok: true, signal: buySignal, durationMs: 1.5 });
    });

    it('acts on an over-budget answer as the IGNORE the host made of it', () => {
      const signal = ignore('evaluation took 80 ms, over the 50 ms budget');
      expect(
        toEvaluationOutcome({ status: 'over_budget', strategy: 's', signal, durationMs: 80 }),
      ).to.deep.equal({ ok: true, signal, durationMs: 80 });
    });

    it('maps an invalid signal to invalid and every other failure to error, with the cause', () => {
      const cases: [EvaluationResult & { status: 'error' }, 'invalid' | 'error'][] = (
        ['invalid_signal', 'threw', 'crashed', 'invalid_input'] as const
      ).map((cause) => [
        { status: 'error', strategy: 's', cause, error: 'boom', durationMs: 3 },
        cause === 'invalid_signal' ? 'invalid' : 'error',
      ]);
      for (const [result, kind] of cases) {
        expect(toEvaluationOutcome(result), result.cause).to.deep.equal({
          ok: false,
          kind,
          error: `${result.cause}: boom`,
          durationMs: 3,
        });
      }
    });

    it('maps a strategy that was not asked to unavailable, with its state', () => {
      expect(
        toEvaluationOutcome({
          status: 'unavailable',
          strategy: 's',
          state: 'quarantined',
          reason: '5 strikes in 300 s',
        }),
      ).to.deep.equal({
        ok: false,
        kind: 'unavailable',
        error: 'quarantined: 5 strikes in 300 s',
        durationMs: 0,
      });
    });
  });

  describe('HostedStrategies (the real host, the first-party high_prob_yes in a worker)', function () {
    this.timeout(20_000);
    let host: StrategyHost;
    let deploymentDir: string;
    let runner: HostedStrategies;

    before(async () => {
      deploymentDir = mkdtempSync(join(tmpdir(), 'polybot-app-runner-'));
      host = new StrategyHost(
        testConfig({
          strategies: [{ package: 'high_prob_yes' }],
          plugins: { dir: join(deploymentDir, 'plugins') },
        }),
        createSilentLogger(),
        new MetricsRegistry(),
      );
      await host.start(deploymentDir);
      runner = new HostedStrategies(host);
    });

    after(async () => {
      await host?.stop();
      rmSync(deploymentDir, { recursive: true, force: true });
    });

    it('lists the running strategies and the params they run with', () => {
      expect(runner.strategies()).to.deep.equal(['high_prob_yes']);
      expect(runner.paramsOf('high_prob_yes')).to.deep.equal({
        priceThreshold: 0.95,
        maxPrice: 0.99,
        positionSize: 20,
      });
    });

    it('asks the strategy and returns its signal', async () => {
      const outcome = await runner.evaluate(
        'high_prob_yes',
        createContext({ strategy: 'high_prob_yes', trigger: { price: 0.96 } }),
      );
      expect(outcome).to.deep.include({ ok: true });
      expect(outcome.ok && outcome.signal).to.deep.include({ action: 'BUY', price: 0.96, notional: 20 });
      expect(outcome.durationMs).to.be.a('number').and.at.least(0);
      const below = await runner.evaluate('high_prob_yes', createContext({ trigger: { price: 0.9 } }));
      expect(below.ok && below.signal.action).to.equal('IGNORE');
    });

    it('runs the strategy with its own params: the per-call context carries none of them', async () => {
      // A context claiming a lower threshold and another name changes nothing in the worker.
      const outcome = await runner.evaluate(
        'high_prob_yes',
        createContext({ strategy: 'impostor', trigger: { price: 0.9 }, params: { priceThreshold: 0.5 } }),
      );
      expect(outcome.ok && outcome.signal).to.deep.include({ action: 'IGNORE' });
      expect(outcome.ok && outcome.signal.reason).to.match(/below the threshold 0\.95/);
    });

    it('passes the position on: a held market is ignored', async () => {
      const outcome = await runner.evaluate(
        'high_prob_yes',
        createContext({ trigger: { price: 0.96 }, position: { size: 21 } }),
      );
      expect(outcome.ok && outcome.signal.reason).to.match(/already holding 21 shares/);
    });

    it('answers unavailable, without throwing, for a strategy the host does not run', async () => {
      const outcome = await runner.evaluate('not_loaded', createContext({ trigger: { price: 0.96 } }));
      expect(outcome).to.deep.include({ ok: false, kind: 'unavailable', durationMs: 0 });
      expect(!outcome.ok && outcome.error).to.match(/not_loaded.*unavailable/);
    });
  });
});

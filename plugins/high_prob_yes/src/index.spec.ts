import { expectSignal, StrategyHarness } from '@polybot/sdk/testing';
import { expect } from 'chai';
import highProbYes from './index.js';

describe('high_prob_yes strategy', () => {
  const harness = new StrategyHarness(highProbYes);

  it('buys at the threshold with the position size as notional', async () => {
    const signal = await harness.evaluate({ trigger: { price: 0.95 } });
    expectSignal(signal, { action: 'BUY', price: 0.95, notional: 20 });
  });

  it('ignores a price below the threshold and names it', async () => {
    expectSignal(await harness.evaluate({ trigger: { price: 0.94 } }), {
      action: 'IGNORE',
      reason: 'below the threshold',
    });
  });

  it('ignores a price at or above maxPrice', async () => {
    expectSignal(await harness.evaluate({ trigger: { price: 0.99 } }), {
      action: 'IGNORE',
      reason: 'maximum',
    });
  });

  it('ignores a market it already holds', async () => {
    expectSignal(await harness.evaluate({ trigger: { price: 0.96 }, position: { size: 21 } }), {
      action: 'IGNORE',
      reason: 'already holding',
    });
  });

  it('honours params from the deployment', async () => {
    const custom = new StrategyHarness(highProbYes, { priceThreshold: 0.9, positionSize: 50 });
    expectSignal(await custom.evaluate({ trigger: { price: 0.91 } }), { action: 'BUY', notional: 50 });
  });

  it('declares a params schema the engine can validate against', () => {
    expect(highProbYes.paramsSchema?.properties).to.have.keys('priceThreshold', 'maxPrice', 'positionSize');
  });
});

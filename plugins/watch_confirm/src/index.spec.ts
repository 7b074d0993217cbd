import { expectSignal, StrategyHarness } from '@polybot/sdk/testing';
import { expect } from 'chai';
import watchConfirm, { bidDepthAtOrAbove } from './index.js';

/** A deep, tight book around 0.94: it confirms with the default params. */
const CONFIRMING_BOOK = {
  bids: [
    { price: 0.93, size: 400 },
    { price: 0.92, size: 300 },
    { price: 0.85, size: 1000 },
  ],
  asks: [{ price: 0.94, size: 200 }],
};

describe('watch_confirm strategy', () => {
  const harness = new StrategyHarness(watchConfirm);

  it('watches a market on a first qualifying print instead of buying', async () => {
    const signal = await harness.evaluate({
      trigger: { price: 0.93, source: 'websocket' },
      book: CONFIRMING_BOOK,
    });
    expectSignal(signal, { action: 'WATCH', reason: 'waiting for a later print' });
    expect(signal).to.include({ watchForSeconds: 1800 });
  });

  it('buys at the best ask when a later print and the book confirm', async () => {
    const signal = await harness.evaluate({
      trigger: { price: 0.93, source: 'watchlist' },
      book: CONFIRMING_BOOK,
    });
    expectSignal(signal, { action: 'BUY', price: 0.94, notional: 20, reason: 'confirmed' });
    expect(signal.reason).to.include('$648 bid at or above 0.9');
  });

  it('runs the two steps in sequence the way core feeds them', async () => {
    const signals = await harness.run([
      { trigger: { price: 0.93, source: 'rest' }, book: CONFIRMING_BOOK },
      { trigger: { price: 0.92, source: 'watchlist' }, book: CONFIRMING_BOOK },
    ]);
    expect(signals.map((s) => s.action)).to.deep.equal(['WATCH', 'BUY']);
  });

  it('ignores prints outside the range, saying whether it was watching', async () => {
    expectSignal(await harness.evaluate({ trigger: { price: 0.5 } }), {
      action: 'IGNORE',
      reason: 'does not qualify',
    });
    expectSignal(await harness.evaluate({ trigger: { price: 0.99, source: 'watchlist' } }), {
      action: 'IGNORE',
      reason: 'no longer qualifies',
    });
  });

  it('ignores a market it already holds', async () => {
    expectSignal(await harness.evaluate({ trigger: { price: 0.93 }, position: { size: 21 } }), {
      action: 'IGNORE',
      reason: 'already holding 21 shares',
    });
  });

  it('keeps watching while the book is missing, thin, wide or bid too low', async () => {
    const later = { price: 0.93, source: 'watchlist' } as const;
    expectSignal(await harness.evaluate({ trigger: later, book: null }), {
      action: 'WATCH',
      reason: 'no two-sided book',
    });
    expectSignal(await harness.evaluate({ trigger: later, book: { ...CONFIRMING_BOOK, asks: [] } }), {
      action: 'WATCH',
      reason: 'no two-sided book',
    });
    expectSignal(
      await harness.evaluate({
        trigger: later,
        book: { bids: [{ price: 0.88, size: 5000 }], asks: [{ price: 0.94, size: 1 }] },
      }),
      { action: 'WATCH', reason: 'best bid 0.88 is below 0.9' },
    );
    expectSignal(
      await harness.evaluate({
        trigger: later,
        book: { bids: [{ price: 0.91, size: 5000 }], asks: [{ price: 0.95, size: 1 }] },
      }),
      { action: 'WATCH', reason: 'spread 0.04 is wider than 0.02' },
    );
    expectSignal(
      await harness.evaluate({
        trigger: later,
        book: { bids: [{ price: 0.93, size: 10 }], asks: [{ price: 0.94, size: 1 }] },
      }),
      { action: 'WATCH', reason: 'only $9.3 bid' },
    );
  });

  it('lets go when the best ask is already at the maximum', async () => {
    expectSignal(
      await harness.evaluate({
        trigger: { price: 0.97, source: 'watchlist' },
        book: { bids: [{ price: 0.97, size: 5000 }], asks: [{ price: 0.98, size: 10 }] },
      }),
      { action: 'IGNORE', reason: 'best ask 0.98 is at or above the maximum 0.98' },
    );
  });

  it('honours params from the deployment', async () => {
    const custom = new StrategyHarness(watchConfirm, { minBidDepth: 5, positionSize: 50, maxSpread: 0.05 });
    expectSignal(
      await custom.evaluate({
        trigger: { price: 0.93, source: 'watchlist' },
        book: { bids: [{ price: 0.91, size: 10 }], asks: [{ price: 0.95, size: 1 }] },
      }),
      { action: 'BUY', notional: 50, price: 0.95 },
    );
  });

  it('sums dollars bid at or above a floor, rounded to cents', () => {
    expect(
      bidDepthAtOrAbove({ ...CONFIRMING_BOOK, bestBid: 0.93, bestAsk: 0.94, timestamp: 0 }, 0.9),
    ).to.equal(648);
    expect(
      bidDepthAtOrAbove(
        { bids: [{ price: 0.1, size: 3 }], asks: [], bestBid: 0.1, bestAsk: null, timestamp: 0 },
        0.1,
      ),
    ).to.equal(0.3);
  });

  it('declares a params schema covering every param', () => {
    expect(Object.keys(watchConfirm.paramsSchema?.properties ?? {}).sort()).to.deep.equal(
      Object.keys(watchConfirm.defaultParams ?? {}).sort(),
    );
  });
});

import { expect } from 'chai';
import { buy, ignore, sell, watch } from '../signal.js';
import { defineStrategy, type Strategy } from '../strategy.js';
import { createContext, DEFAULT_NOW } from './context-builder.js';
import { expectSignal, SignalAssertionError, StrategyHarness } from './harness.js';

interface Params {
  readonly limit: number;
  readonly nested: { readonly size: number };
}

const calls: string[] = [];
const strategy = defineStrategy<Params>({
  name: 'kit_test',
  version: '1.0.0',
  defaultParams: { limit: 0.9, nested: { size: 3 } },
  onStart: ({ name, params }) => {
    calls.push(`start:${name}:${params.limit}`);
  },
  onStop: () => {
    calls.push('stop');
  },
  async evaluate(ctx) {
    if (ctx.position !== null) return sell('exit', { size: ctx.position.size });
    if (ctx.trigger.price >= ctx.params.limit)
      return buy(`over ${ctx.params.limit}`, { price: ctx.trigger.price, size: ctx.params.nested.size });
    if (ctx.trigger.price > 0.5) return watch('closer', { watchForSeconds: 60 });
    return ignore(`below ${ctx.params.limit}`);
  },
});

describe('createContext', () => {
  it('builds a complete, fixed-time context', () => {
    const ctx = createContext();
    expect(ctx.now).to.equal(DEFAULT_NOW);
    expect(ctx.trigger).to.deep.equal({
      price: 0.96,
      size: 100,
      side: 'BUY',
      source: 'websocket',
      timestamp: DEFAULT_NOW - 5_000,
      ageSeconds: 5,
    });
    expect(ctx.book).to.include({ bestBid: 0.95, bestAsk: 0.96, timestamp: DEFAULT_NOW });
    expect(ctx.hoursToEnd).to.equal(240);
    expect(ctx.position).to.equal(null);
    expect(ctx.params).to.deep.equal({});
  });

  it('merges partial overrides into each part', () => {
    const ctx = createContext<{ a: number }>(
      {
        market: { endDate: null, question: 'Q?' },
        trigger: { price: 0.5, timestamp: DEFAULT_NOW - 60_000, size: null },
        book: { bids: [{ price: 0.4, size: 1 }], asks: [] },
        position: { size: 7 },
        params: { a: 2 },
        now: DEFAULT_NOW,
      },
      { a: 1 },
    );
    expect(ctx.market).to.include({ question: 'Q?', endDate: null });
    expect(ctx.hoursToEnd).to.equal(null);
    expect(ctx.trigger).to.include({ price: 0.5, ageSeconds: 60, size: null });
    expect(ctx.book).to.include({ bestBid: 0.4, bestAsk: null });
    expect(ctx.position).to.include({ tokenId: '1001', size: 7, averagePrice: 0.5 });
    expect(ctx.params).to.deep.equal({ a: 2 });
  });

  it('takes an explicit null book, hoursToEnd and best prices', () => {
    expect(createContext({ book: null }).book).to.equal(null);
    expect(createContext({ hoursToEnd: 3 }).hoursToEnd).to.equal(3);
    expect(createContext({ book: { bestBid: null } }).book?.bestBid).to.equal(null);
  });
});

describe('StrategyHarness', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('merges params over the defaults, runs onStart once and validates answers', async () => {
    const harness = new StrategyHarness(strategy, { limit: 0.8 });
    expectSignal(await harness.evaluate({ trigger: { price: 0.85 } }), {
      action: 'BUY',
      price: 0.85,
      size: 3,
      reason: 'over 0.8',
    });
    expectSignal(await harness.evaluate({ trigger: { price: 0.6 } }), {
      action: 'WATCH',
      watchForSeconds: 60,
    });
    await harness.stop();
    await harness.stop();
    expect(calls).to.deep.equal(['start:kit_test:0.8', 'stop']);
  });

  it('runs a sequence in order and accepts full contexts', async () => {
    const harness = new StrategyHarness(strategy);
    const full = harness.context({ position: { size: 4 } });
    const signals = await harness.run([{ trigger: { price: 0.95 } }, { trigger: { price: 0.1 } }, full]);
    expect(signals.map((s) => s.action)).to.deep.equal(['BUY', 'IGNORE', 'SELL']);
    expect(full.strategy).to.equal('kit_test');
  });

  it('freezes params deeply, as the engine does', async () => {
    const mutating = defineStrategy<Params>({
      name: 'mutating',
      version: '1.0.0',
      defaultParams: { limit: 1, nested: { size: 1 } },
      evaluate(ctx) {
        (ctx.params.nested as { size: number }).size = 99;
        return ignore('mutated');
      },
    });
    const harness = new StrategyHarness(mutating);
    let error: unknown;
    try {
      await harness.evaluate();
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(TypeError);
    expect(mutating.defaultParams?.nested.size).to.equal(1);
  });

  it('fails on an invalid signal with the validation problems', async () => {
    const broken = defineStrategy({
      name: 'broken',
      version: '1.0.0',
      evaluate: () => ({ action: 'BUY', reason: 'r', price: 3 }),
    });
    let error: unknown;
    try {
      await new StrategyHarness(broken).evaluate();
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(SignalAssertionError);
    expect((error as Error).message).to.include('signal.price must be a number strictly between 0 and 1');
  });

  it('refuses something that is not a strategy', () => {
    expect(() => new StrategyHarness({ name: 'x' } as unknown as Strategy)).to.throw(
      TypeError,
      /defineStrategy/,
    );
  });
});

describe('expectSignal', () => {
  it('passes on a match and names every mismatch otherwise', () => {
    expectSignal(buy('over the limit', { price: 0.9, notional: 5 }), {
      action: 'BUY',
      price: 0.9,
      notional: 5,
      reason: /over/,
    });
    expect(() =>
      expectSignal(buy('r', { price: 0.9, orderType: 'FOK' }), {
        action: 'SELL',
        price: 0.8,
        orderType: 'GTC',
        reason: 'x',
      }),
    ).to.throw(
      SignalAssertionError,
      'unexpected signal: action BUY, expected SELL; price 0.9, expected 0.8; orderType FOK, expected GTC; reason "r" does not match x',
    );
    expect(() => expectSignal(ignore('no'), { action: 'IGNORE', reason: /yes/ })).to.throw(
      /does not match \/yes\//,
    );
  });
});

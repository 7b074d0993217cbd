import { buy, ignore, watch } from '@polybot/sdk';
import { expect } from 'chai';
import { testConfig } from '../config/defaults.js';
import { createSilentLogger } from '../monitoring/logger.js';
import { MetricsRegistry } from '../monitoring/metrics.js';
import { ManualClock } from '../util/clock.js';
import { ApprovalService } from './approvals.js';
import type { EvaluationOutcome, TradeEvent } from './ports.js';
import {
  ArrayApprovals,
  ArrayDecisions,
  ArrayWatchlist,
  bookAround,
  MapMarkets,
  market,
  noPosition,
  RecordingExecutor,
  ScriptedStrategies,
  SetTriggers,
} from './testing/in-memory-ports.js';
import { TradingEngine } from './trading-engine.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const ok = (signal: Parameters<typeof okOf>[0]): EvaluationOutcome => okOf(signal);
function okOf(
  signal: ReturnType<typeof buy> | ReturnType<typeof ignore> | ReturnType<typeof watch>,
): EvaluationOutcome {
  return { ok: true, signal, durationMs: 0.1 };
}

function trade(overrides: Partial<TradeEvent> = {}): TradeEvent {
  return {
    tokenId: 'yes',
    price: '0.96',
    size: '100',
    side: 'BUY',
    timestamp: NOW - 1000,
    source: 'websocket',
    receivedAt: NOW,
    receivedMark: performance.now(),
    ...overrides,
  };
}

describe('TradingEngine', () => {
  let clock: ManualClock;
  let markets: MapMarkets;
  let triggers: SetTriggers;
  let executor: RecordingExecutor;
  let decisions: ArrayDecisions;
  let watchlist: ArrayWatchlist;
  let metrics: MetricsRegistry;

  function engineWith(
    strategies: ScriptedStrategies,
    options: { approvals?: ApprovalService | null; tradeSize?: () => Promise<string | null> } = {},
  ) {
    return new TradingEngine({
      config: testConfig(),
      markets,
      books: { book: () => bookAround(0.96) },
      positions: noPosition,
      triggers,
      strategies,
      executor,
      decisions,
      watchlist,
      approvals: options.approvals ?? null,
      ...(options.tradeSize ? { tradeSize: options.tradeSize } : {}),
      clock,
      logger: createSilentLogger(),
      metrics,
    });
  }

  beforeEach(() => {
    clock = new ManualClock(NOW);
    markets = new MapMarkets().add(market(), [
      { tokenId: 'yes', outcome: 'Yes' },
      { tokenId: 'no', outcome: 'No' },
    ]);
    triggers = new SetTriggers();
    executor = new RecordingExecutor();
    decisions = new ArrayDecisions();
    watchlist = new ArrayWatchlist();
    metrics = new MetricsRegistry();
  });

  it('turns a qualifying fresh trade into exactly one order and logs the decision', async () => {
    const strategies = new ScriptedStrategies({ s1: () => ok(buy('high prob', { notional: 20 })) });
    const engine = engineWith(strategies);
    engine.onTrade(trade());
    await engine.idle();
    expect(executor.orders).to.have.length(1);
    expect(executor.orders[0]).to.include({
      side: 'BUY',
      price: '0.96',
      notional: '20',
      size: null,
      tokenId: 'yes',
      conditionId: '0xc1',
      orderType: 'GTC',
    });
    expect(decisions.records.map((d) => d.action)).to.deep.equal(['BUY']);
    expect(triggers.recorded).to.have.length(1);
    expect(await metrics.value('polybot_signals_total', { action: 'BUY' })).to.equal(1);
  });

  it('builds the strategy context from the market, token, book and trade', async () => {
    const strategies = new ScriptedStrategies({ s1: () => ok(ignore('just looking')) });
    const engine = engineWith(strategies);
    engine.onTrade(trade({ price: '0.97', size: null }));
    await engine.idle();
    const ctx = strategies.contexts[0];
    expect(ctx?.market.conditionId).to.equal('0xc1');
    expect(ctx?.token).to.deep.equal({ tokenId: 'yes', outcome: 'Yes' });
    expect(ctx?.trigger).to.include({ price: 0.97, size: null, ageSeconds: 1, source: 'websocket' });
    expect(ctx?.book?.bestAsk).to.equal(0.96);
    expect(ctx?.hoursToEnd).to.equal(30 * 24);
    expect(ctx?.now).to.equal(NOW);
  });

  it('G2: a second token of the same condition does not trade again', async () => {
    const strategies = new ScriptedStrategies({ s1: () => ok(buy('go')) });
    const engine = engineWith(strategies);
    engine.onTrade(trade({ tokenId: 'yes' }));
    engine.onTrade(trade({ tokenId: 'no' }));
    await engine.idle();
    expect(executor.orders).to.have.length(1);
    expect(await metrics.value('polybot_filter_rejections_total', { reason: 'duplicate_trigger' })).to.equal(
      1,
    );
  });

  it('never calls a strategy for a filtered trade and counts the reason', async () => {
    const strategies = new ScriptedStrategies({ s1: () => ok(buy('go')) });
    const engine = engineWith(strategies);
    engine.onTrade(trade({ timestamp: NOW - 400_000 }));
    await engine.idle();
    expect(strategies.contexts).to.have.length(0);
    expect(await metrics.value('polybot_filter_rejections_total', { reason: 'trade_too_old' })).to.equal(1);
  });

  it('skips unknown tokens and counts them', async () => {
    const engine = engineWith(new ScriptedStrategies({ s1: () => ok(buy('go')) }));
    engine.onTrade(trade({ tokenId: 'nope' }));
    await engine.idle();
    expect(executor.orders).to.have.length(0);
    expect(await metrics.value('polybot_events_skipped_total', { reason: 'unknown_token' })).to.equal(1);
  });

  it('a failing strategy skips the market for itself only; the other still trades', async () => {
    const strategies = new ScriptedStrategies({
      broken: () => ({ ok: false, error: 'TypeError: x is undefined', kind: 'error', durationMs: 1 }),
      healthy: () => ok(buy('go')),
    });
    const engine = engineWith(strategies);
    engine.onTrade(trade());
    await engine.idle();
    expect(executor.orders.map((o) => o.strategy)).to.deep.equal(['healthy']);
    expect(decisions.records.map((d) => `${d.strategy}:${d.action}`)).to.deep.equal([
      'broken:ERROR',
      'healthy:BUY',
    ]);
    expect(
      await metrics.value('polybot_strategy_failures_total', { strategy: 'broken', kind: 'error' }),
    ).to.equal(1);
  });

  it('WATCH puts the market on the watchlist; the next print re-evaluates it with source "watchlist"', async () => {
    let calls = 0;
    const strategies = new ScriptedStrategies({
      s1: (ctx) => {
        calls += 1;
        return calls === 1
          ? ok(watch('wait for confirmation', { watchForSeconds: 600 }))
          : ok(buy(`confirmed via ${ctx.trigger.source}`));
      },
    });
    const engine = engineWith(strategies);
    engine.onTrade(trade());
    await engine.idle();
    expect(watchlist.entries).to.have.length(1);
    expect(executor.orders).to.have.length(0);
    engine.onTrade(trade({ price: '0.97' }));
    await engine.idle();
    expect(strategies.contexts[1]?.trigger.source).to.equal('watchlist');
    expect(executor.orders).to.have.length(1);
    expect(watchlist.entries[0]?.status).to.equal('triggered');
  });

  it('an IGNORE on a watched market drops it from the watchlist', async () => {
    let calls = 0;
    const engine = engineWith(
      new ScriptedStrategies({ s1: () => (++calls === 1 ? ok(watch('hmm')) : ok(ignore('not anymore'))) }),
    );
    engine.onTrade(trade());
    engine.onTrade(trade());
    await engine.idle();
    expect(watchlist.entries[0]?.status).to.equal('dropped');
  });

  it('with approval required, a BUY becomes a pending approval instead of an order', async () => {
    const approvals = new ApprovalService({
      store: new ArrayApprovals(),
      executor,
      prices: { verifyPrice: async () => ({ valid: true, actualPrice: 0.96, reason: 'ok' }) },
      alerts: { alert: () => undefined },
      clock,
      logger: createSilentLogger(),
      metrics,
      windowSeconds: 300,
      maxPriceDeviation: 0.1,
    });
    const engine = engineWith(new ScriptedStrategies({ s1: () => ok(buy('go')) }), { approvals });
    engine.onTrade(trade());
    await engine.idle();
    expect(executor.orders).to.have.length(0);
    expect(await metrics.value('polybot_approvals_total', { status: 'pending' })).to.equal(1);
  });

  it('looks up a missing trade size (G3) so the size filter can apply', async () => {
    const engine = engineWith(new ScriptedStrategies({ s1: () => ok(buy('go')) }), {
      tradeSize: async () => '10',
    });
    engine.onTrade(trade({ size: null }));
    await engine.idle();
    expect(executor.orders).to.have.length(0);
    expect(await metrics.value('polybot_filter_rejections_total', { reason: 'trade_too_small' })).to.equal(1);
  });

  it('continues without size when the lookup fails', async () => {
    const engine = engineWith(new ScriptedStrategies({ s1: () => ok(buy('go')) }), {
      tradeSize: async () => {
        throw new Error('data api down');
      },
    });
    engine.onTrade(trade({ size: null }));
    await engine.idle();
    expect(executor.orders).to.have.length(1);
  });

  it('drops events while paused and resumes only when every reason has cleared', async () => {
    const engine = engineWith(new ScriptedStrategies({ s1: () => ok(buy('go')) }));
    engine.pause('feed');
    engine.pause('database');
    engine.onTrade(trade());
    engine.resume('feed');
    engine.onTrade(trade());
    expect(engine.currentState).to.equal('paused');
    engine.resume('database');
    engine.onTrade(trade());
    await engine.idle();
    expect(executor.orders).to.have.length(1);
    expect(await metrics.value('polybot_events_skipped_total', { reason: 'paused' })).to.equal(2);
  });

  it('stop() finishes the event in hand and refuses new ones', async () => {
    const engine = engineWith(new ScriptedStrategies({ s1: () => ok(buy('go')) }));
    engine.onTrade(trade());
    await engine.stop();
    engine.onTrade(trade({ tokenId: 'no' }));
    await engine.idle();
    expect(executor.orders).to.have.length(1);
    expect(engine.currentState).to.equal('stopped');
    engine.pause('x');
    engine.resume('x');
    expect(engine.currentState).to.equal('stopped');
  });

  it('gives the trigger back when execution refuses the order, so a later print may trade', async () => {
    executor.outcome = { accepted: false, reason: 'G5: book at 0.05' };
    const engine = engineWith(new ScriptedStrategies({ s1: () => ok(buy('go')) }));
    engine.onTrade(trade());
    await engine.idle();
    expect(triggers.recorded).to.have.length(0);
    executor.outcome = { accepted: true, clientOrderId: 'c-2', state: 'filled' };
    engine.onTrade(trade({ tokenId: 'no' }));
    await engine.idle();
    expect(executor.orders).to.have.length(2);
    expect(triggers.recorded).to.have.length(1);
  });

  it('keeps the trigger when the order may exist at the venue (outcome unknown)', async () => {
    executor.outcome = { accepted: false, state: 'unknown', reason: 'venue did not answer' };
    const engine = engineWith(new ScriptedStrategies({ s1: () => ok(buy('go')) }));
    engine.onTrade(trade());
    engine.onTrade(trade({ tokenId: 'no' }));
    await engine.idle();
    expect(triggers.recorded).to.have.length(1);
    expect(executor.orders).to.have.length(1);
  });

  it('counts a submission that throws and keeps processing later events', async () => {
    let calls = 0;
    executor.submit = async (request) => {
      calls += 1;
      if (calls === 1) throw new Error('execution stopped');
      executor.orders.push(request);
      return { accepted: true };
    };
    markets.add(market({ conditionId: '0xc2' }), [{ tokenId: 'other', outcome: 'Yes' }]);
    const engine = engineWith(new ScriptedStrategies({ s1: () => ok(buy('go')) }));
    engine.onTrade(trade());
    engine.onTrade(trade({ tokenId: 'other' }));
    await engine.idle();
    expect(executor.orders.map((o) => o.tokenId)).to.deep.equal(['other']);
    expect(await metrics.value('polybot_order_submit_failures_total')).to.equal(1);
  });

  it('logs but survives an execution refusal', async () => {
    executor.outcome = { accepted: false, reason: 'G5: book at 0.05' };
    const engine = engineWith(new ScriptedStrategies({ s1: () => ok(buy('go', { price: 0.96, size: 10 })) }));
    engine.onTrade(trade());
    await engine.idle();
    expect(executor.orders[0]).to.include({ size: '10', notional: null });
    const histogram = await metrics.registry.getSingleMetric('polybot_stage_latency_seconds')?.get();
    const orderCount = histogram?.values.find(
      (v) =>
        (v as { metricName?: string }).metricName === 'polybot_stage_latency_seconds_count' &&
        v.labels['stage'] === 'order',
    );
    expect(orderCount?.value).to.equal(1);
  });
});

import { expect } from 'chai';
import type { Simulator } from '@polybot/simulator';
import { createTestDatabase, type TestDatabase } from 'polybot/testing';
import {
  counter,
  createMarket,
  decisionsFor,
  lastTradeFrame,
  ordersFor,
  startEngine,
  startVenue,
  venueConfig,
  waitFor,
  type RunningEngine,
} from './support.js';

/**
 * G3 through the real wiring: `Application` hands core `TradeHelpers.getTradeSizeAtPrice` as its
 * size lookup. A `last_trade_price` frame without `size` reaches core with size null; core must
 * ask the Data API for the size at that price before the hard filters run, so the size filter
 * judges the real trade instead of waving an unknown size through.
 */
describe('e2e: G3 — a print without a size takes it from the Data API (Application + simulator + PostgreSQL)', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let testDb: TestDatabase;
  let engine: RunningEngine;
  let small: ReturnType<typeof createMarket>;
  let large: ReturnType<typeof createMarket>;

  before(async () => {
    sim = await startVenue();
    testDb = await createTestDatabase({ backend: 'postgres' });
    small = createMarket(sim, 'Will a 10-share print be judged by its real size?');
    large = createMarket(sim, 'Will a 100-share print be judged by its real size?');
    engine = await startEngine(sim, { config: venueConfig(sim), database: testDb.database });
  });

  after(async () => {
    await engine?.stop();
    await testDb?.dispose();
    await sim?.stop();
  });

  /**
   * The venue's trade at `size` is known to the Data API only (90 s old: fresh for G1, too old
   * for the simulator to stream); the market channel then delivers a print at the same price with
   * no `size` field.
   */
  function sizelessPrint(market: ReturnType<typeof createMarket>, size: number): void {
    const now = sim.scenario.now();
    sim.scenario.printTrade({ tokenId: market.yes, price: 0.96, size, timestamp: now - 90_000 });
    const frame = JSON.parse(
      lastTradeFrame({
        tokenId: market.yes,
        conditionId: market.conditionId,
        price: '0.96',
        size: '0',
        timestamp: now,
      }),
    ) as Record<string, unknown>;
    delete frame.size;
    sim.scenario.sendRaw(JSON.stringify(frame));
  }

  function dataApiAskedAbout(conditionId: string): boolean {
    return sim.scenario
      .requestLog()
      .some(
        (r) =>
          r.service === 'data' &&
          r.path === '/trades' &&
          new URLSearchParams(r.query).get('market')?.toLowerCase() === conditionId.toLowerCase(),
      );
  }

  async function tapeSizes(tokenId: string): Promise<(string | null)[]> {
    const rows = await testDb.database.db.any<{ size: string | null }>(
      'SELECT size FROM trades WHERE token_id = $1 ORDER BY id',
      [tokenId],
    );
    return rows.map((r) => r.size);
  }

  it('G3: a size-less print whose Data API trade is 10 shares is rejected as trade_too_small — no decision, no order', async () => {
    const rejected = () =>
      counter(engine.metrics, 'polybot_filter_rejections_total', { reason: 'trade_too_small' });
    const before = await rejected();
    sizelessPrint(small, 10);
    // Either outcome ends the wait, so a missing lookup fails at once instead of timing out.
    await waitFor(
      async () =>
        (await rejected()) > before ||
        (await decisionsFor(testDb.database, small.yes)).length > 0 ||
        (await ordersFor(testDb.database, small.yes)).length > 0,
      'the size-less print to be judged',
    );
    expect(await rejected(), 'rejected for its looked-up size').to.equal(before + 1);
    expect(dataApiAskedAbout(small.conditionId), 'the size came from the Data API').to.equal(true);
    expect(await decisionsFor(testDb.database, small.yes), 'no strategy was asked').to.have.length(0);
    expect(await ordersFor(testDb.database, small.yes)).to.have.length(0);
    // The print itself arrived without a size: the tape keeps it as it came.
    await waitFor(async () => (await tapeSizes(small.yes)).length > 0, 'the print on the tape');
    expect(await tapeSizes(small.yes)).to.deep.equal([null]);
  });

  it('G3: a size-less print whose Data API trade is 100 shares passes the size filter → one paper order; the strategy saw size 100', async () => {
    sizelessPrint(large, 100);
    const [order] = await waitFor(async () => {
      const rows = await ordersFor(testDb.database, large.yes);
      return rows.length > 0 && rows[0]!.state === 'filled' && rows;
    }, 'the paper order');
    expect(order).to.deep.include({ side: 'BUY', price: '0.96', dry_run: true, state: 'filled' });
    expect(await ordersFor(testDb.database, large.yes)).to.have.length(1);
    const [decision] = await waitFor(async () => {
      const rows = await testDb.database.db.any<{ action: string; trigger_data: { size: string | null } }>(
        'SELECT action, trigger_data FROM strategy_decisions WHERE token_id = $1',
        [large.yes],
      );
      return rows.length > 0 && rows;
    }, 'the decision row');
    expect(decision).to.deep.include({ action: 'BUY' });
    expect(decision!.trigger_data.size, 'the trigger carries the looked-up size').to.equal('100');
    expect(dataApiAskedAbout(large.conditionId)).to.equal(true);
  });
});

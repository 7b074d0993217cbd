import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { DecisionRecord, OrderRequest } from '../core/index.js';
import { createSilentLogger } from '../monitoring/index.js';
import {
  ApprovalRepository,
  DecisionRepository,
  OrderRepository,
  PositionRepository,
  TriggerRepository,
  WatchlistRepository,
  type DecisionInput,
  type DecisionRepositoryApi,
} from '../storage/index.js';
import { createTestDatabase, type TestDatabase } from '../storage/testing/index.js';
import {
  BatchedDecisionLog,
  StoredApprovals,
  StoredPositions,
  StoredTriggers,
  StoredWatchlist,
} from './storage-ports.js';

const HOUR = 3_600_000;

function uid(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

function order(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return {
    strategy: 'high_prob_yes',
    tokenId: uid('tok'),
    conditionId: uid('0xcond'),
    side: 'BUY',
    price: '0.955',
    size: null,
    notional: '20',
    orderType: 'GTC',
    expiresInSeconds: null,
    reason: 'trade at 0.955 is within [0.95, 0.99)',
    triggerPrice: '0.96',
    ...overrides,
  };
}

/** Resolves once `predicate` holds; polls, so nothing asserts on elapsed time. */
async function waitUntil(predicate: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('app: core ports over the storage repositories (real PostgreSQL)', function () {
  this.timeout(20_000);
  let testDb: TestDatabase;

  before(async () => {
    testDb = await createTestDatabase({ backend: 'postgres' });
  });

  after(async () => {
    await testDb?.dispose();
  });

  describe('StoredTriggers (G2 through the TriggerRepository)', () => {
    it('refuses the second token of a condition once the first triggered at that threshold', async () => {
      const triggers = new StoredTriggers(new TriggerRepository(testDb.database));
      const condition = uid('0xcond');
      const [yes, no] = [uid('yes'), uid('no')];
      expect(await triggers.shouldTrigger(yes, condition, 0.95)).to.equal(true);
      expect(
        await triggers.recordTrigger({
          tokenId: yes,
          conditionId: condition,
          threshold: 0.95,
          strategy: 'high_prob_yes',
        }),
      ).to.equal(true);
      expect(await triggers.shouldTrigger(yes, condition, 0.95)).to.equal(false);
      expect(await triggers.shouldTrigger(no, condition, 0.95), 'other token, same condition').to.equal(
        false,
      );
      expect(await triggers.shouldTrigger(no, condition, 0.9), 'another threshold').to.equal(true);
      expect(await triggers.shouldTrigger(uid('tok'), uid('0xcond'), 0.95)).to.equal(true);
    });

    it('releases a trigger in the table and in memory, so the condition may trigger again', async () => {
      const triggers = new StoredTriggers(new TriggerRepository(testDb.database));
      await triggers.warm(0.95);
      const trigger = { tokenId: uid('yes'), conditionId: uid('0xcond'), threshold: 0.95, strategy: 's' };
      expect(await triggers.recordTrigger(trigger)).to.equal(true);
      expect(await triggers.shouldTrigger(trigger.tokenId, trigger.conditionId, 0.95)).to.equal(false);
      expect(await triggers.releaseTrigger(trigger)).to.equal(true);
      expect(await triggers.shouldTrigger(uid('no'), trigger.conditionId, 0.95)).to.equal(true);
      expect(await triggers.recordTrigger(trigger), 'the table agrees').to.equal(true);
      expect(await triggers.releaseTrigger({ ...trigger, strategy: 'someone-else' })).to.equal(false);
      expect(await triggers.shouldTrigger(trigger.tokenId, trigger.conditionId, 0.95)).to.equal(false);
    });

    it('answers false, without an error, when the trigger was already recorded (first writer wins)', async () => {
      const triggers = new StoredTriggers(new TriggerRepository(testDb.database));
      const trigger = { tokenId: uid('yes'), conditionId: uid('0xcond'), threshold: 0.95, strategy: 's' };
      const results = await Promise.all([triggers.recordTrigger(trigger), triggers.recordTrigger(trigger)]);
      expect(results.filter(Boolean)).to.have.length(1);
      expect(await triggers.recordTrigger(trigger)).to.equal(false);
      expect(
        await triggers.recordTrigger({ ...trigger, tokenId: uid('no') }),
        'second token of the recorded condition',
      ).to.equal(false);
      expect(
        await new TriggerRepository(testDb.database).listByCondition(trigger.conditionId),
      ).to.have.length(1);
    });
    it('after warm(), answers from memory what the table held, and leaves races to recordTrigger', async () => {
      const repository = new TriggerRepository(testDb.database);
      const [held, heldCondition] = [uid('held'), uid('0xheld')];
      await repository.recordTrigger({
        tokenId: held,
        conditionId: heldCondition,
        threshold: 0.95,
        strategy: 's',
      });
      const triggers = new StoredTriggers(repository);
      await triggers.warm(0.95);
      expect(await triggers.shouldTrigger(held, uid('0xother'), 0.95), 'token held').to.equal(false);
      expect(await triggers.shouldTrigger(uid('tok'), heldCondition, 0.95), 'condition held').to.equal(false);
      // Another engine on the same database records a trigger after the warm-up: memory does not
      // know it, but the table's unique constraint still refuses the second writer.
      const [late, lateCondition] = [uid('late'), uid('0xlate')];
      await repository.recordTrigger({
        tokenId: late,
        conditionId: lateCondition,
        threshold: 0.95,
        strategy: 's',
      });
      expect(await triggers.shouldTrigger(late, lateCondition, 0.95)).to.equal(true);
      expect(
        await triggers.recordTrigger({
          tokenId: late,
          conditionId: lateCondition,
          threshold: 0.95,
          strategy: 's',
        }),
      ).to.equal(false);
      expect(await triggers.shouldTrigger(late, lateCondition, 0.95), 'known from then on').to.equal(false);
    });

    it('without warm(), finds a trigger another engine recorded in the table', async () => {
      const repository = new TriggerRepository(testDb.database);
      const condition = uid('0xcond');
      await repository.recordTrigger({
        tokenId: uid('yes'),
        conditionId: condition,
        threshold: 0.95,
        strategy: 's',
      });
      const triggers = new StoredTriggers(repository);
      expect(await triggers.shouldTrigger(uid('no'), condition, 0.95)).to.equal(false);
      expect(await triggers.shouldTrigger(uid('no'), condition, 0.95), 'remembered').to.equal(false);
    });
  });

  describe('StoredPositions', () => {
    it("returns the strategy's open position as a PositionView: numbers, openedAt in epoch ms", async () => {
      const repository = new PositionRepository(testDb.database);
      const positions = new StoredPositions(repository);
      const condition = uid('0xcond');
      const token = uid('yes');
      const openedAt = Date.UTC(2026, 0, 10, 9, 30, 0);
      await repository.applyFill({
        tokenId: token,
        conditionId: condition,
        strategy: 'high_prob_yes',
        side: 'BUY',
        price: '0.95',
        size: '21.05',
        at: openedAt,
      });
      const view = await positions.openPosition(condition, 'high_prob_yes');
      expect(view).to.deep.equal({ tokenId: token, size: 21.05, averagePrice: 0.95, openedAt });
      expect(await positions.openPosition(condition, 'another_strategy')).to.equal(null);
      expect(await positions.openPosition(uid('0xcond'), 'high_prob_yes')).to.equal(null);
    });

    it('returns null once the position is closed', async () => {
      const repository = new PositionRepository(testDb.database);
      const condition = uid('0xcond');
      const fill = { tokenId: uid('yes'), conditionId: condition, strategy: 's', price: '0.9', size: '10' };
      await repository.applyFill({ ...fill, side: 'BUY' });
      await repository.applyFill({ ...fill, side: 'SELL', price: '0.99' });
      expect(await new StoredPositions(repository).openPosition(condition, 's')).to.equal(null);
    });
  });

  describe('StoredWatchlist', () => {
    const now = Date.UTC(2026, 0, 15, 12, 0, 0);
    let repository: WatchlistRepository;
    let watchlist: StoredWatchlist;

    beforeEach(async () => {
      await testDb.database.db.none('DELETE FROM watchlist');
      repository = new WatchlistRepository(testDb.database);
      watchlist = new StoredWatchlist(repository);
    });

    function entry(tokenId: string, strategy: string, expiresAt = now + HOUR) {
      return {
        tokenId,
        conditionId: `0xc-${tokenId}`,
        strategy,
        reason: 'wait for 0.97',
        triggerPrice: '0.97',
        expiresAt,
      };
    }

    it('adds entries and lists the active ones of a token, as WatchEntry values', async () => {
      await watchlist.add(entry('t1', 'a'));
      await watchlist.add(entry('t1', 'b', now + 2 * HOUR));
      await watchlist.add(entry('t2', 'a'));
      expect(await watchlist.activeFor('t1', now)).to.deep.equal([
        entry('t1', 'a'),
        entry('t1', 'b', now + 2 * HOUR),
      ]);
      expect(await watchlist.activeFor('t1', now + HOUR), 'the first has expired by then').to.deep.equal([
        entry('t1', 'b', now + 2 * HOUR),
      ]);
      expect(await watchlist.activeFor('t3', now)).to.deep.equal([]);
    });

    it('maps a missing trigger price to an empty string, and refreshes an active entry on re-add', async () => {
      await repository.add({
        tokenId: 't1',
        conditionId: '0xc',
        strategy: 'a',
        reason: 'r',
        expiresAt: now + HOUR,
      });
      expect((await watchlist.activeFor('t1', now))[0]?.triggerPrice).to.equal('');
      await watchlist.add({ ...entry('t1', 'a'), reason: 'refreshed', expiresAt: now + 3 * HOUR });
      expect(await watchlist.activeFor('t1', now)).to.deep.equal([
        { ...entry('t1', 'a'), reason: 'refreshed', expiresAt: now + 3 * HOUR },
      ]);
    });

    it('a new instance loads the active rows from the table, expiry judged by the engine clock (restart)', async () => {
      await watchlist.add(entry('t1', 'a'));
      await watchlist.add(entry('t1', 'b', now - 1));
      await watchlist.add(entry('t2', 'a'));
      await watchlist.resolve('t2', 'a', 'triggered');
      // `now` lies behind the wall clock here, as in a replay: the rows must still load.
      const restarted = new StoredWatchlist(new WatchlistRepository(testDb.database));
      expect(await restarted.activeFor('t1', now)).to.deep.equal([entry('t1', 'a')]);
      expect(await restarted.activeFor('t1', now - 2)).to.deep.equal([
        entry('t1', 'a'),
        entry('t1', 'b', now - 1),
      ]);
      expect(await restarted.watchedTokens(now)).to.deep.equal(['t1']);
    });

    it('does not remember a failed load: it loads again once the table answers', async () => {
      await watchlist.add(entry('t1', 'a'));
      const fresh = new StoredWatchlist(new WatchlistRepository(testDb.database));
      await testDb.database.db.none('ALTER TABLE watchlist RENAME TO watchlist_away');
      try {
        let failure: unknown = null;
        await fresh.activeFor('t1', now).catch((error: unknown) => (failure = error));
        expect(String(failure)).to.match(/watchlist/);
      } finally {
        await testDb.database.db.none('ALTER TABLE watchlist_away RENAME TO watchlist');
      }
      expect(await fresh.activeFor('t1', now)).to.deep.equal([entry('t1', 'a')]);
    });

    it('resolves triggered, dropped (stored as removed) and expired entries of one strategy only', async () => {
      for (const strategy of ['a', 'b', 'c', 'd']) await watchlist.add(entry('t1', strategy));
      await watchlist.resolve('t1', 'a', 'triggered');
      await watchlist.resolve('t1', 'b', 'dropped');
      await watchlist.resolve('t1', 'c', 'expired');
      await watchlist.resolve('t1', 'nobody', 'triggered');
      await watchlist.resolve('t9', 'd', 'triggered');
      const rows = await testDb.database.db.many<{ strategy: string; status: string }>(
        'SELECT strategy, status FROM watchlist ORDER BY strategy',
      );
      expect(rows).to.deep.equal([
        { strategy: 'a', status: 'triggered' },
        { strategy: 'b', status: 'removed' },
        { strategy: 'c', status: 'expired' },
        { strategy: 'd', status: 'active' },
      ]);
      expect((await watchlist.activeFor('t1', now)).map((e) => e.strategy)).to.deep.equal(['d']);
      await watchlist.add(entry('t1', 'a'));
      expect(
        (await watchlist.activeFor('t1', now)).map((e) => e.strategy),
        'watchable again',
      ).to.deep.equal(['d', 'a']);
    });

    it('expires due entries and lists each watched token once', async () => {
      await watchlist.add(entry('t1', 'a', now - 1));
      await watchlist.add(entry('t1', 'b'));
      await watchlist.add(entry('t2', 'a'));
      await watchlist.add(entry('t2', 'b'));
      await watchlist.add(entry('t3', 'a', now + 10 * HOUR));
      expect([...(await watchlist.watchedTokens(now))].sort()).to.deep.equal(['t1', 't2', 't3']);
      expect(await watchlist.expireDue(now)).to.equal(1);
      expect(await watchlist.expireDue(now)).to.equal(0);
      expect([...(await watchlist.watchedTokens(now + 2 * HOUR))]).to.deep.equal(['t3']);
      expect(await watchlist.expireDue(now + 2 * HOUR)).to.equal(3);
      expect(await watchlist.watchedTokens(now)).to.deep.equal(['t3']);
    });
  });

  describe('StoredApprovals', () => {
    let repository: ApprovalRepository;
    let approvals: StoredApprovals;

    beforeEach(async () => {
      await testDb.database.db.none('DELETE FROM trade_approvals; DELETE FROM approval_alerts');
      repository = new ApprovalRepository(testDb.database);
      approvals = new StoredApprovals(repository);
    });

    it('creates a pending approval whose order round-trips exactly', async () => {
      const request = order({ size: '12.5', notional: null, orderType: 'GTD', expiresInSeconds: 600 });
      const expiresAt = Date.now() + 300_000;
      const created = await approvals.create({ order: request, expiresAt });
      expect(created).to.deep.include({ status: 'pending', order: request, expiresAt });
      expect(created.id).to.match(/^[1-9][0-9]*$/);
      expect(created.createdAt).to.be.a('number');
      expect(await approvals.get(created.id)).to.deep.equal(created);
      const row = await repository.get(Number(created.id));
      expect(row).to.deep.include({ price: '0.955', size: '12.5', notional: null, side: 'BUY' });
    });

    it('rebuilds the order from the columns when a row carries no payload', async () => {
      const row = await repository.create({
        tokenId: 'tok',
        conditionId: '0xc',
        strategy: 's',
        side: 'BUY',
        price: '0.96',
        notional: '20',
        reason: 'legacy row',
        expiresAt: Date.now() + 60_000,
      });
      expect((await approvals.get(String(row.id)))?.order).to.deep.equal({
        strategy: 's',
        tokenId: 'tok',
        conditionId: '0xc',
        side: 'BUY',
        price: '0.96',
        size: null,
        notional: '20',
        orderType: 'GTC',
        expiresInSeconds: null,
        reason: 'legacy row',
        triggerPrice: '0.96',
      });
    });

    it('answers null or false for ids that are not approval ids, or unknown ones', async () => {
      for (const id of ['', '0', '-1', '01', 'abc', '1.5', '1e3', ' 1', '12345678901234567', '99999999']) {
        expect(await approvals.get(id), `get(${JSON.stringify(id)})`).to.equal(null);
        expect(await approvals.decide(id, 'approved', 'op'), `decide(${JSON.stringify(id)})`).to.equal(false);
        expect(await approvals.markExecuted(id, 'coid')).to.equal(false);
        expect(await approvals.markFailed(id, 'why')).to.equal(false);
      }
    });

    it('lets the first decision win', async () => {
      const created = await approvals.create({ order: order(), expiresAt: Date.now() + 60_000 });
      expect(await approvals.decide(created.id, 'rejected', 'telegram')).to.equal(true);
      expect(await approvals.decide(created.id, 'approved', 'dashboard')).to.equal(false);
      expect(await approvals.get(created.id)).to.deep.include({ status: 'rejected' });
      expect(await repository.get(Number(created.id))).to.deep.include({ decidedBy: 'telegram' });
    });

    it('marks an approved request executed, linked to its real order row', async () => {
      const request = order();
      const created = await approvals.create({ order: request, expiresAt: Date.now() + 60_000 });
      const clientOrderId = uid('coid');
      await new OrderRepository(testDb.database).createIntent({
        clientOrderId,
        tokenId: request.tokenId,
        conditionId: request.conditionId,
        strategy: request.strategy,
        side: 'BUY',
        orderType: 'GTC',
        price: '0.95',
        size: '21.05',
        dryRun: true,
      });
      expect(await approvals.markExecuted(created.id, clientOrderId), 'still pending').to.equal(false);
      expect(await approvals.decide(created.id, 'approved', 'dashboard')).to.equal(true);
      expect(await approvals.markExecuted(created.id, clientOrderId)).to.equal(true);
      expect(await approvals.markExecuted(created.id, clientOrderId), 'only once').to.equal(false);
      expect(await approvals.get(created.id)).to.deep.include({ status: 'executed' });
      expect(await repository.getTradeApproval(Number(created.id))).to.deep.include({
        approvedBy: 'dashboard',
        clientOrderId,
      });
    });

    it('marks an approved request failed with the reason', async () => {
      const created = await approvals.create({ order: order(), expiresAt: Date.now() + 60_000 });
      expect(await approvals.markFailed(created.id, 'too early')).to.equal(false);
      await approvals.decide(created.id, 'approved', 'op');
      expect(await approvals.markFailed(created.id, 'price re-check failed: book at 0.05')).to.equal(true);
      expect(await approvals.get(created.id)).to.deep.include({ status: 'failed' });
      expect(await repository.get(Number(created.id))).to.deep.include({
        failure: 'price re-check failed: book at 0.05',
      });
    });

    it('lists pending, unexpired approvals oldest first, and expires the due ones', async () => {
      const now = Date.now();
      const due = await approvals.create({ order: order({ reason: 'due' }), expiresAt: now - 1_000 });
      const first = await approvals.create({ order: order({ reason: 'first' }), expiresAt: now + 60_000 });
      const second = await approvals.create({ order: order({ reason: 'second' }), expiresAt: now + 120_000 });
      const decided = await approvals.create({
        order: order({ reason: 'decided' }),
        expiresAt: now + 60_000,
      });
      await approvals.decide(decided.id, 'rejected', 'op');
      expect((await approvals.listPending()).map((a) => a.id)).to.deep.equal([first.id, second.id]);
      const expired = await approvals.expireDue(now);
      expect(expired.map((a) => [a.id, a.status, a.order.reason])).to.deep.equal([
        [due.id, 'expired', 'due'],
      ]);
      expect(await approvals.expireDue(now)).to.deep.equal([]);
      expect((await approvals.expireDue(now + 90_000)).map((a) => a.id)).to.deep.equal([first.id]);
      expect(await approvals.decide(first.id, 'approved', 'op'), 'an expired request').to.equal(false);
    });
  });

  describe('BatchedDecisionLog', () => {
    /** The real repository, observed: how many writes, of how many rows; optionally a hook on failure. */
    class ObservedDecisions implements DecisionRepositoryApi {
      readonly writes: number[] = [];
      onFailure: (() => Promise<void>) | null = null;
      constructor(private readonly inner: DecisionRepository) {}
      record(decision: DecisionInput) {
        return this.inner.record(decision);
      }
      async recordMany(decisions: readonly DecisionInput[]): Promise<number> {
        this.writes.push(decisions.length);
        try {
          return await this.inner.recordMany(decisions);
        } catch (error) {
          const hook = this.onFailure;
          this.onFailure = null;
          await hook?.();
          throw error;
        }
      }
      list(query?: Parameters<DecisionRepository['list']>[0]) {
        return this.inner.list(query);
      }
    }

    let strategy = '';
    let repository: ObservedDecisions;
    const logs: BatchedDecisionLog[] = [];

    function decision(n: number, overrides: Partial<DecisionRecord> = {}): DecisionRecord {
      return {
        strategy,
        tokenId: `tok-${n}`,
        conditionId: '0xc',
        action: 'IGNORE',
        reason: `decision ${n}`,
        price: null,
        size: null,
        notional: null,
        triggerPrice: '0.93',
        triggerSize: '150',
        triggerTimestamp: Date.UTC(2026, 0, 15, 11, 59, 0),
        createdAt: Date.UTC(2026, 0, 15, 12, 0, n),
        ...overrides,
      };
    }

    function log(options: { flushMs?: number; maxBuffered?: number; retryMs?: number }): BatchedDecisionLog {
      const created = new BatchedDecisionLog(repository, createSilentLogger(), options);
      logs.push(created);
      return created;
    }

    /** Reasons of the stored rows in insertion order. */
    async function stored(): Promise<string[]> {
      const rows = await testDb.database.db.manyOrNone<{ reason: string }>(
        'SELECT reason FROM strategy_decisions WHERE strategy = $1 ORDER BY id',
        [strategy],
      );
      return rows.map((row) => row.reason);
    }

    async function moveTable(from: string, to: string): Promise<void> {
      await testDb.database.db.none(`ALTER TABLE ${from} RENAME TO ${to}`);
    }

    beforeEach(() => {
      strategy = uid('strategy');
      repository = new ObservedDecisions(new DecisionRepository(testDb.database));
    });

    afterEach(async () => {
      await testDb.database.db.none(
        `DO $$ BEGIN IF to_regclass('strategy_decisions_away') IS NOT NULL THEN
           ALTER TABLE strategy_decisions_away RENAME TO strategy_decisions; END IF; END $$`,
      );
      for (const created of logs.splice(0)) await created.close().catch(() => undefined);
    });

    it('stores buffered decisions in one multi-row write, with their trigger', async () => {
      const decisions = log({ flushMs: 60_000 });
      decisions.record(decision(1, { action: 'BUY', price: '0.95', notional: '20' }));
      decisions.record(decision(2));
      decisions.record(decision(3, { action: 'ERROR', triggerSize: null }));
      expect(decisions.pending).to.equal(3);
      expect(await stored()).to.deep.equal([]);
      await decisions.flush();
      expect(repository.writes).to.deep.equal([3]);
      expect(decisions.pending).to.equal(0);
      const rows = (await repository.list({ strategy })).reverse();
      expect(rows.map((r) => [r.action, r.reason, r.price, r.notional])).to.deep.equal([
        ['BUY', 'decision 1', '0.95', '20'],
        ['IGNORE', 'decision 2', null, null],
        ['ERROR', 'decision 3', null, null],
      ]);
      expect(rows[0]).to.deep.include({ tokenId: 'tok-1', conditionId: '0xc', strategy });
      expect(rows[0]?.createdAt.getTime()).to.equal(Date.UTC(2026, 0, 15, 12, 0, 1));
      expect(rows[0]?.triggerData).to.deep.equal({
        price: '0.93',
        size: '150',
        timestamp: Date.UTC(2026, 0, 15, 11, 59, 0),
      });
      expect(rows[2]?.triggerData).to.deep.include({ size: null });
      await decisions.flush();
      expect(repository.writes, 'nothing buffered: no write').to.deep.equal([3]);
    });

    it('flushes on its timer', async () => {
      const decisions = log({ flushMs: 5 });
      decisions.record(decision(1));
      decisions.record(decision(2));
      await waitUntil(async () => (await stored()).length === 2, 'the timed flush');
      expect(repository.writes).to.deep.equal([2]);
      expect(decisions.pending).to.equal(0);
    });

    it('flushes what is left on close', async () => {
      const decisions = log({ flushMs: 60_000 });
      decisions.record(decision(1));
      await decisions.close();
      expect(await stored()).to.deep.equal(['decision 1']);
      await decisions.close();
      expect(repository.writes).to.deep.equal([1]);
    });

    it('keeps the rows of a failed write, in order, and writes them with the next batch', async () => {
      const decisions = log({ flushMs: 60_000 });
      decisions.record(decision(1));
      decisions.record(decision(2));
      await moveTable('strategy_decisions', 'strategy_decisions_away');
      let failure: unknown = null;
      await decisions.flush().catch((error: unknown) => (failure = error));
      expect(String(failure)).to.match(/strategy_decisions/);
      expect(decisions.pending).to.equal(2);
      await moveTable('strategy_decisions_away', 'strategy_decisions');
      decisions.record(decision(3));
      await decisions.flush();
      expect(repository.writes).to.deep.equal([2, 3]);
      expect(await stored()).to.deep.equal(['decision 1', 'decision 2', 'decision 3']);
    });

    it('retries a failed timed write on its own timer, without waiting for another decision', async () => {
      const decisions = log({ flushMs: 5, retryMs: 5 });
      await moveTable('strategy_decisions', 'strategy_decisions_away');
      decisions.record(decision(1));
      await waitUntil(async () => repository.writes.length >= 2, 'two failed attempts');
      expect(decisions.pending).to.equal(1);
      await moveTable('strategy_decisions_away', 'strategy_decisions');
      await waitUntil(async () => (await stored()).length === 1, 'the retried write');
      expect(decisions.pending).to.equal(0);
    });

    it('close() makes its own attempt when a write in flight fails', async () => {
      const decisions = log({ flushMs: 60_000 });
      decisions.record(decision(1));
      await moveTable('strategy_decisions', 'strategy_decisions_away');
      // The database comes back while the first write is failing: close() must still write the rows.
      repository.onFailure = () => moveTable('strategy_decisions_away', 'strategy_decisions');
      const first = decisions.flush();
      const closing = decisions.close();
      await first.then(
        () => expect.fail('the first write should have failed'),
        () => undefined,
      );
      await closing;
      expect(await stored()).to.deep.equal(['decision 1']);
      expect(repository.writes).to.deep.equal([1, 1]);
    });

    it('drops the oldest rows past its bound and counts them', async () => {
      const decisions = log({ flushMs: 60_000, maxBuffered: 3 });
      for (let n = 1; n <= 5; n++) decisions.record(decision(n));
      expect(decisions.pending).to.equal(3);
      expect(decisions.dropped).to.equal(2);
      await decisions.flush();
      expect(await stored()).to.deep.equal(['decision 3', 'decision 4', 'decision 5']);
    });
  });
});

import { expect } from 'chai';
import { createTestDatabase, testBackends, type TestDatabase } from '../testing/index.js';
import { uid } from '../testing/spec-helpers.js';
import { ApprovalRepository } from './approval-repository.js';
import { BalanceRepository } from './balance-repository.js';
import { DecisionRepository } from './decision-repository.js';
import { OrderRepository } from './order-repository.js';
import { WatchlistRepository } from './watchlist-repository.js';

for (const backend of testBackends()) {
  describe(`balance, watchlist, approval and decision repositories on ${backend}`, function () {
    // A cold machine builds the PGlite template (initdb) once: seconds, more on a loaded VM.
    this.timeout(120_000);
    let t: TestDatabase;
    let orders: OrderRepository;
    before(async () => {
      t = await createTestDatabase({ backend });
      orders = new OrderRepository(t.database);
    });
    after(async () => {
      await t?.dispose();
    });

    async function order(): Promise<string> {
      const clientOrderId = uid('coid');
      await orders.createIntent({
        clientOrderId,
        tokenId: uid('tok'),
        conditionId: uid('cond'),
        strategy: 's',
        side: 'BUY',
        orderType: 'GTC',
        price: '0.95',
        size: '10',
      });
      return clientOrderId;
    }

    describe('BalanceRepository', () => {
      let balance: BalanceRepository;
      before(() => {
        balance = new BalanceRepository(t.database);
      });

      it('keeps snapshots and returns the latest', async () => {
        expect(await balance.latest()).to.equal(null);
        await balance.snapshot('100.50', 'startup', '2026-01-15T12:00:00Z');
        const second = await balance.snapshot(80.25, 'after_fill', '2026-01-15T12:05:00Z');
        await balance.snapshot('90', 'stale', '2026-01-15T11:00:00Z');
        expect(await balance.latest()).to.deep.equal(second);
        expect(second).to.include({ balance: '80.25', source: 'after_fill' });
        const now = await balance.snapshot('1', 'now');
        expect(now.takenAt).to.be.instanceOf(Date);
      });

      it('reserves per order once, releases once, and sums what is open', async () => {
        const [a, b] = [await order(), await order()];
        const base = Number(await balance.totalReserved());
        expect(await balance.reserve(a, '19.00')).to.equal(true);
        expect(await balance.reserve(a, '19.00')).to.equal(false);
        expect(await balance.reserve(b, 0.5)).to.equal(true);
        expect(Number(await balance.totalReserved())).to.be.closeTo(base + 19.5, 1e-9);
        expect((await balance.listOpenReservations()).map((r) => r.clientOrderId)).to.include.members([a, b]);
        expect(await balance.release(a)).to.equal(true);
        expect(await balance.release(a)).to.equal(false);
        expect(await balance.release('never-reserved', Date.now())).to.equal(false);
        expect(Number(await balance.totalReserved())).to.be.closeTo(base + 0.5, 1e-9);
        await balance.release(b);
      });

      it('totals exactly and reports "0" when nothing is reserved', async () => {
        expect(await balance.totalReserved()).to.equal('0');
        const [a, b] = [await order(), await order()];
        await balance.reserve(a, '0.1');
        await balance.reserve(b, '0.2');
        expect(await balance.totalReserved()).to.equal('0.3');
        await balance.release(a);
        await balance.release(b);
      });
    });

    describe('WatchlistRepository', () => {
      let watchlist: WatchlistRepository;
      before(() => {
        watchlist = new WatchlistRepository(t.database);
      });

      it('adds, refreshes the active entry, and lists until expiry', async () => {
        const tokenId = uid('tok');
        const first = await watchlist.add({
          tokenId,
          conditionId: 'c',
          strategy: 's',
          reason: 'waiting for confirmation',
          triggerPrice: '0.93',
          addedAt: '2026-01-15T12:00:00Z',
          expiresAt: '2026-01-15T13:00:00Z',
        });
        expect(first).to.include({
          status: 'active',
          triggerPrice: '0.93',
          reason: 'waiting for confirmation',
        });
        const refreshed = await watchlist.add({
          tokenId,
          conditionId: 'c',
          strategy: 's',
          reason: 'still waiting',
          expiresAt: '2026-01-15T14:00:00Z',
        });
        expect(refreshed.id).to.equal(first.id);
        expect(refreshed).to.include({ reason: 'still waiting', triggerPrice: null });
        expect((await watchlist.getActive(tokenId, 's'))?.id).to.equal(first.id);
        const at1330 = (await watchlist.listActive('2026-01-15T13:30:00Z')).map((w) => w.id);
        expect(at1330).to.include(first.id);
        expect((await watchlist.listActive('2026-01-15T14:00:00Z')).map((w) => w.id)).to.not.include(
          first.id,
        );
        expect(await watchlist.expireDue('2026-01-15T14:00:00Z')).to.be.at.least(1);
        expect(await watchlist.getActive(tokenId, 's')).to.equal(null);
        // Expired entries leave room for a new active one.
        const again = await watchlist.add({
          tokenId,
          conditionId: 'c',
          strategy: 's',
          reason: 'r',
          expiresAt: Date.now() + 60_000,
        });
        expect(again.id).to.not.equal(first.id);
        expect(await watchlist.setStatus(again.id, 'triggered')).to.equal(true);
        expect(await watchlist.setStatus(again.id, 'removed')).to.equal(false);
        expect(await watchlist.listActive()).to.be.an('array');
        expect(await watchlist.expireDue()).to.be.a('number');
      });
    });

    describe('ApprovalRepository', () => {
      let approvals: ApprovalRepository;
      before(() => {
        approvals = new ApprovalRepository(t.database);
      });

      const alert = (expiresAt: number) => ({
        tokenId: uid('tok'),
        conditionId: uid('cond'),
        strategy: 's',
        side: 'BUY' as const,
        price: '0.95',
        notional: '20',
        reason: 'price 0.95 ≥ threshold',
        expiresAt,
        payload: { signal: { action: 'BUY' } },
      });

      it('approves a pending alert once, links the order when executed', async () => {
        const created = await approvals.create(alert(Date.now() + 600_000));
        expect(created).to.include({
          status: 'pending',
          price: '0.95',
          notional: '20',
          size: null,
          decidedAt: null,
        });
        expect(created.payload).to.deep.equal({ signal: { action: 'BUY' } });
        expect((await approvals.listPending()).map((a) => a.id)).to.include(created.id);
        const approved = await approvals.decide(created.id, 'approved', 'telegram:42');
        expect(approved).to.include({ status: 'approved', decidedBy: 'telegram:42' });
        expect(await approvals.decide(created.id, 'rejected', 'someone-else')).to.equal(null);
        const link = await approvals.getTradeApproval(created.id);
        expect(link).to.include({ alertId: created.id, approvedBy: 'telegram:42', clientOrderId: null });
        const clientOrderId = await order();
        expect(await approvals.markExecuted(created.id, clientOrderId)).to.equal(true);
        expect(await approvals.markExecuted(created.id, clientOrderId)).to.equal(false);
        expect((await approvals.get(created.id))?.status).to.equal('executed');
        expect((await approvals.getTradeApproval(created.id))?.clientOrderId).to.equal(clientOrderId);
        expect(await approvals.get(-1)).to.equal(null);
        expect(await approvals.getTradeApproval(-1)).to.equal(null);
      });

      it('marks an approved alert failed with its reason, only once and only when approved', async () => {
        const created = await approvals.create(alert(Date.now() + 600_000));
        expect(await approvals.markFailed(created.id, 'too early')).to.equal(false);
        await approvals.decide(created.id, 'approved', 'dashboard');
        expect(await approvals.markFailed(created.id, 'price re-check failed: book at 0.05')).to.equal(true);
        expect(await approvals.markFailed(created.id, 'again')).to.equal(false);
        expect(await approvals.get(created.id)).to.include({
          status: 'failed',
          failure: 'price re-check failed: book at 0.05',
        });
      });

      it('rejects without a trade approval, and never approves an expired alert', async () => {
        const rejected = await approvals.create(alert(Date.now() + 600_000));
        expect((await approvals.decide(rejected.id, 'rejected', 'dashboard', new Date()))?.status).to.equal(
          'rejected',
        );
        expect(await approvals.getTradeApproval(rejected.id)).to.equal(null);
        expect(await approvals.markExecuted(rejected.id, 'x')).to.equal(false);
        const late = await approvals.create({
          ...alert(Date.UTC(2026, 0, 15, 12, 5)),
          createdAt: Date.UTC(2026, 0, 15, 12),
          size: '21',
        });
        expect(
          await approvals.decide(late.id, 'approved', 'dashboard', Date.UTC(2026, 0, 15, 12, 6)),
        ).to.equal(null);
        const expired = await approvals.expireDue(Date.UTC(2026, 0, 15, 12, 6));
        expect(expired.map((a) => a.id)).to.include(late.id);
        expect((await approvals.get(late.id))?.status).to.equal('expired');
        expect((await approvals.listPending()).map((a) => a.id)).to.not.include(late.id);
        expect(await approvals.expireDue()).to.be.an('array');
      });
    });

    describe('DecisionRepository', () => {
      let decisions: DecisionRepository;
      before(() => {
        decisions = new DecisionRepository(t.database);
      });

      it('records each decision with its reason and lists newest first', async () => {
        const strategy = uid('strategy');
        const one = await decisions.record({
          strategy,
          tokenId: 't',
          conditionId: 'c1',
          action: 'BUY',
          reason: 'price 0.95 ≥ 0.95',
          price: '0.95',
          notional: 20,
          triggerData: { price: '0.95', size: null, source: 'websocket' },
          createdAt: '2026-01-15T12:00:00Z',
        });
        expect(one).to.include({ action: 'BUY', price: '0.95', notional: '20', size: null });
        expect(one.triggerData).to.deep.equal({ price: '0.95', size: null, source: 'websocket' });
        const many = Array.from({ length: 2_100 }, (_, i) => ({
          strategy,
          tokenId: 't',
          conditionId: i % 2 ? 'c1' : 'c2',
          action: 'IGNORE' as const,
          reason: `below threshold #${i}`,
          createdAt: Date.UTC(2026, 0, 15, 13) + i,
        }));
        expect(await decisions.recordMany(many)).to.equal(2_100);
        expect(await decisions.recordMany([])).to.equal(0);
        const latest = await decisions.list({ strategy, limit: 2 });
        expect(latest.map((d) => d.reason)).to.deep.equal(['below threshold #2099', 'below threshold #2098']);
        const buys = await decisions.list({ strategy, action: 'BUY' });
        expect(buys.map((d) => d.id)).to.deep.equal([one.id]);
        const early = await decisions.list({
          strategy,
          conditionId: 'c1',
          since: '2026-01-15T13:00:00.002Z',
          limit: 10_000,
        });
        expect(
          early.every(
            (d) => d.conditionId === 'c1' && d.createdAt.getTime() >= Date.UTC(2026, 0, 15, 13) + 2,
          ),
        ).to.equal(true);
        expect(early).to.have.length(1049);
        expect(await decisions.list()).to.have.length(100);
      });
    });
  });
}

import { expect } from 'chai';
import { OrderStateError } from '../errors.js';
import { createTestDatabase, testBackends, type TestDatabase } from '../testing/index.js';
import { uid } from '../testing/spec-helpers.js';
import type { OrderIntentInput } from '../types.js';
import { FillRepository } from './fill-repository.js';
import { OrderRepository } from './order-repository.js';

function intent(overrides: Partial<OrderIntentInput> = {}): OrderIntentInput {
  return {
    clientOrderId: uid('coid'),
    tokenId: uid('tok'),
    conditionId: uid('cond'),
    strategy: 'high_prob_yes',
    side: 'BUY',
    orderType: 'GTC',
    price: '0.95',
    size: '21.05',
    notional: '20',
    ...overrides,
  };
}

async function rejects(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

for (const backend of testBackends()) {
  describe(`OrderRepository and FillRepository on ${backend}`, function () {
    // A cold machine builds the PGlite template (initdb) once: seconds, more on a loaded VM.
    this.timeout(120_000);
    let t: TestDatabase;
    let orders: OrderRepository;
    let fills: FillRepository;
    before(async () => {
      t = await createTestDatabase({ backend });
      orders = new OrderRepository(t.database);
      fills = new FillRepository(t.database);
    });
    after(async () => {
      await t?.dispose();
    });

    it('persists an intent as pending, idempotently', async () => {
      const input = intent({
        expiresAt: '2026-01-16T00:00:00Z',
        salt: '123',
        signedPayload: { a: 1 },
        createdAt: Date.UTC(2026, 0, 15),
      });
      const created = await orders.createIntent(input);
      expect(created).to.include({
        clientOrderId: input.clientOrderId,
        venueOrderId: null,
        state: 'pending',
        price: '0.95',
        size: '21.05',
        notional: '20',
        filledSize: '0',
        averageFillPrice: null,
        dryRun: false,
        salt: '123',
        orderType: 'GTC',
        side: 'BUY',
      });
      expect(created.signedPayload).to.deep.equal({ a: 1 });
      expect(created.expiresAt?.toISOString()).to.equal('2026-01-16T00:00:00.000Z');
      expect(created.createdAt.getTime()).to.equal(Date.UTC(2026, 0, 15));
      const again = await orders.createIntent(input);
      expect(again.id).to.equal(created.id);
      const clash = await rejects(orders.createIntent({ ...input, side: 'SELL' }));
      expect(clash).to.be.instanceOf(OrderStateError);
      expect(clash.message).to.contain(input.clientOrderId);
    });

    it('follows the venue through the state machine and keeps its raw answer', async () => {
      const input = intent();
      await orders.createIntent(input);
      const submitting = await orders.markSubmitting(input.clientOrderId, {
        salt: '42',
        orderHash: '0xhash',
        signedPayload: { signature: '0xsig' },
      });
      expect(submitting.state).to.equal('submitting');
      expect(submitting.submittedAt).to.be.instanceOf(Date);
      expect(submitting).to.include({ salt: '42', orderHash: '0xhash' });
      const live = await orders.applyVenueResponse(input.clientOrderId, {
        state: 'live',
        venueOrderId: `0xvenue-${input.clientOrderId}`,
        venueResponse: { success: true, status: 'live' },
      });
      expect(live).to.include({ state: 'live', venueOrderId: `0xvenue-${input.clientOrderId}` });
      expect(live.venueResponse).to.deep.equal({ success: true, status: 'live' });
      const partial = await orders.applyVenueResponse(input.clientOrderId, {
        state: 'partially_filled',
        filledSize: '10',
        averageFillPrice: '0.95',
      });
      expect(partial).to.include({ state: 'partially_filled', filledSize: '10', averageFillPrice: '0.95' });
      expect(partial.venueResponse).to.deep.equal({ success: true, status: 'live' });
      const same = await orders.transition(input.clientOrderId, 'partially_filled', { filledSize: '12' });
      expect(same.filledSize).to.equal('12');
      const filled = await orders.transition(input.clientOrderId, 'filled', {
        filledSize: '21.05',
        error: null,
        at: '2026-01-15 12:00:00',
      });
      expect(filled.state).to.equal('filled');
      expect(filled.updatedAt.toISOString()).to.equal('2026-01-15T12:00:00.000Z');
      expect((await orders.findByVenueOrderId(`0xvenue-${input.clientOrderId}`))?.state).to.equal('filled');
    });

    it('refuses moves the state machine forbids, and unknown orders', async () => {
      const input = intent();
      await orders.createIntent(input);
      const early = await rejects(orders.transition(input.clientOrderId, 'live'));
      expect(early).to.be.instanceOf(OrderStateError);
      expect(early.message).to.match(/cannot move from pending to live/);
      expect(early).to.include({ from: 'pending', to: 'live' });
      await orders.markSubmitting(input.clientOrderId);
      await orders.applyVenueResponse(input.clientOrderId, {
        state: 'rejected',
        error: 'not enough balance',
        venueResponse: { errorMsg: 'x' },
      });
      const after = await rejects(orders.transition(input.clientOrderId, 'live'));
      expect(after.message).to.match(/from rejected to live/);
      const missing = await rejects(orders.markSubmitting('no-such-order'));
      expect(missing).to.be.instanceOf(OrderStateError);
      expect(missing.message).to.match(/does not exist/);
      expect(await orders.findByClientOrderId('no-such-order')).to.equal(null);
    });

    it('lets only one of two concurrent writers move an order out of a state', async () => {
      const input = intent();
      await orders.createIntent(input);
      await orders.markSubmitting(input.clientOrderId);
      const results = await Promise.allSettled([
        orders.transition(input.clientOrderId, 'rejected'),
        orders.transition(input.clientOrderId, 'live'),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      expect(ok).to.have.length(1);
    });

    it('lists open orders and unresolved intents for restart reconciliation', async () => {
      const conditionId = uid('cond');
      const pending = intent({ conditionId });
      const submitting = intent({ conditionId });
      const live = intent({ conditionId });
      const unknown = intent({ conditionId });
      const cancelled = intent({ conditionId, dryRun: true });
      for (const o of [pending, submitting, live, unknown, cancelled]) await orders.createIntent(o);
      for (const o of [submitting, live, unknown]) await orders.markSubmitting(o.clientOrderId);
      await orders.transition(live.clientOrderId, 'live');
      await orders.transition(unknown.clientOrderId, 'unknown', { error: 'timeout' });
      await orders.transition(cancelled.clientOrderId, 'cancelled');
      const open = (await orders.listOpen()).map((o) => o.clientOrderId);
      expect(open).to.include(live.clientOrderId);
      expect(open).to.not.include(pending.clientOrderId);
      const unresolved = (await orders.listUnresolvedIntents()).map((o) => o.clientOrderId);
      expect(unresolved).to.include.members([
        pending.clientOrderId,
        submitting.clientOrderId,
        unknown.clientOrderId,
      ]);
      expect(unresolved).to.not.include.members([live.clientOrderId, cancelled.clientOrderId]);
      const all = await orders.listByCondition(conditionId);
      expect(all).to.have.length(5);
      expect(all.find((o) => o.clientOrderId === cancelled.clientOrderId)?.dryRun).to.equal(true);
    });

    it('tells whether orders of a trading mode exist', async () => {
      expect(await orders.hasOrdersInMode(true)).to.equal(
        (await orders.listRecent({ limit: 1000 })).some((o) => o.dryRun),
      );
      await orders.createIntent(intent({ dryRun: true }));
      expect(await orders.hasOrdersInMode(true)).to.equal(true);
    });

    it('lists the most recent orders first, optionally in one state, within the limit', async () => {
      const a = intent();
      const b = intent();
      await orders.createIntent(a);
      await orders.createIntent(b);
      await orders.transition(b.clientOrderId, 'cancelled');
      const recent = await orders.listRecent({ limit: 2 });
      expect(recent.map((o) => o.clientOrderId)).to.deep.equal([b.clientOrderId, a.clientOrderId]);
      const cancelled = (await orders.listRecent({ state: 'cancelled', limit: 1000 })).map(
        (o) => o.clientOrderId,
      );
      expect(cancelled).to.include(b.clientOrderId).and.not.include(a.clientOrderId);
      expect(await orders.listRecent({ limit: 0 })).to.have.length(1);
      expect((await orders.listRecent()).length).to.be.within(2, 100);
    });

    it('records fills once per (trade, order) and totals them', async () => {
      const input = intent();
      await orders.createIntent(input);
      const base = {
        clientOrderId: input.clientOrderId,
        tokenId: input.tokenId,
        conditionId: input.conditionId,
        side: 'BUY' as const,
      };
      const first = await fills.insert({
        ...base,
        tradeId: 't1',
        price: '0.95',
        size: '10',
        fee: '0.01',
        filledAt: '2026-01-15T12:00:00Z',
        status: 'MATCHED',
        raw: { id: 't1' },
      });
      expect(first).to.include({ tradeId: 't1', price: '0.95', size: '10', fee: '0.01', status: 'MATCHED' });
      expect(first?.raw).to.deep.equal({ id: 't1' });
      expect(
        await fills.insert({
          ...base,
          tradeId: 't1',
          price: '0.95',
          size: '10',
          filledAt: '2026-01-15T12:00:00Z',
        }),
      ).to.equal(null);
      await fills.insert({
        ...base,
        tradeId: 't2',
        price: '0.96',
        size: '5',
        filledAt: '2026-01-15T12:00:01Z',
      });
      expect((await fills.listByOrder(input.clientOrderId)).map((f) => f.tradeId)).to.deep.equal([
        't1',
        't2',
      ]);
      const totals = await fills.totalsForOrder(input.clientOrderId);
      expect(Number(totals.size)).to.equal(15);
      // (0.95*10 + 0.96*5) / 15 = 0.953333...
      expect(totals.averagePrice).to.equal('0.953333333333');
      expect(await fills.totalsForOrder('none')).to.deep.equal({ size: '0', averagePrice: null });
    });

    it('refuses a fill for an order it does not know', async () => {
      const error = await rejects(
        fills.insert({
          tradeId: 't',
          clientOrderId: 'ghost',
          tokenId: 'x',
          conditionId: 'y',
          side: 'BUY',
          price: 1,
          size: 1,
          filledAt: Date.now(),
        }),
      );
      expect((error as { code?: string }).code).to.equal('23503');
    });
  });
}

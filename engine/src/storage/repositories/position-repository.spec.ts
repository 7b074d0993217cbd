import { expect } from 'chai';
import { PositionError, StorageInputError } from '../errors.js';
import { createTestDatabase, testBackends, type TestDatabase } from '../testing/index.js';
import { uid } from '../testing/spec-helpers.js';
import { PositionRepository } from './position-repository.js';

async function rejects(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

for (const backend of testBackends()) {
  describe(`PositionRepository on ${backend}`, function () {
    // A cold machine builds the PGlite template (initdb) once: seconds, more on a loaded VM.
    this.timeout(120_000);
    let t: TestDatabase;
    let positions: PositionRepository;
    before(async () => {
      t = await createTestDatabase({ backend });
      positions = new PositionRepository(t.database);
    });
    after(async () => {
      await t?.dispose();
    });

    function market() {
      const conditionId = uid('cond');
      return { conditionId, tokenId: `${conditionId}-yes`, strategy: 'high_prob_yes' };
    }

    it('opens on a buy and averages further buys exactly, fees in the cost basis', async () => {
      const m = market();
      const first = await positions.applyFill({
        ...m,
        side: 'BUY',
        price: '0.95',
        size: '20',
        at: '2026-01-15T12:00:00Z',
      });
      expect(first).to.include({
        size: '20',
        costBasis: '19',
        averagePrice: '0.95',
        realizedPnl: '0',
        status: 'open',
        closedAt: null,
      });
      expect(first.openedAt.toISOString()).to.equal('2026-01-15T12:00:00.000Z');
      const second = await positions.applyFill({ ...m, side: 'BUY', price: '0.97', size: '10', fee: '0.1' });
      // cost 19 + 9.7 + 0.1 = 28.8 over 30 shares = 0.96
      expect(second).to.include({ id: first.id, size: '30', costBasis: '28.8', averagePrice: '0.96' });
      expect((await positions.getOpenByCondition(m.conditionId))?.size).to.equal('30');
    });

    it('realizes pnl on sells and closes at zero', async () => {
      const m = market();
      await positions.applyFill({ ...m, side: 'BUY', price: '0.9', size: '10' });
      const partial = await positions.applyFill({
        ...m,
        side: 'SELL',
        price: '0.95',
        size: '4',
        fee: '0.02',
      });
      // proceeds 3.8 − 0.02, cost share 9 × 4/10 = 3.6 → +0.18
      expect(partial).to.include({
        size: '6',
        costBasis: '5.4',
        realizedPnl: '0.18',
        status: 'open',
        averagePrice: '0.9',
      });
      const closed = await positions.applyFill({
        ...m,
        side: 'SELL',
        price: '1',
        size: '6',
        at: Date.UTC(2026, 0, 20),
      });
      expect(closed).to.include({ size: '0', costBasis: '0', realizedPnl: '0.78', status: 'closed' });
      expect(closed.closedAt?.getTime()).to.equal(Date.UTC(2026, 0, 20));
      expect(await positions.getOpenByCondition(m.conditionId)).to.equal(null);
      // The market can be entered again: a new position.
      const reopened = await positions.applyFill({ ...m, side: 'BUY', price: '0.5', size: '2' });
      expect(reopened.id).to.not.equal(closed.id);
    });

    it('keeps one open position per condition (G2): the sibling token is refused', async () => {
      const m = market();
      await positions.applyFill({ ...m, side: 'BUY', price: '0.95', size: '5' });
      const sibling = await rejects(
        positions.applyFill({ ...m, tokenId: `${m.conditionId}-no`, side: 'BUY', price: '0.05', size: '5' }),
      );
      expect(sibling).to.be.instanceOf(PositionError);
      expect(sibling.message).to.match(/already has an open position/);
      const otherStrategy = await rejects(
        positions.applyFill({ ...m, strategy: 'other', side: 'BUY', price: '0.95', size: '1' }),
      );
      expect(otherStrategy.message).to.match(/held by strategy high_prob_yes/);
      const violation = await rejects(
        t.database.db.none(
          `INSERT INTO positions (token_id, condition_id, strategy, size) VALUES ('x', $1, 's', 1)`,
          [m.conditionId],
        ),
      );
      expect((violation as { code?: string }).code).to.equal('23505');
    });

    it('refuses selling what is not held, and non-positive sizes', async () => {
      const m = market();
      const none = await rejects(positions.applyFill({ ...m, side: 'SELL', price: '0.9', size: '1' }));
      expect(none).to.be.instanceOf(PositionError);
      expect(none.message).to.match(/no open position/);
      await positions.applyFill({ ...m, side: 'BUY', price: '0.9', size: '1' });
      const tooMuch = await rejects(positions.applyFill({ ...m, side: 'SELL', price: '0.9', size: '2' }));
      expect(tooMuch.message).to.match(/exceeds the open position of 1/);
      expect(
        await rejects(positions.applyFill({ ...m, side: 'BUY', price: '0.9', size: '0' })),
      ).to.be.instanceOf(StorageInputError);
    });

    it('two fills opening one market at once end in one position', async () => {
      const m = market();
      await Promise.all([
        positions.applyFill({ ...m, side: 'BUY', price: '0.9', size: '1' }),
        positions.applyFill({ ...m, side: 'BUY', price: '0.9', size: '2' }),
      ]);
      expect((await positions.getOpenByCondition(m.conditionId))?.size).to.equal('3');
    });

    it('closes at a resolution price, or as it stands', async () => {
      const won = market();
      await positions.applyFill({ ...won, side: 'BUY', price: '0.95', size: '20' });
      const resolved = await positions.close(won.conditionId, { exitPrice: '1', at: '2026-02-01T00:00:00Z' });
      expect(resolved).to.include({ status: 'closed', size: '0', costBasis: '0', realizedPnl: '1' });
      expect(await positions.close(won.conditionId)).to.equal(null);
      const kept = market();
      await positions.applyFill({ ...kept, side: 'BUY', price: '0.5', size: '2' });
      const asIs = await positions.close(kept.conditionId);
      expect(asIs).to.include({ status: 'closed', size: '2', realizedPnl: '0' });
    });

    it('lists open positions, by strategy too, and counts them', async () => {
      const a = market();
      const b = { ...market(), strategy: uid('strategy') };
      await positions.applyFill({ ...a, side: 'BUY', price: '0.9', size: '1' });
      await positions.applyFill({ ...b, side: 'BUY', price: '0.9', size: '1' });
      const mine = await positions.listOpen(b.strategy);
      expect(mine.map((p) => p.conditionId)).to.deep.equal([b.conditionId]);
      const all = await positions.listOpen();
      expect(all.map((p) => p.conditionId)).to.include.members([a.conditionId, b.conditionId]);
      expect(await positions.countOpen()).to.equal(all.length);
    });

    it('applies inside a caller transaction', async () => {
      const m = market();
      await t.database.db
        .tx(async (tx) => {
          await positions.applyFill({ ...m, side: 'BUY', price: '0.9', size: '1' }, tx);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      expect(await positions.getOpenByCondition(m.conditionId)).to.equal(null);
    });
  });
}

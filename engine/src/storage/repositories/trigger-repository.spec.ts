import { expect } from 'chai';
import { openDatabase } from '../database.js';
import { createTestDatabase, testBackends, type TestDatabase } from '../testing/index.js';
import { uid, waitUntil } from '../testing/spec-helpers.js';
import { TriggerRepository } from './trigger-repository.js';

for (const backend of testBackends()) {
  describe(`TriggerRepository on ${backend}`, function () {
    // A cold machine builds the PGlite template (initdb) once: seconds, more on a loaded VM.
    this.timeout(120_000);
    let t: TestDatabase;
    let triggers: TriggerRepository;
    before(async () => {
      t = await createTestDatabase({ backend });
      triggers = new TriggerRepository(t.database);
    });
    after(async () => {
      await t?.dispose();
    });

    it('G2: once one token of a condition triggered, its sibling token must not', async () => {
      const conditionId = uid('cond');
      const [yes, no] = [`${conditionId}-yes`, `${conditionId}-no`];
      expect(await triggers.shouldTrigger(yes, conditionId, '0.95')).to.equal(true);
      expect(
        await triggers.recordTrigger({ tokenId: yes, conditionId, threshold: '0.95', strategy: 's' }),
      ).to.equal(true);
      expect(await triggers.shouldTrigger(yes, conditionId, '0.95')).to.equal(false);
      // The sibling token has never triggered itself: only the condition check stops it.
      expect(await triggers.shouldTrigger(no, conditionId, 0.95)).to.equal(false);
      expect(
        await triggers.recordTrigger({ tokenId: no, conditionId, threshold: 0.95, strategy: 's' }),
      ).to.equal(false);
      expect(await triggers.listByCondition(conditionId)).to.have.length(1);
    });

    it('lists every token and condition triggered at a threshold, for warming a cache', async () => {
      const conditionId = uid('cond');
      const tokenId = `${conditionId}-yes`;
      await triggers.recordTrigger({ tokenId, conditionId, threshold: '0.97', strategy: 's' });
      const listed = await triggers.listTriggered('0.970');
      expect(listed.tokenIds).to.include(tokenId);
      expect(listed.conditionIds).to.include(conditionId);
      expect((await triggers.listTriggered('0.5')).tokenIds).to.not.include(tokenId);
    });

    it('releases a trigger that came to nothing, so the condition may trigger again', async () => {
      const conditionId = uid('cond');
      const [yes, no] = [`${conditionId}-yes`, `${conditionId}-no`];
      await triggers.recordTrigger({ tokenId: yes, conditionId, threshold: '0.95', strategy: 's' });
      expect(
        await triggers.releaseTrigger({ tokenId: yes, conditionId, threshold: '0.95', strategy: 'other' }),
      ).to.equal(false);
      expect(await triggers.shouldTrigger(no, conditionId, '0.95')).to.equal(false);
      expect(
        await triggers.releaseTrigger({ tokenId: yes, conditionId, threshold: '0.950', strategy: 's' }),
      ).to.equal(true);
      expect(await triggers.shouldTrigger(no, conditionId, '0.95')).to.equal(true);
      expect(
        await triggers.releaseTrigger({ tokenId: yes, conditionId, threshold: '0.95', strategy: 's' }),
      ).to.equal(false);
    });

    it('treats thresholds as numbers (0.95 = 0.950) and keeps other thresholds apart', async () => {
      const conditionId = uid('cond');
      const tokenId = `${conditionId}-yes`;
      await triggers.recordTrigger({
        tokenId,
        conditionId,
        threshold: '0.95',
        strategy: 's',
        createdAt: '2026-01-15 12:00:00',
      });
      expect(await triggers.shouldTrigger(tokenId, conditionId, '0.950')).to.equal(false);
      expect(await triggers.shouldTrigger(tokenId, conditionId, '0.90')).to.equal(true);
      expect(
        await triggers.recordTrigger({ tokenId, conditionId, threshold: '0.90', strategy: 's' }),
      ).to.equal(true);
      const rows = await triggers.listByCondition(conditionId);
      expect(rows.map((r) => r.threshold)).to.deep.equal(['0.95', '0.90']);
      expect(rows[0]?.createdAt.toISOString()).to.equal('2026-01-15T12:00:00.000Z');
      expect(rows[0]).to.include({ tokenId, conditionId, strategy: 's' });
    });

    it('a token already triggered under another condition id still counts (token check)', async () => {
      const tokenId = uid('tok');
      await triggers.recordTrigger({ tokenId, conditionId: uid('cond'), threshold: '0.95', strategy: 's' });
      expect(await triggers.shouldTrigger(tokenId, uid('cond'), '0.95')).to.equal(false);
    });

    it('concurrent recordTrigger calls for one condition: exactly one wins', async () => {
      const conditionId = uid('cond');
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          triggers.recordTrigger({
            tokenId: `${conditionId}-${i % 2}`,
            conditionId,
            threshold: '0.95',
            strategy: `s${i}`,
          }),
        ),
      );
      expect(results.filter(Boolean)).to.have.length(1);
    });

    if (backend === 'postgres') {
      it('two engines racing on one database: the loser waits for the winner and inserts nothing', async () => {
        const other = await openDatabase({ url: t.url, poolSize: 2 });
        const rival = new TriggerRepository(other);
        const conditionId = uid('cond');
        try {
          let rivalResult: Promise<boolean> | null = null;
          const ours = await t.database.db.tx(async (tx) => {
            const won = await triggers.recordTrigger(
              { tokenId: `${conditionId}-yes`, conditionId, threshold: '0.95', strategy: 'a' },
              tx,
            );
            // The rival's insert starts while ours is uncommitted, so it must block on the unique index.
            rivalResult = rival.recordTrigger({
              tokenId: `${conditionId}-no`,
              conditionId,
              threshold: '0.95',
              strategy: 'b',
            });
            await waitUntil(async () => {
              const row = await t.database.db.one<{ n: number }>(
                `SELECT count(*) AS n FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO triggers%'`,
              );
              return row.n > 0;
            }, 'the rival insert to block');
            return won;
          });
          expect(ours).to.equal(true);
          expect(await rivalResult!).to.equal(false);
          expect(await triggers.listByCondition(conditionId)).to.have.length(1);
        } finally {
          await other.close();
        }
      });
    }
  });
}

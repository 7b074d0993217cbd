import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { testConfig } from '../config/defaults.js';
import { createSilentLogger } from '../monitoring/logger.js';
import { MetricsRegistry } from '../monitoring/metrics.js';
import { TapeRepository } from './repositories/tape-repository.js';
import { TapeWriter } from './tape-writer.js';
import { createTestDatabase, testBackends, type TestDatabase } from './testing/index.js';
import { uid, waitUntil } from './testing/spec-helpers.js';
import type { Queryable, TradeInput } from './types.js';

/** The real repository, counting the statements it is asked to run. */
class CountingTapeRepository extends TapeRepository {
  calls: number[] = [];

  override insertTuples(kind: 'trades' | 'book', rows: readonly string[], tx?: Queryable): Promise<number> {
    this.calls.push(rows.length);
    return super.insertTuples(kind, rows, tx);
  }
}

for (const backend of testBackends()) {
  describe(`TapeWriter on ${backend}`, function () {
    // A cold machine builds the PGlite template (initdb) once: seconds, more on a loaded VM.
    this.timeout(120_000);
    let t: TestDatabase;
    let repo: CountingTapeRepository;
    let metrics: MetricsRegistry;
    const writers: TapeWriter[] = [];

    before(async () => {
      t = await createTestDatabase({ backend });
    });
    beforeEach(() => {
      repo = new CountingTapeRepository(t.database);
      metrics = new MetricsRegistry();
    });
    afterEach(async () => {
      await Promise.all(writers.splice(0).map((w) => w.close()));
      await t.database.db.none('ALTER TABLE IF EXISTS trades_offline RENAME TO trades');
    });
    after(async () => {
      await t?.dispose();
    });

    function writer(flushMs: number, batchSize: number): TapeWriter {
      const w = new TapeWriter(
        repo,
        testConfig({ ingestion: { tapeFlushMs: flushMs, tapeBatchSize: batchSize } }),
        metrics,
        createSilentLogger(),
      );
      writers.push(w);
      return w;
    }

    function trade(tokenId: string, i: number, overrides: Partial<TradeInput> = {}): TradeInput {
      return {
        tokenId,
        price: '0.95',
        size: String(i + 1),
        tradedAt: Date.UTC(2026, 0, 1) + i,
        source: 'websocket',
        ...overrides,
      };
    }

    async function stored(tokenId: string): Promise<number> {
      const row = await t.database.db.one<{ n: number }>(
        'SELECT count(*) AS n FROM trades WHERE token_id = $1',
        [tokenId],
      );
      return row.n;
    }

    it('buffers synchronously and writes full batches as multi-row inserts', async () => {
      const w = writer(60_000, 10);
      const tokenId = uid('tok');
      for (let i = 0; i < 25; i++) w.appendTrade(trade(tokenId, i));
      expect(w.pending).to.equal(25);
      expect(repo.calls).to.deep.equal([]);
      await waitUntil(() => w.pending === 0, 'the batch flush');
      expect(repo.calls).to.deep.equal([10, 10, 5]);
      expect(await stored(tokenId)).to.equal(25);
      expect(await metrics.value('polybot_tape_rows_written_total', { kind: 'trades' })).to.equal(25);
    });

    it('flushes a partial batch on its timer', async () => {
      const w = writer(10, 1_000);
      const tokenId = uid('tok');
      w.append({ type: 'trade', trade: trade(tokenId, 0) });
      w.append({ type: 'book', update: { tokenId, kind: 'snapshot', payload: { bids: [], asks: [] } } });
      await waitUntil(async () => (await stored(tokenId)) === 1, 'the timed flush');
      await waitUntil(() => w.pending === 0, 'the book update');
      const books = await t.database.db.one<{ n: number }>(
        'SELECT count(*) AS n FROM book_updates WHERE token_id = $1',
        [tokenId],
      );
      expect(books.n).to.equal(1);
    });

    it('keeps the rows of a failed flush and writes them once the database is back', async () => {
      const w = writer(60_000, 1_000);
      const tokenId = uid('tok');
      await t.database.db.none('ALTER TABLE trades RENAME TO trades_offline');
      for (let i = 0; i < 5; i++) w.appendTrade(trade(tokenId, i));
      let failed: unknown = null;
      await w.flush().catch((error: unknown) => {
        failed = error;
      });
      expect(failed).to.be.instanceOf(Error);
      expect(w.pending).to.equal(5);
      expect(await metrics.value('polybot_tape_flush_failures_total')).to.equal(1);
      expect(await metrics.value('polybot_tape_rows_buffered')).to.equal(5);
      await t.database.db.none('ALTER TABLE trades_offline RENAME TO trades');
      await w.flush();
      expect(w.pending).to.equal(0);
      expect(await stored(tokenId)).to.equal(5);
      expect(await metrics.value('polybot_tape_rows_dropped_total')).to.equal(0);
    });

    it('bounds the buffer while the database is down and counts what it drops', async () => {
      const w = writer(60_000, 2); // holds 2 × 50 = 100 rows
      const tokenId = uid('tok');
      await t.database.db.none('ALTER TABLE trades RENAME TO trades_offline');
      for (let i = 0; i < 150; i++) w.appendTrade(trade(tokenId, i));
      expect(w.pending).to.equal(100);
      expect(await metrics.value('polybot_tape_rows_dropped_total', { reason: 'buffer_full' })).to.equal(50);
      await w.flush().catch(() => undefined);
      await t.database.db.none('ALTER TABLE trades_offline RENAME TO trades');
      await w.flush();
      expect(await stored(tokenId)).to.equal(100);
    });

    it('drops only the row the database refuses, not its batch', async () => {
      const w = writer(60_000, 1_000);
      const tokenId = uid('tok');
      w.appendTrade(trade(tokenId, 0));
      w.appendTrade(trade(tokenId, 1, { side: 'SIDEWAYS' as 'BUY' }));
      w.appendTrade(trade(tokenId, 3, { tokenId: randomBytes(6_000).toString('hex') }));
      w.appendTrade(trade(tokenId, 2));
      await w.flush();
      expect(await stored(tokenId)).to.equal(2);
      expect(await metrics.value('polybot_tape_rows_dropped_total', { reason: 'refused' })).to.equal(2);
      expect(await metrics.value('polybot_tape_rows_written_total', { kind: 'trades' })).to.equal(2);
    });

    it('drops malformed records at append without throwing', () => {
      const w = writer(60_000, 1_000);
      expect(() => w.appendTrade(trade('t', 0, { price: 'abc' }))).to.not.throw();
      // A NUL cannot travel in the wire protocol: refused at append, never poisoning a batch.
      expect(() => w.appendTrade(trade('t', 0, { source: 'nul\u0000byte' }))).to.not.throw();
      expect(() =>
        w.appendBookUpdate({ tokenId: 't', kind: 'delta', payload: {}, venueTimestamp: 'not a time' }),
      ).to.not.throw();
      expect(w.pending).to.equal(0);
      return metrics
        .value('polybot_tape_rows_dropped_total', { reason: 'invalid' })
        .then((n) => expect(n).to.equal(3));
    });

    it('close() writes what is left and refuses later appends', async () => {
      const w = writer(60_000, 1_000);
      const tokenId = uid('tok');
      for (let i = 0; i < 3; i++) w.appendTrade(trade(tokenId, i));
      const [first, second] = [w.close(), w.close()];
      expect(second).to.equal(first);
      await second;
      expect(await stored(tokenId)).to.equal(3);
      w.appendTrade(trade(tokenId, 9));
      expect(w.pending).to.equal(0);
      expect(await metrics.value('polybot_tape_rows_dropped_total', { reason: 'closed' })).to.equal(1);
    });

    it('close() with the database down gives up cleanly and counts the loss', async () => {
      const w = writer(60_000, 1_000);
      await t.database.db.none('ALTER TABLE trades RENAME TO trades_offline');
      for (let i = 0; i < 4; i++) w.appendTrade(trade(uid('tok'), i));
      await w.close();
      expect(w.pending).to.equal(0);
      expect(await metrics.value('polybot_tape_rows_dropped_total', { reason: 'shutdown' })).to.equal(4);
    });

    it('retries on its own after a failed timed flush, once the backoff has passed', async () => {
      const w = writer(5, 1_000);
      const tokenId = uid('tok');
      await t.database.db.none('ALTER TABLE trades RENAME TO trades_offline');
      w.appendTrade(trade(tokenId, 0));
      await waitUntil(
        async () => (await metrics.value('polybot_tape_flush_failures_total')) >= 1,
        'a failed timed flush',
      );
      const callsAfterFailure = repo.calls.length;
      // Ticks keep coming every 5 ms, but the next attempt waits for the backoff (10 ms, then 20 ms ...).
      await t.database.db.none('ALTER TABLE trades_offline RENAME TO trades');
      await waitUntil(async () => (await stored(tokenId)) === 1, 'the retry after backoff');
      expect(repo.calls.length).to.be.greaterThan(callsAfterFailure);
    });
  });
}

import { expect } from 'chai';
import { createTestDatabase, testBackends, type TestDatabase } from '../testing/index.js';
import { uid } from '../testing/spec-helpers.js';
import { TapeRepository } from './tape-repository.js';

for (const backend of testBackends()) {
  describe(`TapeRepository on ${backend}`, function () {
    // A cold machine builds the PGlite template (initdb) once: seconds, more on a loaded VM.
    this.timeout(120_000);
    let t: TestDatabase;
    let tape: TapeRepository;
    before(async () => {
      t = await createTestDatabase({ backend });
      tape = new TapeRepository(t.database);
    });
    after(async () => {
      await t?.dispose();
    });

    it('stores trades exactly, size optional (G3), and reads them newest first', async () => {
      const tokenId = uid('tok');
      const written = await tape.insertTrades([
        {
          tokenId,
          conditionId: '0xc',
          price: '0.955',
          size: '120.5',
          side: 'BUY',
          tradedAt: '2026-01-15T12:00:00Z',
          source: 'websocket',
        },
        {
          tokenId,
          price: 0.96,
          size: null,
          tradedAt: '2026-01-15 12:00:01',
          source: 'websocket',
          venueTradeId: 'tx1',
        },
        {
          tokenId,
          price: '0.97',
          tradedAt: Date.UTC(2026, 0, 15, 12, 0, 2),
          source: 'rest',
          receivedAt: '2026-01-15T12:00:03Z',
        },
      ]);
      expect(written).to.equal(3);
      const recent = await tape.recentTrades({ tokenId });
      expect(recent.map((r) => r.price)).to.deep.equal(['0.97', '0.96', '0.955']);
      const [last, middle, first] = recent;
      expect(first).to.include({
        tokenId,
        conditionId: '0xc',
        size: '120.5',
        side: 'BUY',
        source: 'websocket',
      });
      expect(middle).to.include({ size: null, side: null, conditionId: null, venueTradeId: 'tx1' });
      expect(middle?.tradedAt.toISOString()).to.equal('2026-01-15T12:00:01.000Z');
      expect(last?.receivedAt.toISOString()).to.equal('2026-01-15T12:00:03.000Z');
      expect(first?.receivedAt).to.be.instanceOf(Date);
      expect(first?.id).to.be.a('number');
    });

    it('filters by token, condition and time; replays oldest first', async () => {
      const tokenId = uid('tok');
      const conditionId = uid('cond');
      await tape.insertTrades(
        Array.from({ length: 5 }, (_, i) => ({
          tokenId,
          conditionId,
          price: '0.5',
          tradedAt: Date.UTC(2026, 0, 1, 0, i),
          source: 'replay',
        })),
      );
      const since = await tape.recentTrades({ conditionId, since: Date.UTC(2026, 0, 1, 0, 3), limit: 10 });
      expect(since).to.have.length(2);
      const window = await tape.tradesForReplay({
        tokenId,
        since: Date.UTC(2026, 0, 1, 0, 1),
        until: Date.UTC(2026, 0, 1, 0, 4),
      });
      expect(window.map((r) => r.tradedAt.getUTCMinutes())).to.deep.equal([1, 2, 3]);
      expect(await tape.recentTrades({ tokenId, limit: 2 })).to.have.length(2);
    });

    it('stores book updates with their payload for replay', async () => {
      const tokenId = uid('tok');
      const snapshot = { bids: [['0.94', '100']], asks: [['0.96', '50']] };
      expect(
        await tape.insertBookUpdates([
          {
            tokenId,
            conditionId: '0xc',
            kind: 'snapshot',
            payload: snapshot,
            venueTimestamp: 1768478400000,
            hash: 'h1',
            receivedAt: Date.UTC(2026, 0, 15, 12),
          },
          {
            tokenId,
            kind: 'delta',
            payload: { changes: [{ price: '0.95', size: '10', side: 'BUY' }] },
            receivedAt: Date.UTC(2026, 0, 15, 12, 0, 1),
          },
          { tokenId, kind: 'tick_size_change', payload: null },
        ]),
      ).to.equal(3);
      const rows = await tape.bookUpdatesForReplay({ tokenId });
      expect(rows.map((r) => r.kind)).to.deep.equal(['snapshot', 'delta', 'tick_size_change']);
      expect(rows[0]?.payload).to.deep.equal(snapshot);
      expect(rows[0]).to.include({ conditionId: '0xc', hash: 'h1' });
      expect(rows[0]?.venueTimestamp?.getTime()).to.equal(1768478400000);
      expect(rows[1]?.venueTimestamp).to.equal(null);
      expect(rows[2]?.payload).to.equal(null);
      expect(
        await tape.bookUpdatesForReplay({
          tokenId,
          since: Date.UTC(2026, 0, 15, 12, 0, 1),
          until: Date.UTC(2026, 0, 15, 12, 0, 2),
        }),
      ).to.have.length(1);
    });

    it('stores awkward text exactly: quotes, backslashes, unicode, injection attempts', async () => {
      const nasty = [`it's`, 'back\\slash\\n', 'ünïcødé ✓', "'); DROP TABLE trades; --", '$1 $$ :name'];
      for (const text of nasty) {
        const tokenId = `${uid('tok')}${text}`;
        await tape.insertTrades([
          { tokenId, price: '0.5', tradedAt: Date.now(), source: text, venueTradeId: text },
        ]);
        await tape.insertBookUpdates([{ tokenId, kind: 'delta', payload: { note: text }, hash: text }]);
        const [trade] = await tape.recentTrades({ tokenId });
        expect(trade).to.include({ tokenId, source: text, venueTradeId: text });
        const [book] = await tape.bookUpdatesForReplay({ tokenId });
        expect(book).to.include({ hash: text });
        expect(book?.payload).to.deep.equal({ note: text });
      }
    });

    it('writes nothing for empty input', async () => {
      expect(await tape.insertTrades([])).to.equal(0);
      expect(await tape.insertBookUpdates([])).to.equal(0);
    });

    it('inserts 10k trades as multi-row statements', async function () {
      const tokenId = uid('bulk');
      const trades = Array.from({ length: 10_000 }, (_, i) => ({
        tokenId,
        price: '0.95',
        size: String(i),
        tradedAt: Date.UTC(2026, 0, 1) + i,
        source: 'websocket',
      }));
      const started = performance.now();
      expect(await tape.insertTrades(trades)).to.equal(10_000);
      this.test!.title += ` [${(performance.now() - started).toFixed(0)} ms]`;
      const count = await t.database.db.one<{ n: number }>(
        'SELECT count(*) AS n FROM trades WHERE token_id = $1',
        [tokenId],
      );
      expect(count.n).to.equal(10_000);
    });
  });
}

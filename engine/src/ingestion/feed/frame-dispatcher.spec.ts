import { expect } from 'chai';
import { ManualClock } from '../../util/clock.js';
import { TypedEmitter } from '../emitter.js';
import { testDeps } from '../testing/context.js';
import { bookEvent, lastTradeEvent, priceChangeEvent } from '../testing/fixtures.js';
import { MemoryTapeSink } from '../testing/memory-sinks.js';
import { BookStore } from './book-store.js';
import { FrameDispatcher, type MarketDataEvents } from './frame-dispatcher.js';

describe('FrameDispatcher', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));

  function setup(options: { accepts?: (id: string) => boolean } = {}) {
    const deps = testDeps({}, clock);
    const books = new BookStore();
    const listenerErrors: unknown[] = [];
    const emitter = new TypedEmitter<MarketDataEvents>((_event, error) => listenerErrors.push(error));
    const tape = new MemoryTapeSink();
    const resyncs: Array<[string, string]> = [];
    const dispatcher = new FrameDispatcher(books, emitter, tape, deps.logger, deps.metrics, {
      maxTradeAgeMs: 300_000,
      now: () => clock.now(),
      requestResync: (id, reason) => resyncs.push([id, reason]),
      ...options,
    });
    return { deps, books, emitter, tape, resyncs, dispatcher, listenerErrors };
  }

  it('keeps the book, emits typed events and tapes snapshots, deltas and trades', () => {
    const { books, emitter, tape, dispatcher } = setup();
    const seen: string[] = [];
    emitter.on('book', (e) => seen.push(`book:${e.tokenId}`));
    emitter.on('priceChange', (e) => seen.push(`change:${e.changes.length}`));
    emitter.on('trade', (e) => seen.push(`trade:${e.priceText}x${e.sizeText}`));
    const now = String(clock.now());
    dispatcher.handleFrame(
      JSON.stringify([
        bookEvent('1', [{ price: '0.5', size: '10' }], [{ price: '0.6', size: '5' }], { timestamp: now }),
      ]),
      clock.now(),
    );
    dispatcher.handleFrame(
      JSON.stringify(
        priceChangeEvent([{ asset_id: '1', price: '0.55', size: '3', side: 'BUY' }], { timestamp: now }),
      ),
      clock.now(),
    );
    dispatcher.handleFrame(JSON.stringify(lastTradeEvent('1', { timestamp: now })), clock.now());
    expect(seen).to.deep.equal(['book:1', 'change:1', 'trade:0.456x219.217767']);
    expect(books.bestBid('1')?.price).to.equal(0.55);
    expect(tape.books.map((b) => b.kind)).to.deep.equal(['snapshot', 'delta']);
    expect(tape.books[1]).to.deep.include({
      payload: { price: '0.55', size: '3', side: 'BUY' },
      hash: 'abc',
    });
    expect(tape.trades[0]).to.include({
      tokenId: '1',
      price: '0.456',
      size: '219.217767',
      source: 'ws',
      venueTradeId: '0xeee',
      tradedAt: clock.now(),
    });
    // Snapshot levels reach JSON (the writer's serialization) as compact text pairs, best first.
    expect(JSON.parse(JSON.stringify(tape.books[0]?.payload))).to.deep.equal({
      source: 'ws',
      tickSize: '0.01',
      bids: [['0.5', '10']],
      asks: [['0.6', '5']],
    });
  });

  it('never hands out a trade older than the limit (G1)', async () => {
    const { emitter, tape, dispatcher, deps } = setup();
    const trades: string[] = [];
    emitter.on('trade', (e) => trades.push(e.tokenId));
    const twoMonthsAgo = clock.now() - 60 * 24 * 3600 * 1000;
    dispatcher.handleFrame(
      JSON.stringify(lastTradeEvent('old', { timestamp: String(twoMonthsAgo), price: '0.95' })),
      clock.now(),
    );
    dispatcher.handleFrame(
      JSON.stringify(lastTradeEvent('edge', { timestamp: String(clock.now() - 300_001) })),
      clock.now(),
    );
    dispatcher.handleFrame(
      JSON.stringify(lastTradeEvent('fresh', { timestamp: String(clock.now() - 300_000) })),
      clock.now(),
    );
    expect(trades).to.deep.equal(['fresh']);
    expect(tape.trades.map((t) => t.tokenId)).to.deep.equal(['fresh']);
    expect(await deps.metrics.value('polybot_ingestion_stale_trades_total', { source: 'ws' })).to.equal(2);
  });

  it('on tick_size_change marks the book unsynced, records the tick and asks for a resync', () => {
    const { books, dispatcher, resyncs, tape } = setup();
    dispatcher.handleFrame(JSON.stringify(bookEvent('1', [{ price: '0.5', size: '1' }], [])), clock.now());
    dispatcher.handleFrame(
      JSON.stringify({
        event_type: 'tick_size_change',
        asset_id: '1',
        market: '0x1',
        old_tick_size: '0.01',
        new_tick_size: '0.001',
        timestamp: '5',
      }),
      clock.now(),
    );
    expect(books.isSynced('1')).to.equal(false);
    expect(books.state('1')?.tickSize).to.equal('0.001');
    expect(resyncs).to.deep.equal([['1', 'tick_size_change']]);
    expect(tape.books.at(-1)).to.deep.include({
      kind: 'tick_size_change',
      payload: { oldTickSize: '0.01', newTickSize: '0.001' },
    });
  });

  it('ignores events for tokens it does not carry', () => {
    const { books, dispatcher, tape } = setup({ accepts: (id) => id === 'mine' });
    dispatcher.handleFrame(
      JSON.stringify([bookEvent('other', [], []), bookEvent('mine', [], [])]),
      clock.now(),
    );
    dispatcher.handleFrame(
      JSON.stringify(lastTradeEvent('other', { timestamp: String(clock.now()) })),
      clock.now(),
    );
    dispatcher.handleFrame(
      JSON.stringify({
        event_type: 'tick_size_change',
        asset_id: 'other',
        market: '0x1',
        old_tick_size: '0.01',
        new_tick_size: '0.001',
        timestamp: '5',
      }),
      clock.now(),
    );
    dispatcher.handleFrame(
      JSON.stringify(priceChangeEvent([{ asset_id: 'other', price: '0.5', size: '1', side: 'BUY' }])),
      clock.now(),
    );
    expect(books.has('other')).to.equal(false);
    expect(books.has('mine')).to.equal(true);
    expect(tape.trades).to.have.length(0);
    expect(tape.books).to.have.length(1);
  });

  it('survives malformed frames, counting them by reason', async () => {
    const { dispatcher, deps, emitter } = setup();
    let trades = 0;
    emitter.on('trade', () => trades++);
    for (const frame of [
      'not json',
      '{"event_type":"book"}',
      '"x"',
      '{"event_type":"nope"}',
      JSON.stringify({ event_type: 'best_bid_ask' }),
    ]) {
      dispatcher.handleFrame(frame, clock.now());
    }
    dispatcher.handleFrame(
      JSON.stringify(lastTradeEvent('1', { timestamp: String(clock.now()) })),
      clock.now(),
    );
    expect(trades).to.equal(1);
    expect(await deps.metrics.value('polybot_ws_frames_dropped_total', { reason: 'invalid_json' })).to.equal(
      1,
    );
    expect(await deps.metrics.value('polybot_ws_frames_dropped_total', { reason: 'bad_book' })).to.equal(1);
    expect(await deps.metrics.value('polybot_ws_frames_dropped_total', { reason: 'not_object' })).to.equal(1);
    expect(
      await deps.metrics.value('polybot_ws_frames_dropped_total', { reason: 'unknown_event_type' }),
    ).to.equal(1);
    expect(
      await deps.metrics.value('polybot_ws_events_ignored_total', { event_type: 'best_bid_ask' }),
    ).to.equal(1);
    expect(await deps.metrics.value('polybot_ws_frames_total')).to.equal(6);
  });

  it('keeps going when a listener throws or the tape fails', async () => {
    const { dispatcher, emitter, tape, listenerErrors, deps, books } = setup();
    emitter.on('book', () => {
      throw new Error('listener bug');
    });
    let after = 0;
    emitter.on('book', () => after++);
    tape.fail = 'throw';
    dispatcher.handleFrame(JSON.stringify(bookEvent('1', [], [])), clock.now());
    tape.fail = 'reject';
    dispatcher.handleFrame(JSON.stringify(bookEvent('2', [], [])), clock.now());
    dispatcher.handleFrame(
      JSON.stringify(lastTradeEvent('2', { timestamp: String(clock.now()) })),
      clock.now(),
    );
    tape.fail = 'throw';
    dispatcher.handleFrame(
      JSON.stringify(lastTradeEvent('2', { timestamp: String(clock.now()) })),
      clock.now(),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(after).to.equal(2);
    expect(listenerErrors).to.have.length(2);
    expect(books.has('2')).to.equal(true);
    expect(await deps.metrics.value('polybot_tape_append_errors_total')).to.equal(4);
  });

  it('contains an internal failure instead of throwing into the socket handler', async () => {
    const { dispatcher, books, deps } = setup();
    books.applyChange = () => {
      throw new Error('a bug in the book store');
    };
    expect(() =>
      dispatcher.handleFrame(
        JSON.stringify(priceChangeEvent([{ asset_id: '1', price: '0.5', size: '1', side: 'BUY' }])),
        clock.now(),
      ),
    ).to.not.throw();
    expect(await deps.metrics.value('polybot_ingestion_frame_errors_total')).to.equal(1);
  });

  it('dispatches market_resolved', () => {
    const { dispatcher, emitter } = setup();
    const resolved: string[] = [];
    emitter.on('marketResolved', (e) => resolved.push(e.conditionId));
    dispatcher.handleFrame(
      JSON.stringify({
        event_type: 'market_resolved',
        market: '0xabc',
        assets_ids: ['1', '2'],
        timestamp: '1',
      }),
      clock.now(),
    );
    expect(resolved).to.deep.equal(['0xabc']);
  });
});

import { expect } from 'chai';
import type { BookSnapshotEvent, LevelChange, PriceLevel } from '../types.js';
import { BookStore } from './book-store.js';

const lvl = (price: number, size: number): PriceLevel => ({
  price,
  size,
  priceText: String(price),
  sizeText: String(size),
});

function snapshot(overrides: Partial<BookSnapshotEvent> = {}): BookSnapshotEvent {
  return {
    type: 'book',
    tokenId: 't1',
    conditionId: '0xc1',
    bids: [lvl(0.5, 10), lvl(0.48, 30)],
    asks: [lvl(0.52, 25), lvl(0.54, 10)],
    timestamp: 1000,
    hash: 'h',
    tickSize: '0.01',
    minOrderSize: null,
    negRisk: null,
    lastTradePrice: null,
    receivedAt: 5000,
    source: 'ws',
    ...overrides,
  };
}

function change(side: 'BUY' | 'SELL', price: number, size: number, tokenId = 't1'): LevelChange {
  return {
    tokenId,
    side,
    price,
    priceText: String(price),
    size,
    sizeText: String(size),
    bestBid: null,
    bestAsk: null,
    hash: null,
  };
}

describe('BookStore', () => {
  it('keeps a snapshot best first and exposes best bid/ask, top levels and the SDK view', () => {
    const books = new BookStore();
    expect(books.applySnapshot(snapshot())).to.equal(true);
    expect(books.isSynced('t1')).to.equal(true);
    expect(books.bestBid('t1')?.price).to.equal(0.5);
    expect(books.bestAsk('t1')?.price).to.equal(0.52);
    expect(books.top('t1', 1)).to.deep.equal({ bids: [lvl(0.5, 10)], asks: [lvl(0.52, 25)] });
    expect(books.view('t1', 1)).to.deep.equal({
      bestBid: 0.5,
      bestAsk: 0.52,
      bids: [{ price: 0.5, size: 10 }],
      asks: [{ price: 0.52, size: 25 }],
      timestamp: 5000,
    });
    expect(books.state('t1')).to.include({
      conditionId: '0xc1',
      tickSize: '0.01',
      bidLevels: 2,
      askLevels: 2,
      updatedAt: 5000,
    });
    expect(books.top('nope', 3)).to.equal(null);
    expect(books.state('nope')).to.equal(null);
    expect(books.view('nope')).to.equal(null);
    expect(books.bestBid('nope')).to.equal(null);
  });

  it('applies level changes: insert, replace, remove, on both sides', () => {
    const books = new BookStore();
    books.applySnapshot(snapshot());
    books.applyChange(change('BUY', 0.51, 7), '0xc1', 1001, 5001);
    books.applyChange(change('BUY', 0.48, 0), '0xc1', 1002, 5002);
    books.applyChange(change('BUY', 0.49, 3), '0xc1', 1002, 5002);
    books.applyChange(change('SELL', 0.52, 0), '0xc1', 1003, 5003);
    books.applyChange(change('SELL', 0.53, 4), '0xc1', 1003, 5003);
    books.applyChange(change('SELL', 0.54, 11), '0xc1', 1003, 5003);
    books.applyChange(change('SELL', 0.6, 0), '0xc1', 1003, 5003);
    const top = books.top('t1', 10);
    expect(top?.bids.map((l) => [l.price, l.size])).to.deep.equal([
      [0.51, 7],
      [0.5, 10],
      [0.49, 3],
    ]);
    expect(top?.asks.map((l) => [l.price, l.size])).to.deep.equal([
      [0.53, 4],
      [0.54, 11],
    ]);
    expect(books.state('t1')).to.include({ timestamp: 1003, updatedAt: 5003 });
  });

  it('does not let deltas mutate the snapshot event that listeners received', () => {
    const books = new BookStore();
    const event = snapshot();
    books.applySnapshot(event);
    books.applyChange(change('BUY', 0.5, 0), '0xc1', 1001, 5001);
    expect(event.bids).to.have.length(2);
  });

  it('buffers deltas while unsynced and replays those at or after the snapshot time', () => {
    const books = new BookStore();
    books.applySnapshot(snapshot());
    books.markUnsynced('t1');
    expect(books.isSynced('t1')).to.equal(false);
    expect(books.view('t1')).to.equal(null);
    expect(books.unsyncedTokens()).to.deep.equal(['t1']);
    expect(books.applyChange(change('BUY', 0.45, 1), '0xc1', 1500, 6000)).to.equal(false);
    expect(books.applyChange(change('BUY', 0.46, 2), '0xc1', 2000, 6001)).to.equal(false);
    expect(books.applyChange(change('SELL', 0.7, 9), '0xc1', 2500, 6002)).to.equal(false);
    books.applySnapshot(snapshot({ timestamp: 2000, bids: [lvl(0.4, 1)], asks: [], receivedAt: 7000 }));
    expect(books.top('t1', 5)?.bids.map((l) => l.price)).to.deep.equal([0.46, 0.4]);
    expect(books.top('t1', 5)?.asks.map((l) => l.price)).to.deep.equal([0.7]);
    expect(books.isSynced('t1')).to.equal(true);
  });

  it('creates an unsynced book for deltas that arrive before any snapshot', () => {
    const books = new BookStore();
    books.applyChange(change('BUY', 0.3, 1, 't2'), '0xc2', 10, 20);
    expect(books.has('t2')).to.equal(true);
    expect(books.isSynced('t2')).to.equal(false);
    books.applySnapshot(snapshot({ tokenId: 't2', conditionId: '', timestamp: 5, bids: [], asks: [] }));
    expect(books.bestBid('t2')?.price).to.equal(0.3);
    expect(books.state('t2')?.conditionId).to.equal('0xc2');
  });

  it('ignores a REST snapshot older than a synced book, but accepts it for an unsynced one', () => {
    const books = new BookStore();
    books.applySnapshot(snapshot({ timestamp: 3000 }));
    expect(books.applySnapshot(snapshot({ timestamp: 2000, source: 'rest', bids: [] }))).to.equal(false);
    expect(books.bestBid('t1')?.price).to.equal(0.5);
    books.markUnsynced('t1');
    expect(books.applySnapshot(snapshot({ timestamp: 2000, source: 'rest', bids: [] }))).to.equal(true);
    expect(books.bestBid('t1')).to.equal(null);
  });

  it('tracks tick size, removes books, and bounds the pending buffer', () => {
    const books = new BookStore();
    books.applySnapshot(snapshot());
    books.setTickSize('t1', '0.001');
    books.setTickSize('nope', '0.001');
    expect(books.state('t1')?.tickSize).to.equal('0.001');
    books.markUnsynced('t1');
    books.markUnsynced('nope');
    for (let i = 0; i < 2_100; i++)
      books.applyChange(change('BUY', 0.01 + (i % 40) / 100, i + 1), '0xc1', 10_000 + i, 1);
    books.applySnapshot(snapshot({ timestamp: 0, bids: [], asks: [] }));
    expect(books.bestBid('t1')).to.not.equal(null);
    books.remove('t1');
    expect(books.size).to.equal(0);
  });
});

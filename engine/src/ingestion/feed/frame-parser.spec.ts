import { expect } from 'chai';
import { bookEvent, conditionIdFor, lastTradeEvent, priceChangeEvent } from '../testing/fixtures.js';
import type { FeedEvent } from '../types.js';
import { wsEventValidators, type WsEventType } from '../validation/ws-schemas.js';
import { parseFrame, type DropReason, type FrameHandler, type IgnoredEventType } from './frame-parser.js';

class Collector implements FrameHandler {
  events: FeedEvent[] = [];
  drops: Array<{ reason: DropReason; detail: string }> = [];
  ignored: IgnoredEventType[] = [];
  onEvent(event: FeedEvent): void {
    this.events.push(event);
  }
  onDrop(reason: DropReason, detail: string): void {
    this.drops.push({ reason, detail });
  }
  onIgnored(type: IgnoredEventType): void {
    this.ignored.push(type);
  }
}

function parse(frame: unknown): Collector {
  const collector = new Collector();
  parseFrame(typeof frame === 'string' ? frame : JSON.stringify(frame), 1234, collector);
  return collector;
}

describe('parseFrame', () => {
  it('reads a book snapshot (array framing), best first, with decimal text and numbers', () => {
    const frame = [
      bookEvent(
        '111',
        [
          { price: '0.48', size: '30' },
          { price: '0.50', size: '15' },
        ],
        [
          { price: '0.54', size: '10' },
          { price: '0.52', size: '25' },
        ],
        { timestamp: '1757908892351', hash: '0xabc', last_trade_price: '0.50', tick_size: '0.01' },
      ),
    ];
    const { events, drops } = parse(frame);
    expect(drops).to.deep.equal([]);
    expect(events).to.have.length(1);
    const book = events[0];
    if (book?.type !== 'book') throw new Error('expected a book');
    expect(book.bids.map((l) => l.priceText)).to.deep.equal(['0.50', '0.48']);
    expect(book.asks.map((l) => l.price)).to.deep.equal([0.52, 0.54]);
    expect(book).to.include({
      tokenId: '111',
      conditionId: conditionIdFor(1),
      timestamp: 1757908892351,
      hash: '0xabc',
      tickSize: '0.01',
      lastTradePrice: '0.50',
      receivedAt: 1234,
      source: 'ws',
    });
    const empty = parse(bookEvent('111', [], [], { last_trade_price: '', timestamp: 1757908892351 }));
    expect(empty.events[0]).to.include({ lastTradePrice: null, timestamp: 1757908892351 });
  });

  it('reads price_change in the current format, several assets per event', () => {
    const { events } = parse(
      priceChangeEvent(
        [
          { asset_id: '111', price: '0.5', size: '200', side: 'BUY' },
          { asset_id: '222', price: '0.5', size: '0', side: 'SELL' },
        ],
        { timestamp: '1757908892351' },
      ),
    );
    const event = events[0];
    if (event?.type !== 'price_change') throw new Error('expected a price_change');
    expect(event.format).to.equal('current');
    expect(event.changes).to.have.length(2);
    expect(event.changes[0]).to.deep.equal({
      tokenId: '111',
      side: 'BUY',
      price: 0.5,
      priceText: '0.5',
      size: 200,
      sizeText: '200',
      bestBid: null,
      bestAsk: null,
      hash: 'abc',
    });
    const withTop = parse({
      event_type: 'price_change',
      market: '0x5f',
      timestamp: '1',
      price_changes: [
        { asset_id: '7', price: '0.5', size: '1', side: 'BUY', best_bid: '0.5', best_ask: '1' },
      ],
    });
    expect(withTop.events[0]).to.have.nested.property('changes[0].bestAsk', 1);
  });

  it('reads the legacy price_change format', () => {
    const { events } = parse({
      event_type: 'price_change',
      asset_id: '333',
      market: '0xab',
      hash: 'h1',
      timestamp: '1729084877448',
      changes: [{ price: '0.4', side: 'SELL', size: '3300' }],
    });
    const event = events[0];
    if (event?.type !== 'price_change') throw new Error('expected a price_change');
    expect(event.format).to.equal('legacy');
    expect(event.changes[0]).to.include({ tokenId: '333', side: 'SELL', size: 3300, hash: 'h1' });
  });

  it('reads last_trade_price with size, side, fee and ms timestamp', () => {
    const { events } = parse(lastTradeEvent('444', { timestamp: '1750428146322' }));
    expect(events[0]).to.deep.include({
      type: 'last_trade_price',
      tokenId: '444',
      price: 0.456,
      priceText: '0.456',
      size: 219.217767,
      sizeText: '219.217767',
      side: 'BUY',
      timestamp: 1750428146322,
      feeRateBps: '0',
      transactionHash: '0xeee',
    });
    const bare = parse(
      lastTradeEvent('444', {
        size: undefined,
        side: undefined,
        fee_rate_bps: '',
        transaction_hash: undefined,
      }),
    );
    expect(bare.events[0]).to.include({
      size: null,
      sizeText: null,
      side: null,
      feeRateBps: null,
      transactionHash: null,
    });
  });

  it('reads tick_size_change and market_resolved; counts custom events it does not use', () => {
    const { events, ignored } = parse([
      {
        event_type: 'tick_size_change',
        asset_id: '5',
        market: '0x1',
        old_tick_size: '0.01',
        new_tick_size: '0.001',
        timestamp: '1',
      },
      {
        event_type: 'market_resolved',
        id: '1031769',
        market: '0x311d',
        assets_ids: ['76', '31'],
        winning_asset_id: '76',
        winning_outcome: 'Yes',
        timestamp: '1766790415550',
      },
      {
        event_type: 'best_bid_ask',
        market: '0x1',
        asset_id: '5',
        best_bid: '0.73',
        best_ask: '0.77',
        timestamp: '1',
      },
      { event_type: 'new_market', id: '1', question: 'q' },
    ]);
    expect(events[0]).to.include({ type: 'tick_size_change', oldTickSize: '0.01', newTickSize: '0.001' });
    expect(events[1]).to.deep.include({
      type: 'market_resolved',
      tokenIds: ['76', '31'],
      winningTokenId: '76',
    });
    expect(ignored).to.deep.equal(['best_bid_ask', 'new_market']);
  });

  it('accepts the empty array the venue sends for unknown assets', () => {
    const result = parse('[]');
    expect(result.events).to.deep.equal([]);
    expect(result.drops).to.deep.equal([]);
  });

  it('drops malformed frames and events with a reason, keeping the good events of a batch', () => {
    const cases: Array<[unknown, DropReason]> = [
      ['{"event_type":"book",', 'invalid_json'],
      ['PONG', 'invalid_json'],
      ['42', 'not_object'],
      [[null], 'not_object'],
      [{ asset_id: '1' }, 'missing_event_type'],
      [{ event_type: 'mystery' }, 'unknown_event_type'],
      [bookEvent('', [], []), 'bad_book'],
      [bookEvent('1', [], [], { market: 5 }), 'bad_book'],
      [bookEvent('1', [], [], { timestamp: 'yesterday' }), 'bad_book'],
      [bookEvent('1', [{ price: '0.5', size: 'lots' }], []), 'bad_book'],
      [bookEvent('1', [], 'none' as never), 'bad_book'],
      [bookEvent('1', [], [], { tick_size: 0.01 }), 'bad_book'],
      [bookEvent('1', [], [], { last_trade_price: 'x' }), 'bad_book'],
      [priceChangeEvent([{ asset_id: '1', price: '2', size: '1', side: 'BUY' }]), 'bad_price_change'],
      [
        priceChangeEvent([{ asset_id: '1', price: '0.5', size: '1', side: 'HOLD' as 'BUY' }]),
        'bad_price_change',
      ],
      [priceChangeEvent([{ asset_id: '', price: '0.5', size: '1', side: 'BUY' }]), 'bad_price_change'],
      [priceChangeEvent([], { price_changes: 'x' }), 'bad_price_change'],
      [priceChangeEvent([], { price_changes: [7] }), 'bad_price_change'],
      [priceChangeEvent([], { price_changes: undefined }), 'bad_price_change'],
      [priceChangeEvent([], { market: undefined }), 'bad_price_change'],
      [priceChangeEvent([], { timestamp: -5 }), 'bad_price_change'],
      [
        { event_type: 'price_change', market: '0x', timestamp: '1', asset_id: '1', changes: [null] },
        'bad_price_change',
      ],
      [lastTradeEvent('1', { price: 0.5 }), 'bad_last_trade'],
      [lastTradeEvent('1', { size: '-1' }), 'bad_last_trade'],
      [lastTradeEvent('1', { side: 'buy' }), 'bad_last_trade'],
      [lastTradeEvent('1', { timestamp: undefined }), 'bad_last_trade'],
      [lastTradeEvent('1', { market: undefined }), 'bad_last_trade'],
      [lastTradeEvent('', {}), 'bad_last_trade'],
      [lastTradeEvent('1', { price: '1.01' }), 'bad_last_trade'],
      [
        {
          event_type: 'tick_size_change',
          asset_id: '5',
          market: '0x1',
          old_tick_size: '0.01',
          new_tick_size: '0',
          timestamp: '1',
        },
        'bad_tick_size_change',
      ],
      [
        {
          event_type: 'tick_size_change',
          asset_id: '5',
          market: '0x1',
          new_tick_size: '0.001',
          timestamp: '1',
        },
        'bad_tick_size_change',
      ],
      [
        {
          event_type: 'tick_size_change',
          asset_id: '5',
          old_tick_size: '0.01',
          new_tick_size: '0.001',
          timestamp: '1',
        },
        'bad_tick_size_change',
      ],
      [
        {
          event_type: 'tick_size_change',
          market: '0x1',
          old_tick_size: '0.01',
          new_tick_size: '0.001',
          timestamp: '1',
        },
        'bad_tick_size_change',
      ],
      [
        {
          event_type: 'tick_size_change',
          asset_id: '5',
          market: '0x1',
          old_tick_size: '0.01',
          new_tick_size: '0.001',
        },
        'bad_tick_size_change',
      ],
      [{ event_type: 'market_resolved', market: '', assets_ids: [], timestamp: '1' }, 'bad_market_resolved'],
      [
        { event_type: 'market_resolved', market: '0x1', assets_ids: [1], timestamp: '1' },
        'bad_market_resolved',
      ],
      [
        { event_type: 'market_resolved', market: '0x1', assets_ids: ['1'], timestamp: 'x' },
        'bad_market_resolved',
      ],
    ];
    for (const [frame, reason] of cases) {
      const result = parse(frame);
      expect(result.events, JSON.stringify(frame)).to.deep.equal([]);
      expect(
        result.drops.map((d) => d.reason),
        JSON.stringify(frame),
      ).to.deep.equal([reason]);
      expect(result.drops[0]?.detail).to.be.a('string').and.not.equal('');
    }
    const mixed = parse([lastTradeEvent('1'), { event_type: 'book' }, lastTradeEvent('2')]);
    expect(mixed.events.map((e) => (e as { tokenId: string }).tokenId)).to.deep.equal(['1', '2']);
    expect(mixed.drops.map((d) => d.reason)).to.deep.equal(['bad_book']);
  });

  it('agrees with the JSON Schemas of the same events', () => {
    const corpus: unknown[] = [
      bookEvent('1', [{ price: '0.5', size: '10' }], [{ price: '0.6', size: '3.5' }]),
      bookEvent('1', [], [], { tick_size: '' }),
      bookEvent('1', [{ price: '1.5', size: '10' }], []),
      bookEvent('1', [{ price: '0.5', size: '1e3' }], []),
      bookEvent('1', [], [], { timestamp: 12 }),
      bookEvent('1', [], [], { timestamp: '12a' }),
      bookEvent('', [], []),
      priceChangeEvent([{ asset_id: '1', price: '0.5', size: '0', side: 'SELL' }]),
      priceChangeEvent([{ asset_id: '1', price: '0.5', size: '0', side: 'SOLD' as 'SELL' }]),
      priceChangeEvent([{ asset_id: '1', price: '.5', size: '0', side: 'SELL' }]),
      {
        event_type: 'price_change',
        market: '0x',
        timestamp: '1',
        asset_id: '1',
        changes: [{ price: '0.4', side: 'BUY', size: '1' }],
      },
      {
        event_type: 'price_change',
        market: '0x',
        timestamp: '1',
        changes: [{ price: '0.4', side: 'BUY', size: '1' }],
      },
      lastTradeEvent('1'),
      lastTradeEvent('1', { size: undefined }),
      lastTradeEvent('1', { price: '1.0' }),
      lastTradeEvent('1', { price: '01.5' }),
      lastTradeEvent('1', { side: 'both' }),
      {
        event_type: 'tick_size_change',
        asset_id: '5',
        market: '0x1',
        old_tick_size: '0.01',
        new_tick_size: '0.005',
        timestamp: '1',
      },
      {
        event_type: 'tick_size_change',
        asset_id: '5',
        market: '0x1',
        old_tick_size: '0.01',
        new_tick_size: '0.000',
        timestamp: '1',
      },
      { event_type: 'market_resolved', market: '0x1', assets_ids: ['1', '2'], timestamp: 1 },
      { event_type: 'market_resolved', market: '0x1', assets_ids: ['1', ''], timestamp: 1 },
    ];
    for (const event of corpus) {
      const type = (event as { event_type: WsEventType }).event_type;
      const bySchema = wsEventValidators[type](event);
      const byParser = parse(event).events.length === 1;
      expect(byParser, `${JSON.stringify(event)}`).to.equal(bySchema);
    }
  });
});

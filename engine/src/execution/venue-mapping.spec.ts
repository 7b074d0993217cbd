import { expect } from 'chai';
import { VenueError } from '../errors.js';
import { VenueRejectedError, VenueUnavailableError } from './errors.js';
import { parsePlacement } from './live-exchange.js';
import {
  classifyFailure,
  mapOrderStatus,
  mapPlacementStatus,
  messageOf,
  retryAfterMs,
  venueCodeFor,
} from './venue-mapping.js';
import { parseVenueBook, parseVenueFills, parseVenueOrder, venueTimeToMs } from './venue-records.js';
import { scheduleFromBps, takerFeeFor } from './fees.js';
import { toMicros } from './fixed.js';

describe('execution: venue vocabulary', () => {
  it('maps order statuses in short, OpenAPI and lower-case forms', () => {
    expect(mapOrderStatus('LIVE')).to.equal('live');
    expect(mapOrderStatus('ORDER_STATUS_LIVE')).to.equal('live');
    expect(mapOrderStatus('matched')).to.equal('matched');
    expect(mapOrderStatus('ORDER_STATUS_MATCHED')).to.equal('matched');
    expect(mapOrderStatus('CANCELED')).to.equal('cancelled');
    expect(mapOrderStatus('ORDER_STATUS_CANCELED_MARKET_RESOLVED')).to.equal('cancelled');
    expect(mapOrderStatus('ORDER_STATUS_INVALID')).to.equal('invalid');
    expect(mapOrderStatus('ORDER_STATUS_DELAYED')).to.equal('delayed');
    expect(mapOrderStatus('delayed')).to.equal('delayed');
    expect(mapOrderStatus('unmatched')).to.equal('unmatched');
    expect(() => mapOrderStatus('WEIRD')).to.throw(VenueError, /unknown order status "WEIRD"/);
    expect(() => mapOrderStatus(42)).to.throw(VenueError);
  });

  it('accepts only matched/live/delayed/unmatched as a placement status', () => {
    for (const s of ['matched', 'live', 'delayed', 'unmatched']) expect(mapPlacementStatus(s)).to.equal(s);
    expect(() => mapPlacementStatus('CANCELED')).to.throw(/unexpected placement status/);
  });

  it('names venue codes from messages', () => {
    expect(venueCodeFor('not enough balance / allowance: the balance is not enough -> balance: 0')).to.equal(
      'INVALID_ORDER_NOT_ENOUGH_BALANCE',
    );
    expect(venueCodeFor('order 0x1 is invalid. Size (1.08) lower than the minimum: 5')).to.equal(
      'INVALID_ORDER_MIN_SIZE',
    );
    expect(venueCodeFor('invalid signature')).to.equal('INVALID_SIGNATURE');
    expect(venueCodeFor('FOK_ORDER_NOT_FILLED_ERROR')).to.equal('FOK_ORDER_NOT_FILLED_ERROR');
    expect(venueCodeFor("order couldn't be fully filled. FOK orders are fully filled or killed.")).to.equal(
      'FOK_ORDER_NOT_FILLED_ERROR',
    );
    expect(
      venueCodeFor(
        'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.',
      ),
    ).to.equal('FAK_ORDER_NOT_FILLED_ERROR');
    expect(venueCodeFor('order 0xabc is invalid. Duplicated.')).to.equal('INVALID_ORDER_DUPLICATED');
    expect(
      venueCodeFor('order 0xabc is invalid. Price (0.957) breaks minimum tick size rule: 0.01'),
    ).to.equal('INVALID_ORDER_MIN_TICK_SIZE');
    expect(venueCodeFor('rejected: INVALID_ORDER_DUPLICATED (seen)')).to.equal('INVALID_ORDER_DUPLICATED');
    expect(venueCodeFor('order_version_mismatch')).to.equal('ORDER_VERSION_MISMATCH');
    expect(venueCodeFor('Unauthorized/Invalid api key')).to.equal('UNAUTHORIZED');
    expect(venueCodeFor('nope', 401)).to.equal('UNAUTHORIZED');
    expect(venueCodeFor('nope', 404)).to.equal('NOT_FOUND');
    expect(venueCodeFor('nope', 418)).to.equal('HTTP_418');
    expect(venueCodeFor('nope')).to.equal('VENUE_ERROR');
  });

  it('sorts failures into refused (never retried) and unavailable (retryable: no answer, 425, 429, 5xx)', () => {
    const refused = classifyFailure({ status: 400, body: { error: 'invalid signature' } });
    expect(refused).to.be.instanceOf(VenueRejectedError);
    expect((refused as VenueRejectedError).venueCode).to.equal('INVALID_SIGNATURE');
    for (const status of [undefined, 425, 429, 500, 503]) {
      expect(classifyFailure({ status, message: 'x' }), String(status)).to.be.instanceOf(
        VenueUnavailableError,
      );
    }
    const limited = classifyFailure({ status: 503, body: { error: 'cancel-only', retry_after_seconds: 3 } });
    expect((limited as VenueUnavailableError).retryAfterMs).to.equal(3000);
  });

  it('reads Retry-After as seconds or an HTTP date, and messages from any body shape', () => {
    expect(retryAfterMs('2')).to.equal(2000);
    expect(retryAfterMs(1.5)).to.equal(1500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).to.equal(6000);
    expect(retryAfterMs('soon')).to.equal(undefined);
    expect(retryAfterMs(undefined)).to.equal(undefined);
    expect(messageOf('plain')).to.equal('plain');
    expect(messageOf({ errorMsg: 'code' })).to.equal('code');
    expect(messageOf({ error: { message: 'deep' } })).to.equal('deep');
    expect(messageOf({ other: 1 })).to.equal('{"other":1}');
    expect(messageOf(7)).to.equal('7');
  });

  it('parses POST /order answers, refusing success:false with the venue code', () => {
    const ok = parsePlacement(
      {
        success: true,
        errorMsg: '',
        orderID: '0xabc',
        status: 'matched',
        takingAmount: '10',
        makingAmount: '5',
        tradeIDs: ['t1', ''],
      },
      '0xabc',
    );
    expect(ok).to.deep.include({
      orderId: '0xabc',
      status: 'matched',
      takingAmount: '10',
      makingAmount: '5',
    });
    expect(ok.tradeIds).to.deep.equal(['t1']);
    const live = parsePlacement({ success: true, status: 'live' }, '0xdef');
    expect(live).to.deep.include({ orderId: '0xdef', status: 'live', takingAmount: '', makingAmount: '' });
    expect(() => parsePlacement({ success: false, errorMsg: 'FOK_ORDER_NOT_FILLED_ERROR' }, '0x1'))
      .to.throw(VenueRejectedError)
      .with.property('venueCode', 'FOK_ORDER_NOT_FILLED_ERROR');
    expect(() => parsePlacement(null, '0x1')).to.throw(VenueError, /not an object/);
  });
});

describe('execution: venue records', () => {
  it('parses an order record (reference §5.5) and normalizes decimals', () => {
    const order = parseVenueOrder({
      id: '0xb816',
      status: 'ORDER_STATUS_LIVE',
      owner: 'k',
      maker_address: '0x1',
      market: '0xc',
      asset_id: '123',
      side: 'buy',
      original_size: '100.00',
      size_matched: '25',
      price: '0.650',
      associate_trades: ['t-1', 7],
      outcome: 'Yes',
      created_at: 1697875200,
      expiration: '0',
      order_type: 'GTC',
    });
    expect(order).to.deep.include({
      id: '0xb816',
      status: 'live',
      tokenId: '123',
      conditionId: '0xc',
      side: 'BUY',
      price: '0.65',
      originalSize: '100',
      sizeMatched: '25',
      createdAt: 1697875200000,
      orderType: 'GTC',
    });
    expect(order.tradeIds).to.deep.equal(['t-1']);
    expect(() => parseVenueOrder({ id: '0x1', status: 'LIVE', side: 'BUY' })).to.throw(/asset_id is missing/);
    expect(() =>
      parseVenueOrder({
        id: '0x1',
        status: 'LIVE',
        asset_id: '1',
        side: 'HOLD',
        price: '1',
        original_size: '1',
      }),
    ).to.throw(/side "HOLD"/);
    expect(() =>
      parseVenueOrder({
        id: '0x1',
        status: 'LIVE',
        asset_id: '1',
        side: 'BUY',
        price: 'x',
        original_size: '1',
      }),
    ).to.throw(/price "x" is not a decimal/);
    expect(() => parseVenueOrder([])).to.throw(/not an object/);
  });

  it('turns trades into OUR fills: the trade as taker, our maker_orders entries as maker', () => {
    const identity = { apiKey: 'our-key', makerAddress: '0xAbC' };
    const fills = parseVenueFills(
      [
        {
          id: 'trade-1',
          taker_order_id: '0xour',
          market: '0xc',
          asset_id: '5',
          side: 'BUY',
          size: '10',
          fee_rate_bps: '200',
          price: '0.6',
          status: 'TRADE_STATUS_CONFIRMED',
          match_time: '1700000000',
          trader_side: 'TAKER',
          maker_orders: [
            { order_id: '0xother', owner: 'x', maker_address: '0x9', matched_amount: '10', price: '0.6' },
          ],
        },
        {
          id: 'trade-2',
          taker_order_id: '0xtheirs',
          market: '0xc',
          asset_id: '5',
          side: 'SELL',
          size: '8',
          price: '0.55',
          status: 'MATCHED',
          match_time: '1700000100',
          trader_side: 'MAKER',
          maker_orders: [
            {
              order_id: '0xmine1',
              owner: 'our-key',
              maker_address: '0xabc',
              matched_amount: '5',
              price: '0.55',
            },
            {
              order_id: '0xmine2',
              owner: 'zzz',
              maker_address: '0xABC',
              matched_amount: '3',
              price: '0.56',
              side: 'BUY',
            },
            { order_id: '0xnot', owner: 'zzz', maker_address: '0xdef', matched_amount: '1', price: '0.55' },
          ],
        },
        { id: 'trade-3', status: 'FAILED', asset_id: '5', trader_side: 'TAKER' },
      ],
      identity,
    );
    expect(fills.map((f) => [f.tradeId, f.orderId, f.side, f.price, f.size, f.role, f.fee])).to.deep.equal([
      // 10 × 0.02 × (0.6 × 0.4)² = 0.011520 → floored to 5 decimals
      ['trade-1', '0xour', 'BUY', '0.6', '10', 'TAKER', '0.01152'],
      ['trade-2', '0xmine1', 'BUY', '0.55', '5', 'MAKER', '0'],
      ['trade-2', '0xmine2', 'BUY', '0.56', '3', 'MAKER', '0'],
    ]);
    expect(fills[0]?.matchedAt).to.equal(1_700_000_000_000);
  });

  it('prices the V2 taker fee exactly and floors it to 5 decimals', () => {
    expect(takerFeeFor(toMicros('10'), toMicros('0.6'), { rate: '0.02', exponent: 2 })).to.equal(11_520n);
    expect(takerFeeFor(toMicros('100'), toMicros('0.5'), { rate: '0.07', exponent: 1 })).to.equal(1_750_000n);
    expect(takerFeeFor(toMicros('3.33'), toMicros('0.37'), { rate: '0.02', exponent: 1 })).to.equal(15_520n);
    expect(takerFeeFor(toMicros('10'), toMicros('0.6'), null)).to.equal(0n);
    expect(takerFeeFor(toMicros('10'), toMicros('0.6'), { rate: 'x', exponent: 1 })).to.equal(0n);
    expect(takerFeeFor(toMicros('10'), toMicros('0.6'), { rate: '0', exponent: 1 })).to.equal(0n);
    expect(scheduleFromBps('200', 2)).to.deep.equal({ rate: '0.02', exponent: 2 });
    expect(scheduleFromBps('0', 2)).to.equal(null);
    expect(scheduleFromBps('', 2)).to.equal(null);
    expect(scheduleFromBps('abc', 2)).to.equal(null);
  });

  it('reads venue times in seconds or milliseconds', () => {
    expect(venueTimeToMs('1700000000')).to.equal(1_700_000_000_000);
    expect(venueTimeToMs(1_700_000_000_123)).to.equal(1_700_000_000_123);
    expect(venueTimeToMs('')).to.equal(null);
    expect(venueTimeToMs(undefined)).to.equal(null);
  });

  it('parses a book with the best level LAST into best-first levels (reference §4.1)', () => {
    const book = parseVenueBook(
      {
        market: '0xc',
        asset_id: '5',
        timestamp: '1790265943981',
        bids: [
          { price: '0.01', size: '3181.31' },
          { price: '0.68', size: '20' },
          { price: '0.69', size: '5' },
        ],
        asks: [
          { price: '0.99', size: '167' },
          { price: '0.8', size: '0' },
          { price: '0.75', size: '5' },
        ],
        min_order_size: '5',
        tick_size: '0.01',
        neg_risk: true,
      },
      '5',
    );
    expect(book.bids.map((l) => l.price)).to.deep.equal(['0.69', '0.68', '0.01']);
    expect(book.asks.map((l) => l.price)).to.deep.equal(['0.75', '0.99']);
    expect(book).to.deep.include({
      tickSize: '0.01',
      minOrderSize: '5',
      negRisk: true,
      timestamp: 1790265943981,
    });
    expect(() => parseVenueBook({ tick_size: '0.02', bids: [], asks: [] }, '5')).to.throw(
      /not a venue tick size/,
    );
    expect(() => parseVenueBook({ bids: 'x' }, '5')).to.throw(/levels are not a list/);
    const empty = parseVenueBook({ bids: null }, '5');
    expect(empty).to.deep.include({ tickSize: null, minOrderSize: null, negRisk: null });
  });
});

import { expect } from 'chai';
import type { SimMarket } from '../types.js';
import { MICRO } from '../util/decimal.js';
import type { SubmitInput } from './matching-engine.js';
import { SYSTEM_OWNER, type TradeRecord } from './records.js';
import { Venue } from './venue.js';

const ALICE = '0x00000000000000000000000000000000000000a1';
const BOB = '0x00000000000000000000000000000000000000b2';
const CAROL = '0x00000000000000000000000000000000000000c3';

function newVenue(now: { t: number }): Venue {
  return new Venue({
    seed: 1,
    startedAt: now.t,
    clock: () => now.t,
    startingBalance: 1_000n * MICRO,
    apiVersion: 2,
    chainId: 137,
    heartbeatTimeoutMs: 10_000,
    settlement: { minedMs: 5, confirmedMs: 10 },
    statusStyle: 'short',
    gtdThresholdSeconds: 60,
    gammaMaxLimit: 500,
    authMaxSkewSeconds: undefined,
    perConnectionAssetLimit: 500,
  });
}

function addMarket(venue: Venue, over: Partial<SimMarket> = {}): SimMarket {
  const index = venue.registry.size;
  const market: SimMarket = {
    index,
    id: String(900 + index),
    conditionId: `0x${String(index + 1).padStart(64, '0')}`,
    questionId: `0x${String(index + 1).padStart(64, 'f')}`,
    question: `Market ${index}?`,
    description: '',
    slug: `market-${index}`,
    category: 'Test',
    tags: [],
    outcomes: ['Yes', 'No'],
    tokenIds: [String(1000 + 2 * index), String(1001 + 2 * index)],
    eventId: '1',
    startDate: 0,
    endDate: 0,
    createdAt: 0,
    negRisk: false,
    negRiskMarketId: null,
    groupItemTitle: '',
    tickSize: '0.01',
    minOrderSize: 5,
    active: true,
    closed: false,
    archived: false,
    acceptingOrders: true,
    feeRate: 0,
    feeExponent: 2,
    secondsDelay: 0,
    basePrice: 0.5,
    liquidity: 'thin',
    volume: 0,
    volume24hr: 0,
    scripted: true,
    ...over,
  };
  venue.registry.addMarket(market);
  return market;
}

let seq = 0;
function order(
  market: SimMarket,
  who: string,
  side: 'BUY' | 'SELL',
  price: string,
  size: string,
  over: Partial<SubmitInput> = {},
): SubmitInput {
  const p = BigInt(Math.round(Number(price) * 1e6));
  const s = BigInt(Math.round(Number(size) * 1e6));
  const cost = (p * s) / MICRO;
  return {
    id: `0x${(++seq).toString(16).padStart(64, '0')}`,
    owner: `key-${who}`,
    makerAddress: who,
    signerAddress: who,
    system: false,
    market,
    outcomeIndex: 0,
    side,
    price: p,
    size: s,
    makerAmount: side === 'BUY' ? cost : s,
    takerAmount: side === 'BUY' ? s : cost,
    orderType: 'GTC',
    expiration: 0,
    amountBased: false,
    ...over,
  };
}

describe('matching engine', () => {
  const now = { t: Date.UTC(2026, 10, 1) };
  let venue: Venue;
  let market: SimMarket;

  beforeEach(() => {
    venue = newVenue(now);
    market = addMarket(venue);
    venue.ledger.setShares(ALICE, market.tokenIds[0], 1_000n * MICRO);
    venue.ledger.setShares(CAROL, market.tokenIds[0], 1_000n * MICRO);
  });

  afterEach(() => venue.stop());

  it('fills the best price first, then earlier orders first within a price (price-time priority)', () => {
    const late = venue.engine.submit(order(market, CAROL, 'SELL', '0.55', '10'));
    const early = venue.engine.submit(order(market, ALICE, 'SELL', '0.56', '10'));
    const first = venue.engine.submit(order(market, ALICE, 'SELL', '0.55', '10'));
    void early;
    // `late` arrived before `first` at 0.55, so it fills first.
    const exec = venue.engine.submit(order(market, BOB, 'BUY', '0.56', '15'));
    expect(exec.trades.map((t) => [t.maker.orderId, t.size, t.price])).to.deep.equal([
      [late.order.id, 10n * MICRO, 550_000n],
      [first.order.id, 5n * MICRO, 550_000n],
    ]);
    expect(late.order.status).to.equal('MATCHED');
    expect(first.order.status).to.equal('LIVE');
    expect(first.order.sizeMatched).to.equal(5n * MICRO);
    expect(exec.order.status).to.equal('MATCHED');
  });

  it('settles balances exactly and rests the remainder of a partially filled GTC with a reservation', () => {
    venue.engine.submit(order(market, ALICE, 'SELL', '0.40', '10'));
    const exec = venue.engine.submit(order(market, BOB, 'BUY', '0.45', '25'));
    expect(exec.shares).to.equal(10n * MICRO);
    expect(exec.collateral).to.equal(4n * MICRO);
    expect(exec.order.status).to.equal('LIVE');
    // 15 shares rest at 0.45: 6.75 reserved; the 4.00 paid is gone from the balance.
    expect(venue.ledger.collateral(BOB)).to.equal(996n * MICRO);
    expect(venue.ledger.availableCollateral(BOB)).to.equal(996n * MICRO - 6_750_000n);
    expect(venue.ledger.shares(BOB, market.tokenIds[0])).to.equal(10n * MICRO);
    expect(venue.ledger.collateral(ALICE)).to.equal(1_004n * MICRO);
    expect(venue.ledger.shares(ALICE, market.tokenIds[0])).to.equal(990n * MICRO);

    expect(venue.engine.cancel(exec.order.id)?.status).to.equal('CANCELED');
    expect(venue.ledger.availableCollateral(BOB)).to.equal(996n * MICRO);
    expect(venue.engine.cancel(exec.order.id)).to.equal(undefined);
  });

  it('reserves shares for resting SELLs and releases them as they fill', () => {
    const sell = venue.engine.submit(order(market, ALICE, 'SELL', '0.60', '100'));
    expect(venue.ledger.availableShares(ALICE, market.tokenIds[0])).to.equal(900n * MICRO);
    venue.engine.submit(order(market, BOB, 'BUY', '0.60', '40'));
    expect(sell.order.reserved).to.equal(60n * MICRO);
    expect(venue.ledger.shares(ALICE, market.tokenIds[0])).to.equal(960n * MICRO);
    expect(venue.ledger.availableShares(ALICE, market.tokenIds[0])).to.equal(900n * MICRO);
  });

  it('plans FOK completeness without touching the book', () => {
    venue.engine.submit(order(market, ALICE, 'SELL', '0.50', '10'));
    const fok = order(market, BOB, 'BUY', '0.50', '20', { orderType: 'FOK' });
    const plan = venue.engine.plan(fok);
    expect(plan.complete).to.equal(false);
    expect(plan.shares).to.equal(10n * MICRO);
    expect(venue.engine.book(market, 0).levelTotal('SELL', 500_000n)).to.equal(10n * MICRO);
    expect(
      venue.engine.plan(order(market, BOB, 'BUY', '0.50', '10', { orderType: 'FOK' })).complete,
    ).to.equal(true);
  });

  it('fills FAK partially and kills the rest instead of resting it', () => {
    venue.engine.submit(order(market, ALICE, 'SELL', '0.50', '10'));
    const exec = venue.engine.submit(order(market, BOB, 'BUY', '0.50', '30', { orderType: 'FAK' }));
    expect(exec.shares).to.equal(10n * MICRO);
    expect(exec.order.status).to.equal('MATCHED');
    expect(venue.engine.openOrders()).to.have.length(0);
    expect(venue.ledger.availableCollateral(BOB)).to.equal(995n * MICRO);
  });

  it('spends a market BUY budget (amount-based) and gives more shares at better prices', () => {
    venue.engine.submit(order(market, ALICE, 'SELL', '0.50', '100'));
    venue.engine.submit(order(market, CAROL, 'SELL', '0.52', '200'));
    // Client maths: $100 at 0.52 → maker 100000000, taker 192307600.
    const exec = venue.engine.submit(
      order(market, BOB, 'BUY', '0.52', '0', {
        makerAmount: 100_000_000n,
        takerAmount: 192_307_600n,
        size: 192_307_600n,
        orderType: 'FOK',
        amountBased: true,
      }),
    );
    expect(exec.collateral <= 100n * MICRO).to.equal(true);
    expect(100n * MICRO - exec.collateral < 10_000n).to.equal(true);
    // 100 @ 0.50 ($50) then $50 / 0.52 = 96.153846… shares (rounded down to whole collateral units).
    expect(exec.shares).to.equal(100n * MICRO + 96_153_825n);
    expect(venue.ledger.collateral(BOB)).to.equal(1_000n * MICRO - exec.collateral);
  });

  it('charges the taker fee shares × r × (p(1−p))^e in integers, and nothing to the maker', () => {
    const fees = addMarket(venue, { feeRate: 0.02, feeExponent: 2 });
    venue.ledger.setShares(ALICE, fees.tokenIds[0], 1_000n * MICRO);
    venue.engine.submit(order(fees, ALICE, 'SELL', '0.50', '100'));
    const exec = venue.engine.submit(order(fees, BOB, 'BUY', '0.50', '100'));
    // 100 × 0.02 × 0.25² = 0.125
    expect(exec.fees).to.equal(125_000n);
    expect(venue.ledger.collateral(BOB)).to.equal(1_000n * MICRO - 50n * MICRO - 125_000n);
    expect(venue.ledger.collateral(ALICE)).to.equal(1_050n * MICRO);
    expect((exec.trades[0] as TradeRecord).feeRateBps).to.equal('200');

    const linear = addMarket(venue, { feeRate: 0.07, feeExponent: 1 });
    venue.ledger.setShares(ALICE, linear.tokenIds[0], 1_000n * MICRO);
    venue.engine.submit(order(linear, BOB, 'BUY', '0.40', '10'));
    const sell = venue.engine.submit(order(linear, ALICE, 'SELL', '0.40', '10'));
    // 10 × 0.07 × 0.24 = 0.168, taken from the seller's proceeds.
    expect(sell.fees).to.equal(168_000n);
    expect(venue.ledger.collateral(ALICE)).to.equal(1_050n * MICRO + 4n * MICRO - 168_000n);
  });

  it('expires GTD orders once now reaches expiration minus the 60 s threshold', () => {
    const nowS = Math.floor(now.t / 1000);
    const gtd = venue.engine.submit(
      order(market, BOB, 'BUY', '0.30', '10', { orderType: 'GTD', expiration: nowS + 90 }),
    );
    expect(venue.engine.expire(nowS + 29, 60)).to.have.length(0);
    expect(gtd.order.status).to.equal('LIVE');
    expect(venue.engine.expire(nowS + 30, 60).map((o) => o.id)).to.deep.equal([gtd.order.id]);
    expect(gtd.order.status).to.equal('CANCELED');
    expect(venue.ledger.availableCollateral(BOB)).to.equal(1_000n * MICRO);
  });

  it('emits price_change levels on placement and cancel, and book + trade after a match', () => {
    const seen: string[] = [];
    venue.events.on('levels', ({ changes }) =>
      seen.push(`levels ${changes.map((c) => `${c.side}@${c.price}=${c.size}`).join(',')}`),
    );
    venue.events.on('book', () => seen.push('book'));
    venue.events.on('trade', ({ trade }) => seen.push(`trade ${trade.size}`));
    venue.events.on('order', ({ type }) => seen.push(`order ${type}`));
    const rest = venue.engine.submit(order(market, ALICE, 'SELL', '0.70', '10'));
    venue.engine.submit(order(market, BOB, 'BUY', '0.70', '4'));
    venue.engine.cancel(rest.order.id);
    expect(seen).to.deep.equal([
      'order PLACEMENT',
      'levels SELL@700000=10000000',
      'order PLACEMENT',
      'order UPDATE',
      'order UPDATE',
      'trade 4000000',
      'book',
      'order CANCELLATION',
      'levels SELL@700000=0',
    ]);
  });

  it('moves trades MATCHED → MINED → CONFIRMED on timers', async () => {
    venue.engine.submit(order(market, ALICE, 'SELL', '0.50', '10'));
    const confirmed = new Promise<string[]>((resolve) => {
      const statuses: string[] = [];
      venue.events.on('tradeStatus', ({ trade }) => {
        statuses.push(trade.status);
        if (trade.status === 'CONFIRMED') resolve(statuses);
      });
    });
    const exec = venue.engine.submit(order(market, BOB, 'BUY', '0.50', '10'));
    expect((exec.trades[0] as TradeRecord).status).to.equal('MATCHED');
    expect(await confirmed).to.deep.equal(['MINED', 'CONFIRMED']);
  });

  it('never charges or credits the simulator liquidity account', () => {
    venue.engine.submit({
      ...order(market, venue.liquidityAddress, 'SELL', '0.50', '10'),
      owner: SYSTEM_OWNER,
      system: true,
    });
    venue.engine.submit(order(market, BOB, 'BUY', '0.50', '10'));
    expect(venue.ledger.collateral(BOB)).to.equal(995n * MICRO);
    expect(venue.ledger.collateral(venue.liquidityAddress)).to.equal(1_000n * MICRO);
  });
});

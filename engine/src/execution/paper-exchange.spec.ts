import { expect } from 'chai';
import { VenueError } from '../errors.js';
import { createTestDatabase, type TestDatabase } from '../storage/testing/index.js';
import { VenueRejectedError } from './errors.js';
import type { OrderDraft, VenueFill } from './exchange.js';
import { planOrder, type OrderType, type Side } from './order-math.js';
import { deterministicSalt } from './order-signer.js';
import { PAPER_BALANCE_SOURCE, PaperExchange, paperOrderId } from './paper-exchange.js';
import { createExecutionHarness, type ExecutionHarness } from './testing/harness.js';

const COND = '0xc0nd';
const TOKEN = '5001';

let seq = 0;

function draft(
  side: Side,
  orderType: OrderType,
  price: string,
  size: string | null,
  notional: string | null = null,
): OrderDraft {
  const plan = planOrder(
    { side, orderType, price, size, notional },
    { tickSize: '0.01', minOrderSize: '1', negRisk: false },
  );
  seq += 1;
  const id = `paper-${seq}`;
  return {
    clientOrderId: id,
    tokenId: TOKEN,
    conditionId: COND,
    side,
    orderType,
    price,
    size: (Number(plan.shares) / 1e6).toString(),
    makerAmount: plan.makerAmount.toString(),
    takerAmount: plan.takerAmount.toString(),
    expiration: '0',
    salt: deterministicSalt(id),
    timestamp: '0',
    tickSize: '0.01',
    negRisk: false,
  };
}

async function refusal(run: () => Promise<unknown>): Promise<VenueRejectedError> {
  try {
    await run();
  } catch (error) {
    expect(error).to.be.instanceOf(VenueRejectedError);
    return error as VenueRejectedError;
  }
  throw new Error('expected the paper venue to refuse');
}

describe('paper venue', function () {
  this.timeout(20_000);
  let db: TestDatabase;
  let h: ExecutionHarness;
  let venue: PaperExchange;

  before(async () => {
    db = await createTestDatabase({ backend: 'postgres' });
  });

  after(async () => {
    await db.dispose();
  });

  beforeEach(async () => {
    h = await createExecutionHarness({}, db);
    await h.addMarket({ conditionId: COND, tokenIds: [TOKEN, '5002'], minOrderSize: '5' });
    venue = h.paper();
    await venue.connect();
    await venue.connect();
  });

  it('starts from paper.startingBalance, or from the last paper snapshot', async () => {
    expect(await venue.getBalance()).to.equal('1000');
    await h.repos.balances.snapshot('750.5', PAPER_BALANCE_SOURCE);
    const restarted = h.paper();
    await restarted.connect();
    expect(await restarted.getBalance()).to.equal('750.5');
    await h.repos.balances.snapshot('12', 'live');
    const afterLive = h.paper();
    await afterLive.connect();
    expect(await afterLive.getBalance(), 'a live snapshot is not paper money').to.equal('1000');
  });

  it('refuses what the venue refuses, with its messages', async () => {
    h.setBook(TOKEN, { asks: [['0.5', '100']] });
    const offGrid = await venue.prepare({ ...draft('BUY', 'GTC', '0.5', '10'), price: '0.505' });
    expect((await refusal(() => venue.placeOrder(offGrid))).venueCode).to.equal(
      'INVALID_ORDER_MIN_TICK_SIZE',
    );
    const small = await venue.prepare(draft('BUY', 'GTC', '0.5', '2'));
    const tooSmall = await refusal(() => venue.placeOrder(small));
    expect(tooSmall.venueCode).to.equal('INVALID_ORDER_MIN_SIZE');
    expect(tooSmall.message).to.match(/Size \(2\) lower than the minimum: 5/);
    const expired = await venue.prepare({
      ...draft('BUY', 'GTD', '0.4', '10'),
      expiration: String(h.clock.now() / 1000 - 1),
    });
    expect((await refusal(() => venue.placeOrder(expired))).venueCode).to.equal('INVALID_ORDER_EXPIRATION');
    const rich = await venue.prepare(draft('BUY', 'GTC', '0.5', '2500'));
    const broke = await refusal(() => venue.placeOrder(rich));
    expect(broke.venueCode).to.equal('INVALID_ORDER_NOT_ENOUGH_BALANCE');
    expect(broke.message).to.match(/not enough balance \/ allowance/);
    const naked = await venue.prepare(draft('SELL', 'GTC', '0.5', '10'));
    expect((await refusal(() => venue.placeOrder(naked))).venueCode).to.equal(
      'INVALID_ORDER_NOT_ENOUGH_BALANCE',
    );
    const unknown = await venue.prepare({ ...draft('BUY', 'GTC', '0.5', '10'), tokenId: '999' });
    expect((await refusal(() => venue.placeOrder(unknown))).venueCode).to.equal('MARKET_NOT_FOUND');
  });

  it('counts what open orders already need before accepting another', async () => {
    h.setBook(TOKEN, { asks: [['0.9', '100']] });
    const first = await venue.prepare(draft('BUY', 'GTC', '0.5', '1900'));
    expect((await venue.placeOrder(first)).status).to.equal('live');
    const second = await venue.prepare(draft('BUY', 'GTC', '0.5', '200'));
    expect((await refusal(() => venue.placeOrder(second))).message).to.match(/balance: 50$/);
  });

  it('a market BUY spends its dollar budget across levels; FOK is killed when the book is short', async () => {
    h.setBook(TOKEN, {
      asks: [
        ['0.5', '10'],
        ['0.6', '100'],
      ],
    });
    const market = await venue.prepare(draft('BUY', 'FOK', '0.6', null, '11'));
    const placed = await venue.placeOrder(market);
    expect(placed).to.deep.include({ status: 'matched', makingAmount: '11', takingAmount: '20' });
    expect(await venue.getTokenBalance(TOKEN)).to.equal('20');
    expect(await venue.getBalance()).to.equal('989');
    const fills = await venue.getFills({ orderId: market.orderHash });
    expect(fills.map((f) => [f.price, f.size, f.role])).to.deep.equal([
      ['0.5', '10', 'TAKER'],
      ['0.6', '10', 'TAKER'],
    ]);
    h.setBook(TOKEN, { asks: [['0.5', '1']] });
    const short = await venue.prepare(draft('BUY', 'FOK', '0.5', null, '10'));
    expect((await refusal(() => venue.placeOrder(short))).venueCode).to.equal('FOK_ORDER_NOT_FILLED_ERROR');
    h.setBook(TOKEN, { asks: [] });
    const fak = await venue.prepare(draft('BUY', 'FAK', '0.5', '10'));
    expect((await refusal(() => venue.placeOrder(fak))).venueCode).to.equal('FAK_ORDER_NOT_FILLED_ERROR');
  });

  it('does not use the same liquidity twice for one book snapshot', async () => {
    h.setBook(TOKEN, { asks: [['0.5', '10']] });
    const a = await venue.prepare(draft('BUY', 'GTC', '0.5', '8'));
    const b = await venue.prepare(draft('BUY', 'GTC', '0.5', '8'));
    expect((await venue.placeOrder(a)).takingAmount).to.equal('8');
    expect((await venue.placeOrder(b)).takingAmount).to.equal('2');
    h.setBook(TOKEN, { asks: [['0.5', '10']] });
    const pushed: VenueFill[] = [];
    venue.onFill((fill) => pushed.push(fill));
    venue.onBookUpdate(TOKEN);
    expect(pushed.map((f) => [f.size, f.role, f.fee])).to.deep.equal([['6', 'MAKER', '0']]);
    expect((await venue.getOrder(b.orderHash))?.status).to.equal('matched');
  });

  it('resting orders: cancel, expire, list, and a SELL fills against bids', async () => {
    h.setBook(TOKEN, { bids: [['0.4', '100']], asks: [['0.6', '100']] });
    const buy = await venue.prepare(draft('BUY', 'GTC', '0.6', '10'));
    await venue.placeOrder(buy);
    const resting = await venue.prepare(draft('SELL', 'GTC', '0.55', '5'));
    expect((await venue.placeOrder(resting)).status).to.equal('live');
    const gtd = await venue.prepare({
      ...draft('BUY', 'GTD', '0.3', '10'),
      expiration: String(h.clock.now() / 1000 + 120),
    });
    await venue.placeOrder(gtd);
    expect((await venue.getOpenOrders({ tokenId: TOKEN })).map((o) => o.id)).to.have.members([
      resting.orderHash,
      gtd.orderHash,
    ]);
    expect(await venue.getOpenOrders({ conditionId: '0xother' })).to.have.length(0);
    expect(await venue.getOpenOrders({ tokenId: 'x' })).to.have.length(0);
    expect(await venue.cancelOrder(resting.orderHash)).to.deep.equal({
      cancelled: [resting.orderHash],
      notCancelled: {},
    });
    expect((await venue.cancelOrder(resting.orderHash)).notCancelled).to.deep.equal({
      [resting.orderHash]: 'order is cancelled',
    });
    expect((await venue.cancelOrder('0xnone')).notCancelled).to.deep.equal({ '0xnone': 'order not found' });
    h.clock.advance(121_000);
    expect(await venue.getOpenOrders()).to.have.length(0);
    expect((await venue.getOrder(gtd.orderHash))?.status).to.equal('cancelled');
    const sell = await venue.prepare(draft('SELL', 'FAK', '0.4', '5'));
    expect(await venue.placeOrder(sell)).to.deep.include({
      status: 'matched',
      takingAmount: '2',
      makingAmount: '5',
    });
    expect(await venue.getFills({ tokenId: TOKEN, conditionId: COND, since: 0 })).to.have.length(2);
    expect(await venue.getOrder('0xnone')).to.equal(null);
    expect((await refusal(() => venue.placeOrder(sell))).venueCode).to.equal('INVALID_ORDER_DUPLICATED');
  });

  it('books and rules: from the live book and the catalogue, with clear errors when missing', async () => {
    h.setBook(TOKEN, { bids: [['0.4', '100']], asks: [['0.6', '100']] });
    const book = await venue.getBook(TOKEN);
    expect(book.bids).to.deep.equal([{ price: '0.4', size: '100' }]);
    expect(book.asks).to.deep.equal([{ price: '0.6', size: '100' }]);
    expect(await venue.getMarketRules(TOKEN)).to.deep.equal({
      tickSize: '0.01',
      minOrderSize: '5',
      negRisk: false,
    });
    let error: unknown;
    try {
      await venue.getBook('nope');
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(VenueError);
    const fromBook = new PaperExchange(
      h.config,
      { book: () => ({ bids: [], asks: [], tickSize: '0.001', minOrderSize: '5', negRisk: true }) },
      { rules: async () => null },
      h.repos.balances,
      h.clock,
      h.logger,
    );
    expect(await fromBook.getMarketRules('x')).to.deep.equal({
      tickSize: '0.001',
      minOrderSize: '5',
      negRisk: true,
    });
    expect((await fromBook.getBook('x')).tickSize).to.equal('0.001');
  });

  it('refuses to trade before connect(), and restores resting orders and holdings after a restart', async () => {
    const cold = h.paper();
    const order = await cold.prepare(draft('BUY', 'GTC', '0.5', '10'));
    let error: unknown;
    try {
      await cold.placeOrder(order);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(VenueError);
    const seed = {
      orderId: paperOrderId('restored'),
      clientOrderId: 'restored',
      tokenId: TOKEN,
      conditionId: COND,
      side: 'BUY' as const,
      orderType: 'GTD' as const,
      price: '0.5',
      size: '10',
      filledSize: '4',
      createdAt: 0,
      expiresAt: h.clock.now() + 60_000,
    };
    cold.restore({ orders: [seed], holdings: [{ tokenId: TOKEN, size: '4' }] });
    // Restoring twice (a second rehydration) keeps the first, possibly progressed, record.
    cold.restore({ orders: [{ ...seed, filledSize: '0' }], holdings: [] });
    expect(await cold.getOrder(paperOrderId('restored'))).to.deep.include({
      status: 'live',
      sizeMatched: '4',
      originalSize: '10',
    });
    expect(await cold.getTokenBalance(TOKEN)).to.equal('4');
    await cold.close();
  });
});

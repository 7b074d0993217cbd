import type { OrderType, Side, SimMarket } from '../types.js';
import { MICRO, minBig, mulDivCeil, roundDownTo, shareStep } from '../util/decimal.js';
import { bytes32, uuidFrom } from '../util/ids.js';
import type { VenueEvents } from './events.js';
import { feeRateBps, takerFee } from './fees.js';
import type { Ledger } from './ledger.js';
import { OrderBook, remaining } from './order-book.js';
import type { LevelChange, OrderRecord, TradeRecord } from './records.js';
import type { Tape } from './tape.js';

export interface SubmitInput {
  readonly id: string;
  readonly owner: string;
  readonly makerAddress: string;
  readonly signerAddress: string;
  readonly system: boolean;
  readonly market: SimMarket;
  readonly outcomeIndex: 0 | 1;
  readonly side: Side;
  readonly price: bigint;
  /** Shares: BUY takerAmount, SELL makerAmount. */
  readonly size: bigint;
  readonly makerAmount: bigint;
  readonly takerAmount: bigint;
  readonly orderType: OrderType;
  readonly expiration: number;
  readonly amountBased: boolean;
}

export interface SubmitOptions {
  /** No events at all (book materialisation). */
  readonly silent?: boolean;
  /** No `price_change` for the resting remainder (the caller sends a whole `book`). */
  readonly quietLevels?: boolean;
  /** Marketable orders of delayed markets are held this long before matching. */
  readonly delayMs?: number;
}

interface Leg {
  readonly maker: OrderRecord;
  readonly qty: bigint;
  readonly price: bigint;
}

export interface FillPlan {
  readonly legs: readonly Leg[];
  readonly shares: bigint;
  readonly collateral: bigint;
  /** Whether the order would be completely filled (FOK). */
  readonly complete: boolean;
}

export interface Execution {
  readonly order: OrderRecord;
  readonly trades: TradeRecord[];
  readonly shares: bigint;
  readonly collateral: bigint;
  readonly fees: bigint;
  readonly delayed: boolean;
}

export interface EngineDeps {
  readonly ledger: Ledger;
  readonly tape: Tape;
  readonly events: VenueEvents;
  readonly clock: () => number;
  readonly seed: number;
  readonly settlement: { readonly minedMs: number; readonly confirmedMs: number };
  /** Builds a generated market's initial book the first time any of its tokens is touched. */
  readonly materialize: (market: SimMarket) => void;
}

/** Remaining quantities below this are treated as filled (the client rounds sizes to 2 decimals). */
const DUST = 10_000n;

/**
 * Price-time priority matching per token. Each token has its own book (complementary mint/merge
 * matching across the two outcomes is not modelled; generated books start mirror-consistent).
 * Orders are settled into the ledger as they match; resting remainders hold a reservation.
 */
export class MatchingEngine {
  private readonly books = new Map<string, OrderBook>();
  private readonly orders = new Map<string, OrderRecord>();
  /** Open (resting) orders per owner; the simulator's liquidity is one owner among many. */
  private readonly openByOwner = new Map<string, Set<string>>();
  /** Open GTD orders, the only ones the expiry sweep has to look at. */
  private readonly openGtd = new Set<string>();
  private readonly tradeList: TradeRecord[] = [];
  private readonly tradeById = new Map<string, TradeRecord>();
  private readonly materialized = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private seq = 0;
  private tradeSeq = 0;

  constructor(private readonly deps: EngineDeps) {}

  /** The book of a token, materialising the market's generated liquidity on first use. */
  book(market: SimMarket, outcomeIndex: 0 | 1): OrderBook {
    this.ensureMaterialized(market);
    const tokenId = market.tokenIds[outcomeIndex];
    let book = this.books.get(tokenId);
    if (!book) {
      book = new OrderBook();
      this.books.set(tokenId, book);
    }
    return book;
  }

  ensureMaterialized(market: SimMarket): void {
    if (this.materialized.has(market.conditionId)) return;
    this.materialized.add(market.conditionId);
    this.deps.materialize(market);
  }

  isMaterialized(market: SimMarket): boolean {
    return this.materialized.has(market.conditionId);
  }

  order(id: string): OrderRecord | undefined {
    return this.orders.get(id);
  }

  /** Resting user orders (the simulator's liquidity lives only in the books), of one owner or all. */
  openOrders(owner?: string): OrderRecord[] {
    const ids =
      owner === undefined
        ? [...this.openByOwner.values()].flatMap((s) => [...s])
        : [...(this.openByOwner.get(owner) ?? [])];
    return ids.map((id) => this.orders.get(id)).filter((o): o is OrderRecord => o !== undefined);
  }

  /** Resting orders on one token (both sides). */
  openOrdersOn(market: SimMarket, outcomeIndex: 0 | 1): OrderRecord[] {
    return this.book(market, outcomeIndex).allOrders();
  }

  trades(): readonly TradeRecord[] {
    return this.tradeList;
  }

  trade(id: string): TradeRecord | undefined {
    return this.tradeById.get(id);
  }

  /** Would the order cross the book on arrival? */
  isMarketable(input: Pick<SubmitInput, 'market' | 'outcomeIndex' | 'side' | 'price'>): boolean {
    const best = this.book(input.market, input.outcomeIndex).best(opposite(input.side));
    if (best === undefined) return false;
    return input.side === 'BUY' ? best <= input.price : best >= input.price;
  }

  /** Walks the book without changing it: what the order would fill right now. */
  plan(input: SubmitInput): FillPlan {
    const book = this.book(input.market, input.outcomeIndex);
    const legs: Leg[] = [];
    let sharesLeft = input.size;
    let budget = input.makerAmount;
    let shares = 0n;
    let collateral = 0n;
    for (const maker of book.ordersBestFirst(opposite(input.side))) {
      const price = maker.price;
      if (input.side === 'BUY' ? price > input.price : price < input.price) break;
      const step = shareStep(price);
      const cap = input.amountBased ? (budget * MICRO) / price : sharesLeft;
      const qty = roundDownTo(minBig(remaining(maker), cap), step);
      if (qty <= 0n) {
        if (input.amountBased || sharesLeft < step) break;
        continue;
      }
      const cost = (qty * price) / MICRO;
      legs.push({ maker, qty, price });
      shares += qty;
      collateral += cost;
      sharesLeft -= qty;
      budget -= cost;
      if (input.amountBased ? budget < DUST : sharesLeft <= 0n) break;
    }
    const complete = input.amountBased ? budget < DUST : sharesLeft < DUST;
    return { legs, shares, collateral, complete };
  }

  /**
   * Accepts a validated, funded order: matches what crosses, rests the remainder of GTC/GTD orders
   * (holding a reservation), kills the remainder of FOK/FAK. The caller has already enforced FOK
   * completeness and FAK non-emptiness through `plan`.
   */
  submit(input: SubmitInput, opts: SubmitOptions = {}): Execution {
    const order = this.record(input);
    this.orders.set(order.id, order);

    if (opts.delayMs !== undefined && opts.delayMs > 0 && this.isMarketable(input)) {
      order.status = 'DELAYED';
      this.reserve(order, order.side === 'BUY' ? order.makerAmount : order.originalSize);
      if (!opts.silent) this.deps.events.emit('order', { type: 'PLACEMENT', order });
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.releaseDelayed(order, opts);
      }, opts.delayMs);
      this.timers.add(timer);
      return { order, trades: [], shares: 0n, collateral: 0n, fees: 0n, delayed: true };
    }

    if (!opts.silent) this.deps.events.emit('order', { type: 'PLACEMENT', order });
    return this.run(order, input, opts);
  }

  /**
   * Rests simulator liquidity that is known not to cross (generated books): no matching walk, no
   * events, no ledger. Materialising thousands of markets goes through here.
   */
  restLiquidity(input: SubmitInput): OrderRecord {
    const order = this.record(input);
    this.orders.set(order.id, order);
    this.book(order.market, order.outcomeIndex).add(order);
    return order;
  }

  private record(input: SubmitInput): OrderRecord {
    return {
      id: input.id,
      owner: input.owner,
      makerAddress: input.makerAddress,
      signerAddress: input.signerAddress,
      account: input.makerAddress.toLowerCase(),
      system: input.system,
      market: input.market,
      outcomeIndex: input.outcomeIndex,
      assetId: input.market.tokenIds[input.outcomeIndex],
      side: input.side,
      price: input.price,
      originalSize: input.size,
      sizeMatched: 0n,
      makerAmount: input.makerAmount,
      takerAmount: input.takerAmount,
      orderType: input.orderType,
      expiration: input.expiration,
      createdAt: Math.floor(this.deps.clock() / 1000),
      status: 'LIVE',
      associateTrades: [],
      reserved: 0n,
      seq: ++this.seq,
      amountBased: input.amountBased,
    };
  }

  /** Cancels an open (or delayed) order; returns it, or undefined when it was not open. */
  cancel(
    id: string,
    status: 'CANCELED' | 'CANCELED_MARKET_RESOLVED' = 'CANCELED',
    opts: SubmitOptions = {},
  ): OrderRecord | undefined {
    const order = this.orders.get(id);
    if (!order || (order.status !== 'LIVE' && order.status !== 'DELAYED')) return undefined;
    const wasDelayed = order.status === 'DELAYED';
    order.status = status;
    this.release(order);
    if (wasDelayed) {
      if (!opts.silent) this.deps.events.emit('order', { type: 'CANCELLATION', order });
      return order;
    }
    this.markClosed(order);
    const book = this.book(order.market, order.outcomeIndex);
    const total = book.remove(order);
    if (!opts.silent) {
      this.deps.events.emit('order', { type: 'CANCELLATION', order });
      if (!opts.quietLevels) {
        this.deps.events.emit('levels', {
          market: order.market,
          changes: [{ assetId: order.assetId, side: order.side, price: order.price, size: total }],
        });
      }
    }
    return order;
  }

  /** Cancels GTD orders whose effective expiry (expiration − threshold) has passed. */
  expire(nowSeconds: number, thresholdSeconds: number): OrderRecord[] {
    const expired: OrderRecord[] = [];
    for (const id of [...this.openGtd]) {
      const order = this.orders.get(id);
      if (!order || order.expiration === 0) continue;
      if (order.expiration - thresholdSeconds <= nowSeconds) {
        const done = this.cancel(order.id);
        if (done) expired.push(done);
      }
    }
    return expired;
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private releaseDelayed(order: OrderRecord, opts: SubmitOptions): void {
    if (order.status !== 'DELAYED') return;
    this.release(order);
    order.status = 'LIVE';
    const input: SubmitInput = { ...order, size: order.originalSize };
    if (order.orderType === 'FOK' && !this.plan(input).complete) {
      order.status = 'CANCELED';
      if (!opts.silent) this.deps.events.emit('order', { type: 'CANCELLATION', order });
      return;
    }
    this.run(order, input, opts);
  }

  private run(order: OrderRecord, input: SubmitInput, opts: SubmitOptions): Execution {
    const plan = this.plan(input);
    const trades: TradeRecord[] = [];
    let fees = 0n;
    for (const leg of plan.legs) {
      const trade = this.fill(order, leg);
      fees += trade.fee;
      trades.push(trade);
      if (!opts.silent) this.deps.events.emit('order', { type: 'UPDATE', order: leg.maker });
    }

    const book = this.book(order.market, order.outcomeIndex);
    const left = remaining(order);
    const rests = (order.orderType === 'GTC' || order.orderType === 'GTD') && left >= DUST;
    const changes: LevelChange[] = [];
    if (rests) {
      this.reserve(order, order.side === 'BUY' ? mulDivCeil(left, order.price, MICRO) : left);
      this.markOpen(order);
      const total = book.add(order);
      changes.push({ assetId: order.assetId, side: order.side, price: order.price, size: total });
    } else {
      order.status = plan.shares > 0n ? 'MATCHED' : 'CANCELED';
    }

    if (!opts.silent) {
      if (trades.length > 0) this.deps.events.emit('order', { type: 'UPDATE', order });
      for (const trade of trades) this.deps.events.emit('trade', { trade });
      if (!rests && left >= DUST && !order.amountBased && order.orderType !== 'FOK') {
        this.deps.events.emit('order', { type: 'CANCELLATION', order });
      }
      if (trades.length > 0) this.deps.events.emit('book', { market: order.market, assetId: order.assetId });
      else if (changes.length > 0 && !opts.quietLevels)
        this.deps.events.emit('levels', { market: order.market, changes });
    }
    return { order, trades, shares: plan.shares, collateral: plan.collateral, fees, delayed: false };
  }

  private fill(taker: OrderRecord, leg: Leg): TradeRecord {
    const { maker, qty, price } = leg;
    const { ledger } = this.deps;
    const market = taker.market;
    const token = taker.assetId;
    const cost = (qty * price) / MICRO;
    const fee = taker.system ? 0n : takerFee(market, qty, price);

    if (!taker.system) {
      if (taker.side === 'BUY') {
        ledger.addCollateral(taker.account, -(cost + fee));
        ledger.addShares(taker.account, token, qty);
      } else {
        ledger.addShares(taker.account, token, -qty);
        ledger.addCollateral(taker.account, cost - fee);
      }
    }
    if (!maker.system) {
      if (maker.side === 'SELL') {
        ledger.addShares(maker.account, token, -qty);
        ledger.addCollateral(maker.account, cost);
        this.unreserve(maker, qty);
      } else {
        ledger.addCollateral(maker.account, -cost);
        ledger.addShares(maker.account, token, qty);
        this.unreserve(maker, cost);
      }
    }

    maker.sizeMatched += qty;
    taker.sizeMatched += qty;
    this.book(market, maker.outcomeIndex).filled(maker, qty);
    if (remaining(maker) < DUST) {
      if (remaining(maker) > 0n) this.book(market, maker.outcomeIndex).remove(maker);
      maker.status = 'MATCHED';
      this.release(maker);
      this.markClosed(maker);
    }

    const now = this.deps.clock();
    const id = uuidFrom(this.deps.seed, 'trade', ++this.tradeSeq);
    const trade: TradeRecord = {
      id,
      takerOrderId: taker.id,
      takerOwner: taker.owner,
      takerAddress: taker.makerAddress,
      market,
      assetId: token,
      outcome: market.outcomes[taker.outcomeIndex],
      outcomeIndex: taker.outcomeIndex,
      side: taker.side,
      size: qty,
      price,
      fee,
      feeRateBps: taker.system ? '0' : feeRateBps(market),
      matchTime: now,
      lastUpdate: now,
      status: 'MATCHED',
      transactionHash: bytes32(this.deps.seed, 'tx', id),
      maker: {
        orderId: maker.id,
        owner: maker.owner,
        makerAddress: maker.makerAddress,
        matchedAmount: qty,
        price,
        side: maker.side,
        assetId: maker.assetId,
        outcome: market.outcomes[maker.outcomeIndex],
      },
    };
    taker.associateTrades.push(id);
    maker.associateTrades.push(id);
    this.tradeList.push(trade);
    this.tradeById.set(id, trade);
    this.deps.tape.add({
      id,
      tokenId: token,
      market,
      outcomeIndex: taker.outcomeIndex,
      side: taker.side,
      size: qty,
      price,
      timestamp: now,
      wallet: taker.makerAddress,
      makerWallet: maker.makerAddress,
      transactionHash: trade.transactionHash,
      feeRateBps: trade.feeRateBps,
    });
    this.settle(trade);
    return trade;
  }

  /** MATCHED → MINED → CONFIRMED on short timers, as the chain would. */
  private settle(trade: TradeRecord): void {
    const step = (status: 'MINED' | 'CONFIRMED', ms: number): void => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        trade.status = status;
        trade.lastUpdate = this.deps.clock();
        this.deps.events.emit('tradeStatus', { trade });
      }, ms);
      this.timers.add(timer);
    };
    step('MINED', this.deps.settlement.minedMs);
    step('CONFIRMED', this.deps.settlement.confirmedMs);
  }

  private markOpen(order: OrderRecord): void {
    if (order.system) return; // liquidity is found through the books; indexing it would only cost memory
    let set = this.openByOwner.get(order.owner);
    if (!set) {
      set = new Set();
      this.openByOwner.set(order.owner, set);
    }
    set.add(order.id);
    if (order.orderType === 'GTD') this.openGtd.add(order.id);
  }

  private markClosed(order: OrderRecord): void {
    this.openByOwner.get(order.owner)?.delete(order.id);
    this.openGtd.delete(order.id);
  }

  private reserve(order: OrderRecord, amount: bigint): void {
    if (order.system || amount <= 0n) return;
    order.reserved += amount;
    if (order.side === 'BUY') this.deps.ledger.reserveCollateral(order.account, amount);
    else this.deps.ledger.reserveShares(order.account, order.assetId, amount);
  }

  private unreserve(order: OrderRecord, amount: bigint): void {
    if (order.system) return;
    const take = minBig(order.reserved, amount);
    order.reserved -= take;
    if (order.side === 'BUY') this.deps.ledger.reserveCollateral(order.account, -take);
    else this.deps.ledger.reserveShares(order.account, order.assetId, -take);
  }

  private release(order: OrderRecord): void {
    this.unreserve(order, order.reserved);
  }
}

export function opposite(side: Side): Side {
  return side === 'BUY' ? 'SELL' : 'BUY';
}

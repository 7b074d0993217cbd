/**
 * The paper venue (dry run, the default): behaves like the CLOB for our own orders — tick and
 * minimum-size rejects with the venue's messages, balance checks, taker fees, FOK/FAK/GTC/GTD
 * semantics — and fills against the LIVE book from ingestion. GTC remainders rest and fill when
 * the book later crosses them. Needs no credentials.
 *
 * State: the collateral balance starts at `paper.startingBalance` and survives restarts through
 * the balance snapshots execution writes after every fill (source "paper"); resting orders and
 * holdings are restored from the engine's own open orders and positions at startup (`restore`).
 */
import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { EngineConfig } from '../config/types.js';
import { Tokens } from '../di/tokens.js';
import { VenueError, describeError } from '../errors.js';
import type { Logger } from '../monitoring/logger.js';
import type { BalanceRepositoryApi } from '../storage/index.js';
import type { Clock } from '../util/clock.js';
import { VenueRejectedError } from './errors.js';
import type {
  BalanceOptions,
  CancelResult,
  Exchange,
  FillListener,
  FillQuery,
  OrderDraft,
  PlaceOrderResult,
  PreparedOrder,
  VenueBook,
  VenueFill,
  VenueOrder,
  VenueOrderStatus,
} from './exchange.js';
import { ONE, ZERO, formatMicros, mulMicros, toMicros, type Micros } from './fixed.js';
import {
  isMarketOrder,
  parseTickSize,
  type MarketRules,
  type OrderType,
  type Side,
  type TickSize,
} from './order-math.js';
import { takerFeeFor } from './fees.js';
import { matchTaker, toLevels, type Level, type TakerFill } from './paper-matching.js';
import type { FeeScheduleSource } from './fee-schedules.js';
import type { BookLike, BookSource, FeeSchedule, MarketRulesSource, PaperMarketRules } from './ports.js';

export const PAPER_BALANCE_SOURCE = 'paper';

interface PaperOrder {
  readonly id: string;
  readonly clientOrderId: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly price: Micros;
  readonly originalSize: Micros;
  sizeMatched: Micros;
  status: VenueOrderStatus;
  readonly createdAt: number;
  /** Unix seconds, 0 = none. */
  readonly expiration: number;
  readonly tradeIds: string[];
  readonly fee: PaperMarketRules['fee'];
}

/** An open order of the engine, handed back to the paper venue after a restart. */
export interface RestingOrderSeed {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly price: string;
  readonly size: string;
  readonly filledSize: string;
  readonly createdAt: number;
  /** Epoch ms, or null. */
  readonly expiresAt: number | null;
}

export interface PaperRestoreState {
  readonly orders: readonly RestingOrderSeed[];
  readonly holdings: readonly { readonly tokenId: string; readonly size: string }[];
}

/** The paper venue's order id: deterministic per client order id, shaped like a V2 order hash. */
export function paperOrderId(clientOrderId: string): string {
  return `0x${createHash('sha256').update(`polybot-paper:${clientOrderId}`).digest('hex')}`;
}

@injectable()
export class PaperExchange implements Exchange {
  readonly kind = 'paper' as const;
  private balance: Micros = ZERO;
  private readonly holdings = new Map<string, Micros>();
  private readonly orders = new Map<string, PaperOrder>();
  private readonly fills: VenueFill[] = [];
  private readonly listeners: FillListener[] = [];
  /** Ticks announced by the feed that the catalogue may not show yet. */
  private readonly announcedTicks = new Map<string, TickSize>();
  /** Liquidity already used per token and price, valid while the book stays the same snapshot. */
  private readonly consumed = new Map<
    string,
    { book: BookLike; timestamp: number | undefined; used: Map<string, Micros> }
  >();
  private connected = false;
  private tradeSeq = 0;
  private readonly log: Logger;

  constructor(
    @inject(Tokens.Config) private readonly config: EngineConfig,
    @inject(Tokens.BookSource) private readonly books: BookSource,
    @inject(Tokens.MarketRulesSource) private readonly rules: MarketRulesSource,
    @inject(Tokens.BalanceRepository) private readonly balances: BalanceRepositoryApi,
    @inject(Tokens.Clock) private readonly clock: Clock,
    @inject(Tokens.Logger) logger: Logger,
    /** Taker fee schedules; without one (or when it cannot be read) the paper venue charges no fee. */
    @inject(Tokens.FeeSchedules, { isOptional: true }) private readonly fees?: FeeScheduleSource,
  ) {
    this.log = logger.child({ component: 'paper-exchange' });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    const latest = await this.balances.latest();
    this.balance =
      latest && latest.source === PAPER_BALANCE_SOURCE
        ? toMicros(latest.balance, 'down')
        : toMicros(this.config.paper.startingBalance, 'down');
    this.connected = true;
    this.log.info('paper venue ready', {
      balance: formatMicros(this.balance),
      restoredFrom: latest?.source === PAPER_BALANCE_SOURCE ? 'snapshot' : 'startingBalance',
    });
  }

  /** Re-creates resting orders and holdings the engine knows about (the paper venue keeps no books of its own). */
  restore(state: PaperRestoreState): void {
    for (const holding of state.holdings) {
      this.holdings.set(holding.tokenId, toMicros(holding.size, 'down'));
    }
    for (const seed of state.orders) {
      if (this.orders.has(seed.orderId)) continue;
      this.orders.set(seed.orderId, {
        id: seed.orderId,
        clientOrderId: seed.clientOrderId,
        tokenId: seed.tokenId,
        conditionId: seed.conditionId,
        side: seed.side,
        orderType: seed.orderType,
        price: toMicros(seed.price),
        originalSize: toMicros(seed.size),
        sizeMatched: toMicros(seed.filledSize),
        status: 'live',
        createdAt: seed.createdAt,
        expiration: seed.expiresAt ? Math.floor(seed.expiresAt / 1000) : 0,
        tradeIds: [],
        fee: null,
      });
    }
  }

  async prepare(draft: OrderDraft): Promise<PreparedOrder> {
    const orderHash = paperOrderId(draft.clientOrderId);
    return { ...draft, orderHash, payload: { paper: true, orderId: orderHash, salt: draft.salt } };
  }

  async placeOrder(order: PreparedOrder): Promise<PlaceOrderResult> {
    this.assertConnected();
    if (this.orders.has(order.orderHash)) {
      throw new VenueRejectedError(
        'INVALID_ORDER_DUPLICATED',
        `order ${order.orderHash} is invalid. Duplicated.`,
        400,
      );
    }
    const rules = await this.getPaperRules(order.tokenId);
    const price = toMicros(order.price);
    const tick = toMicros(rules.tickSize);
    if (price % tick !== ZERO || price < tick || price > ONE - tick) {
      throw new VenueRejectedError(
        'INVALID_ORDER_MIN_TICK_SIZE',
        `order ${order.orderHash} is invalid. Price (${order.price}) breaks minimum tick size rule: ${rules.tickSize}`,
        400,
      );
    }
    const shares = toMicros(order.size);
    const minSize = toMicros(rules.minOrderSize, 'up');
    if (shares < minSize) {
      throw new VenueRejectedError(
        'INVALID_ORDER_MIN_SIZE',
        `order ${order.orderHash} is invalid. Size (${order.size}) lower than the minimum: ${rules.minOrderSize}`,
        400,
      );
    }
    const expiration = Number(order.expiration);
    if (order.orderType === 'GTD' && !(expiration * 1000 > this.clock.now())) {
      throw new VenueRejectedError(
        'INVALID_ORDER_EXPIRATION',
        `order ${order.orderHash} is invalid. Expiration before now`,
        400,
      );
    }
    const market = isMarketOrder(order.orderType) && order.side === 'BUY';
    // A market BUY's maker amount is its dollar budget (1e6 units = micros).
    const budget = BigInt(order.makerAmount);
    this.assertFunds(order, market ? budget : order.side === 'BUY' ? mulMicros(shares, price, 'up') : shares);

    const paper: PaperOrder = {
      id: order.orderHash,
      clientOrderId: order.clientOrderId,
      tokenId: order.tokenId,
      conditionId: order.conditionId,
      side: order.side,
      orderType: order.orderType,
      price,
      originalSize: shares,
      sizeMatched: ZERO,
      status: 'live',
      createdAt: this.clock.now(),
      expiration: order.orderType === 'GTD' ? expiration : 0,
      tradeIds: [],
      fee: rules.fee ?? (await this.feeSchedule(order.conditionId)),
    };
    const book = this.books.book(order.tokenId) ?? null;
    const opposite = book ? toLevels(order.side === 'BUY' ? book.asks : book.bids) : [];
    const usage = book ? this.usage(order.tokenId, book) : null;
    const available = (level: Level): Micros =>
      level.size - (usage?.get(levelKey(order.side, level)) ?? ZERO);
    const match = matchTaker(order.side, price, opposite, market ? { budget } : { shares }, available);
    // A budget is spent when less than a cent is left over (per-level flooring leaves micro-dust).
    const complete = market ? budget - match.collateral < 10_000n : match.shares >= shares;

    if (order.orderType === 'FOK' && !complete) {
      throw new VenueRejectedError(
        'FOK_ORDER_NOT_FILLED_ERROR',
        "order couldn't be fully filled. FOK orders are fully filled or killed.",
        400,
      );
    }
    if (order.orderType === 'FAK' && match.shares === ZERO) {
      throw new VenueRejectedError(
        'FAK_ORDER_NOT_FILLED_ERROR',
        'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.',
        400,
      );
    }
    this.orders.set(paper.id, paper);
    const fills: VenueFill[] = [];
    for (const fill of match.fills) {
      usage?.set(levelKey(order.side, fill), (usage.get(levelKey(order.side, fill)) ?? ZERO) + fill.size);
      fills.push(this.execute(paper, fill, 'TAKER'));
    }
    if (isMarketOrder(order.orderType)) {
      paper.status = 'matched';
    } else if (paper.sizeMatched >= paper.originalSize) {
      paper.status = 'matched';
    }
    const taking = order.side === 'BUY' ? match.shares : match.collateral;
    const making = order.side === 'BUY' ? match.collateral : match.shares;
    return {
      orderId: paper.id,
      status: fills.length > 0 ? 'matched' : 'live',
      takingAmount: fills.length > 0 ? formatMicros(taking) : '',
      makingAmount: fills.length > 0 ? formatMicros(making) : '',
      tradeIds: fills.map((fill) => fill.tradeId),
      raw: { paper: true, orderID: paper.id, status: fills.length > 0 ? 'matched' : 'live' },
    };
  }

  async cancelOrder(orderId: string): Promise<CancelResult> {
    const order = this.orders.get(orderId);
    if (!order || order.status !== 'live') {
      return {
        cancelled: [],
        notCancelled: { [orderId]: order ? `order is ${order.status}` : 'order not found' },
      };
    }
    order.status = 'cancelled';
    return { cancelled: [orderId], notCancelled: {} };
  }

  async getOrder(orderId: string): Promise<VenueOrder | null> {
    const order = this.orders.get(orderId);
    if (!order) return null;
    this.expireIfDue(order);
    return this.view(order);
  }

  async getOpenOrders(filter: { tokenId?: string; conditionId?: string } = {}): Promise<VenueOrder[]> {
    const out: VenueOrder[] = [];
    for (const order of this.orders.values()) {
      this.expireIfDue(order);
      if (order.status !== 'live') continue;
      if (filter.tokenId && order.tokenId !== filter.tokenId) continue;
      if (filter.conditionId && order.conditionId !== filter.conditionId) continue;
      out.push(this.view(order));
    }
    return out;
  }

  async getFills(query: FillQuery = {}): Promise<VenueFill[]> {
    return this.fills.filter(
      (fill) =>
        (query.tokenId === undefined || fill.tokenId === query.tokenId) &&
        (query.conditionId === undefined || fill.conditionId === query.conditionId) &&
        (query.orderId === undefined || fill.orderId === query.orderId) &&
        (query.since === undefined || fill.matchedAt >= query.since),
    );
  }

  async getBalance(_options: BalanceOptions = {}): Promise<string> {
    this.assertConnected();
    return formatMicros(this.balance);
  }

  async getTokenBalance(tokenId: string, _options: BalanceOptions = {}): Promise<string> {
    return formatMicros(this.holdings.get(tokenId) ?? ZERO);
  }

  async getBook(tokenId: string): Promise<VenueBook> {
    const book = this.books.book(tokenId);
    if (!book) throw new VenueError('venue_no_book', `no live book for token ${tokenId}`, 404);
    const view = (levels: Level[]) =>
      levels.map((l) => ({ price: formatMicros(l.price), size: formatMicros(l.size) }));
    return {
      tokenId,
      bids: view(toLevels(book.bids)),
      asks: view(toLevels(book.asks)),
      timestamp: book.timestamp ?? this.clock.now(),
      tickSize: book.tickSize ? parseTickSize(book.tickSize) : null,
      minOrderSize: book.minOrderSize ?? null,
      negRisk: book.negRisk ?? null,
    };
  }

  async getMarketRules(tokenId: string): Promise<MarketRules> {
    const rules = await this.getPaperRules(tokenId);
    return { tickSize: rules.tickSize, minOrderSize: rules.minOrderSize, negRisk: rules.negRisk };
  }

  /** The feed announced a new tick (B2): validate on it at once, as the real venue would. */
  onTickSizeChange(tokenId: string, tickSize: TickSize): void {
    this.announcedTicks.set(tokenId, tickSize);
  }

  onFill(listener: FillListener): void {
    this.listeners.push(listener);
  }

  /** Matches resting orders of the token against its new book: a crossing book fills them at their limit. */
  onBookUpdate(tokenId: string): void {
    const book = this.books.book(tokenId);
    for (const order of this.orders.values()) {
      if (order.tokenId !== tokenId || order.status !== 'live') continue;
      if (this.expireIfDue(order) || !book) continue;
      const remaining = order.originalSize - order.sizeMatched;
      if (remaining <= ZERO) continue;
      const usage = this.usage(tokenId, book);
      const opposite = toLevels(order.side === 'BUY' ? book.asks : book.bids);
      const available = (level: Level): Micros =>
        level.size - (usage.get(levelKey(order.side, level)) ?? ZERO);
      const match = matchTaker(order.side, order.price, opposite, { shares: remaining }, available);
      for (const fill of match.fills) {
        usage.set(levelKey(order.side, fill), (usage.get(levelKey(order.side, fill)) ?? ZERO) + fill.size);
        // A resting order is the maker: it trades at its own limit price and pays no taker fee.
        const venueFill = this.execute(order, { price: order.price, size: fill.size }, 'MAKER');
        for (const listener of this.listeners) listener(venueFill);
      }
      if (order.sizeMatched >= order.originalSize) order.status = 'matched';
    }
  }

  async close(): Promise<void> {
    this.connected = false;
  }

  private execute(order: PaperOrder, fill: TakerFill, role: 'TAKER' | 'MAKER'): VenueFill {
    const collateral = mulMicros(fill.size, fill.price, 'down');
    const fee = role === 'TAKER' ? takerFeeFor(fill.size, fill.price, order.fee) : ZERO;
    const held = this.holdings.get(order.tokenId) ?? ZERO;
    if (order.side === 'BUY') {
      this.balance -= collateral + fee;
      this.holdings.set(order.tokenId, held + fill.size);
    } else {
      this.balance += collateral - fee;
      this.holdings.set(order.tokenId, held - fill.size);
    }
    order.sizeMatched += fill.size;
    this.tradeSeq += 1;
    const tradeId = `paper-${order.id.slice(2, 14)}-${this.tradeSeq}`;
    order.tradeIds.push(tradeId);
    const venueFill: VenueFill = {
      tradeId,
      orderId: order.id,
      tokenId: order.tokenId,
      conditionId: order.conditionId,
      side: order.side,
      price: formatMicros(fill.price),
      size: formatMicros(fill.size),
      fee: formatMicros(fee),
      matchedAt: this.clock.now(),
      role,
      status: 'CONFIRMED',
      raw: { paper: true },
    };
    this.fills.push(venueFill);
    return venueFill;
  }

  /** The venue refuses orders the account cannot cover, counting what its open orders already need. */
  private assertFunds(order: PreparedOrder, needed: Micros): void {
    let locked = ZERO;
    for (const open of this.orders.values()) {
      if (open.status !== 'live' || open.side !== order.side) continue;
      if (order.side === 'SELL' && open.tokenId !== order.tokenId) continue;
      const remaining = open.originalSize - open.sizeMatched;
      locked += order.side === 'BUY' ? mulMicros(remaining, open.price, 'up') : remaining;
    }
    const have = order.side === 'BUY' ? this.balance : (this.holdings.get(order.tokenId) ?? ZERO);
    if (needed + locked > have) {
      throw new VenueRejectedError(
        'INVALID_ORDER_NOT_ENOUGH_BALANCE',
        `not enough balance / allowance: the balance is not enough -> balance: ${formatMicros(have - locked)}`,
        400,
      );
    }
  }

  private expireIfDue(order: PaperOrder): boolean {
    if (order.status === 'live' && order.expiration > 0 && order.expiration * 1000 <= this.clock.now()) {
      order.status = 'cancelled';
      return true;
    }
    return false;
  }

  private usage(tokenId: string, book: BookLike): Map<string, Micros> {
    // The same snapshot (same venue timestamp, or the same object when it has none) keeps its usage.
    const entry = this.consumed.get(tokenId);
    const same = book.timestamp !== undefined ? entry?.timestamp === book.timestamp : entry?.book === book;
    if (entry && same) return entry.used;
    const used = new Map<string, Micros>();
    this.consumed.set(tokenId, { book, timestamp: book.timestamp, used });
    return used;
  }

  private async feeSchedule(conditionId: string): Promise<FeeSchedule | null> {
    if (!this.fees) return null;
    try {
      return await this.fees.schedule(conditionId);
    } catch (error) {
      this.log.warn('fee schedule unavailable; this paper fill pays no fee', {
        conditionId,
        error: describeError(error),
      });
      return null;
    }
  }

  private async getPaperRules(tokenId: string): Promise<PaperMarketRules> {
    const known = await this.rules.rules(tokenId);
    if (known) {
      // The catalogue follows a tick change asynchronously: the announced tick wins until it agrees.
      const announced = this.announcedTicks.get(tokenId);
      if (announced !== undefined && announced !== known.tickSize) return { ...known, tickSize: announced };
      this.announcedTicks.delete(tokenId);
      return known;
    }
    const book = this.books.book(tokenId);
    if (book?.tickSize && book.minOrderSize) {
      return {
        tickSize: parseTickSize(book.tickSize),
        minOrderSize: book.minOrderSize,
        negRisk: book.negRisk ?? false,
      };
    }
    throw new VenueRejectedError('MARKET_NOT_FOUND', `market not found for token ${tokenId}`, 404);
  }

  private view(order: PaperOrder): VenueOrder {
    return {
      id: order.id,
      status: order.status,
      tokenId: order.tokenId,
      conditionId: order.conditionId,
      side: order.side,
      price: formatMicros(order.price),
      originalSize: formatMicros(order.originalSize),
      sizeMatched: formatMicros(order.sizeMatched),
      createdAt: order.createdAt,
      expiration: String(order.expiration),
      orderType: order.orderType,
      tradeIds: [...order.tradeIds],
      raw: { paper: true },
    };
  }

  private assertConnected(): void {
    if (!this.connected)
      throw new VenueError('venue_not_connected', 'the paper venue is not connected; call connect() first');
  }
}

/** Our side consumes the opposite book: a BUY uses asks, a SELL bids. */
function levelKey(side: Side, level: { price: Micros }): string {
  return `${side === 'BUY' ? 'a' : 'b'}:${level.price}`;
}

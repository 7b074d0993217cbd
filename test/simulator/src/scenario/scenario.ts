import type {
  ActivitySpec,
  ApiCreds,
  BookSpec,
  Channel,
  ConnectionsInfo,
  CreateMarketSpec,
  DelaySpec,
  DropSpec,
  FailSpec,
  Level,
  PrintTradeSpec,
  ReceivedOrder,
  RequestLogEntry,
  Side,
  SimEvent,
  SimMarket,
  Tag,
  TickSize,
} from '../types.js';
import { TICK_SIZES } from '../types.js';
import { openOrderJson, tradeJson } from '../clob/serializers.js';
import { GENERATED_EVENT_ID_BASE, GENERATED_MARKET_ID_BASE, slugify } from '../generator/generator.js';
import { MICRO, microToNumber, toMicro } from '../util/decimal.js';
import { addressFrom, bytes32, sha256Hex, tokenIdFrom } from '../util/ids.js';
import { SYSTEM_OWNER } from '../venue/records.js';
import type { Venue } from '../venue/venue.js';
import type { MarketChannel } from '../ws/market-channel.js';
import type { UserChannel } from '../ws/user-channel.js';
import { Activity } from './activity.js';

const DAY = 86_400_000;

/**
 * The test-facing controls: script markets, prints, books, balances and faults, and inspect what the
 * venue received. Every control emits what the real venue would emit for the same change.
 */
export class Scenario {
  private readonly activity: Activity;
  private setBookSeq = 0;
  private printSeq = 0;

  constructor(
    private readonly venue: Venue,
    private readonly channels: { readonly market: MarketChannel; readonly user: UserChannel },
  ) {
    this.activity = new Activity(venue, venue.config.seed);
  }

  now(): number {
    return this.venue.now();
  }

  // --- markets ---------------------------------------------------------------------------

  createMarket(spec: CreateMarketSpec): SimMarket {
    const { venue } = this;
    const { registry, config } = venue;
    if (!spec.question || typeof spec.question !== 'string')
      throw new TypeError('createMarket: question is required');
    const index = registry.size;
    const outcomes = [...(spec.outcomes ?? ['Yes', 'No'])];
    if (outcomes.length !== 2) throw new RangeError('createMarket: markets have exactly two outcomes');
    const tokenIds = [
      ...(spec.tokenIds ?? [0, 1].map((i) => tokenIdFrom(config.seed, 'scripted-token', index, i))),
    ];
    if (tokenIds.length !== 2 || tokenIds.some((t) => !/^\d+$/.test(t)) || tokenIds[0] === tokenIds[1]) {
      throw new RangeError('createMarket: tokenIds must be two distinct decimal strings');
    }
    const conditionId = spec.conditionId ?? bytes32(config.seed, 'scripted-condition', index);
    if (!/^0x[0-9a-fA-F]{64}$/.test(conditionId))
      throw new RangeError(`createMarket: bad conditionId ${conditionId}`);
    const tickSize = spec.tickSize ?? '0.01';
    if (!TICK_SIZES.includes(tickSize))
      throw new RangeError(`createMarket: unsupported tick size ${tickSize}`);
    const now = venue.now();
    const endDate = spec.endDate === undefined ? now + 30 * DAY : new Date(spec.endDate).getTime();
    if (Number.isNaN(endDate)) throw new RangeError(`createMarket: bad endDate ${String(spec.endDate)}`);
    const category = spec.category ?? 'General';
    const tags: Tag[] = (spec.tags ?? [category]).map((label) => ({
      id: String(100_000 + (parseInt(sha256Hex('tag', label).slice(0, 6), 16) % 900_000)),
      label,
      slug: slugify(label),
    }));
    const negRisk = spec.negRisk ?? false;
    const closed = spec.closed ?? false;
    const eventId = String(GENERATED_EVENT_ID_BASE + registry.allEvents().length);
    const firstBid = spec.book?.bids[0];
    const market: SimMarket = {
      index,
      id: String(GENERATED_MARKET_ID_BASE + index),
      conditionId,
      questionId: bytes32(config.seed, 'scripted-question', index),
      question: spec.question,
      description: `Scripted market: ${spec.question}`,
      slug: registry.slugs.claim(spec.question),
      category,
      tags,
      outcomes: [outcomes[0] as string, outcomes[1] as string],
      tokenIds: [tokenIds[0] as string, tokenIds[1] as string],
      eventId,
      startDate: now - DAY,
      endDate,
      createdAt: now - DAY,
      negRisk,
      negRiskMarketId: negRisk ? bytes32(config.seed, 'scripted-neg-risk', index) : null,
      groupItemTitle: '',
      tickSize,
      minOrderSize: spec.minOrderSize ?? 5,
      active: spec.active ?? true,
      closed,
      archived: false,
      acceptingOrders: !closed && (spec.active ?? true),
      feeRate: spec.feeRate ?? 0,
      feeExponent: spec.feeExponent ?? 2,
      secondsDelay: spec.secondsDelay ?? 0,
      basePrice: firstBid ? microToNumber(toMicro(firstBid.price)) : 0.5,
      liquidity: 'thin',
      volume: 0,
      volume24hr: 0,
      scripted: true,
    };
    registry.addMarket(market);
    const event: SimEvent = {
      id: eventId,
      slug: registry.slugs.claim(`${spec.question} event`),
      ticker: slugify(spec.question),
      title: spec.question,
      description: market.description,
      category,
      tags,
      negRisk,
      startDate: market.startDate,
      endDate,
      createdAt: market.createdAt,
      conditionIds: [conditionId],
    };
    registry.addEvent(event);
    venue.engine.ensureMaterialized(market);
    if (spec.book) this.placeBook(market, 0, spec.book, true);
    venue.events.emit('newMarket', { market });
    return market;
  }

  market(conditionId: string): SimMarket | undefined {
    return this.venue.registry.market(conditionId);
  }

  markets(): SimMarket[] {
    return [...this.venue.registry.allMarkets()];
  }

  events(): SimEvent[] {
    return [...this.venue.registry.allEvents()];
  }

  /** closed=true in Gamma/CLOB; orders stop being accepted and resting ones are cancelled. */
  closeMarket(conditionId: string): void {
    const market = this.requireMarket(conditionId);
    market.closed = true;
    market.acceptingOrders = false;
    const resting = [
      ...this.venue.engine.openOrdersOn(market, 0),
      ...this.venue.engine.openOrdersOn(market, 1),
    ];
    for (const order of resting)
      this.venue.engine.cancel(order.id, 'CANCELED', { silent: order.system, quietLevels: true });
    for (const assetId of market.tokenIds) this.venue.events.emit('book', { market, assetId });
  }

  // --- prices and books ------------------------------------------------------------------

  /** Records a Data-API print; a recent one (≤ 60 s old) also goes out as `last_trade_price`. */
  printTrade(spec: PrintTradeSpec): { id: string; transactionHash: string; timestamp: number } {
    const ref = this.requireToken(spec.tokenId);
    const price = toMicro(spec.price);
    const size = toMicro(spec.size);
    if (price <= 0n || price >= MICRO)
      throw new RangeError(`printTrade: price must be in (0, 1), got ${spec.price}`);
    if (size <= 0n) throw new RangeError(`printTrade: size must be > 0, got ${spec.size}`);
    this.venue.engine.ensureMaterialized(ref.market);
    const now = this.venue.now();
    const timestamp = spec.timestamp ?? now;
    const n = ++this.printSeq;
    const id = bytes32(this.venue.config.seed, 'print', n);
    const print = {
      id,
      tokenId: spec.tokenId,
      market: ref.market,
      outcomeIndex: ref.outcomeIndex,
      side: spec.side ?? ('BUY' as Side),
      size,
      price,
      timestamp,
      wallet: spec.wallet ?? addressFrom(this.venue.config.seed, 'print-wallet', n),
      makerWallet: addressFrom(this.venue.config.seed, 'print-maker', n),
      transactionHash: bytes32(this.venue.config.seed, 'print-tx', n),
      feeRateBps: '0',
    };
    this.venue.tape.add(print);
    if (now - timestamp <= 60_000 && timestamp <= now + 60_000) this.venue.events.emit('print', { print });
    return { id, transactionHash: print.transactionHash, timestamp };
  }

  /**
   * Replaces the simulator's resting liquidity on one token (users' orders stay; new levels that
   * cross them trade). Subscribers get one `book` snapshot.
   */
  setBook(tokenId: string, book: BookSpec): void {
    const ref = this.requireToken(tokenId);
    this.placeBook(ref.market, ref.outcomeIndex, book, false);
    this.venue.events.emit('book', { market: ref.market, assetId: tokenId });
  }

  setTickSize(tokenId: string, tickSize: TickSize): void {
    const ref = this.requireToken(tokenId);
    if (!TICK_SIZES.includes(tickSize))
      throw new RangeError(`setTickSize: unsupported tick size ${tickSize}`);
    const oldTick = ref.market.tickSize;
    if (oldTick === tickSize) return;
    ref.market.tickSize = tickSize;
    for (const assetId of ref.market.tokenIds) {
      this.venue.events.emit('tickSize', { market: ref.market, assetId, oldTick, newTick: tickSize });
    }
  }

  // --- balances --------------------------------------------------------------------------

  setBalance(address: string, dollars: number | string): void {
    this.venue.ledger.setCollateralDollars(address, dollars);
  }

  balanceOf(address: string): number {
    return microToNumber(this.venue.ledger.collateral(address));
  }

  setPosition(address: string, tokenId: string, shares: number | string): void {
    this.requireToken(tokenId);
    this.venue.ledger.setShares(address, tokenId, toMicro(shares));
  }

  positionOf(address: string, tokenId: string): number {
    return microToNumber(this.venue.ledger.shares(address, tokenId));
  }

  setAllowance(address: string, dollars: number | string): void {
    this.venue.ledger.setAllowance(address, toMicro(dollars));
  }

  /** Declares the proxy/safe an EOA trades for (what signature_type 1/2 balance reads resolve to). */
  linkFunder(eoa: string, funder: string): void {
    this.venue.ledger.linkFunder(eoa, funder);
  }

  setStaleBalance(stale: boolean): void {
    this.venue.ledger.stale = stale;
  }

  createApiKey(address: string): ApiCreds {
    const r = this.venue.apiKeys.ensure(address);
    return { key: r.key, secret: r.secret, passphrase: r.passphrase };
  }

  /** What /version answers, and therefore which order struct is accepted. */
  setApiVersion(version: 1 | 2): void {
    this.venue.apiVersion = version;
  }

  // --- faults ----------------------------------------------------------------------------

  failNext(spec: FailSpec): void {
    this.venue.faults.failNext(spec);
  }

  delayNext(spec: DelaySpec): void {
    this.venue.faults.delayNext(spec);
  }

  /** Destroys the socket of the next matching request without an answer (ECONNRESET). */
  dropNext(spec: DropSpec): void {
    this.venue.faults.dropNext(spec);
  }

  clearFaults(): void {
    this.venue.faults.clear();
  }

  dropConnections(channel?: Channel): void {
    if (channel === undefined || channel === 'market') this.channels.market.dropAll();
    if (channel === undefined || channel === 'user') this.channels.user.dropAll();
  }

  /** Sockets stay open and PONG is answered, but no data frames flow (a silent freeze). */
  freezeFeed(frozen: boolean, channel?: Channel): void {
    if (channel === undefined || channel === 'market') this.channels.market.freeze(frozen);
    if (channel === undefined || channel === 'user') this.channels.user.freeze(frozen);
  }

  sendRaw(frame: string, channel: Channel = 'market'): void {
    if (channel === 'market') this.channels.market.sendRaw(frame);
    else this.channels.user.sendRaw(frame);
  }

  // --- activity --------------------------------------------------------------------------

  startActivity(spec: ActivitySpec): void {
    this.activity.start(spec);
  }

  stopActivity(): void {
    this.activity.stop();
  }

  /** One synthetic trade now (deterministic given the seed and the call order). */
  tickActivity(conditionId: string): void {
    this.activity.trade(this.requireMarket(conditionId));
  }

  // --- inspection ------------------------------------------------------------------------

  receivedOrders(): ReceivedOrder[] {
    return this.venue.received.map((r) => ({ ...r }));
  }

  /** Users' resting orders (the simulator's own liquidity is left out), REST `OpenOrder` shape. */
  openOrders(): Record<string, unknown>[] {
    return this.venue.engine
      .openOrders()
      .filter((o) => o.owner !== SYSTEM_OWNER)
      .sort((a, b) => a.seq - b.seq)
      .map((o) => openOrderJson(o, this.venue.config.statusStyle));
  }

  /** Every match so far, oldest first, REST `Trade` shape from the taker's side. */
  trades(): Record<string, unknown>[] {
    return this.venue.engine.trades().map((t) => tradeJson(t, undefined, this.venue.config.statusStyle));
  }

  requestLog(): RequestLogEntry[] {
    return this.venue.requestLog.all();
  }

  clearRequestLog(): void {
    this.venue.requestLog.clear();
  }

  connections(): ConnectionsInfo {
    const market = this.channels.market.info();
    return { market: market.sockets, assetCounts: market.assetCounts, user: this.channels.user.count() };
  }

  stop(): void {
    this.activity.stop();
  }

  private placeBook(market: SimMarket, outcomeIndex: 0 | 1, book: BookSpec, silent: boolean): void {
    const { engine, config } = this.venue;
    const tick = toMicro(market.tickSize);
    const parse = (levels: readonly Level[], what: string): [bigint, bigint][] =>
      levels.map((l) => {
        const price = toMicro(l.price);
        const size = toMicro(l.size);
        if (price < tick || price > MICRO - tick || price % tick !== 0n) {
          throw new RangeError(
            `${what} price ${String(l.price)} is not on the ${market.tickSize} grid inside (0, 1)`,
          );
        }
        if (size <= 0n) throw new RangeError(`${what} size must be > 0, got ${String(l.size)}`);
        return [price, size];
      });
    const bids = parse(book.bids, 'bid');
    const asks = parse(book.asks, 'ask');
    const maxBid = bids.reduce((m, [p]) => (p > m ? p : m), 0n);
    const minAsk = asks.reduce((m, [p]) => (p < m ? p : m), MICRO);
    if (bids.length > 0 && asks.length > 0 && maxBid >= minAsk)
      throw new RangeError('setBook: bids cross asks');

    const tokenId = market.tokenIds[outcomeIndex];
    for (const order of engine.openOrdersOn(market, outcomeIndex)) {
      if (order.system) engine.cancel(order.id, 'CANCELED', { silent: true });
    }
    const generation = ++this.setBookSeq;
    let i = 0;
    const place = (side: Side, price: bigint, size: bigint): void => {
      const cost = (size * price) / MICRO;
      engine.submit(
        {
          id: bytes32(config.seed, 'set-book', tokenId, generation, i++),
          owner: SYSTEM_OWNER,
          makerAddress: this.venue.liquidityAddress,
          signerAddress: this.venue.liquidityAddress,
          system: true,
          market,
          outcomeIndex,
          side,
          price,
          size,
          makerAmount: side === 'BUY' ? cost : size,
          takerAmount: side === 'BUY' ? size : cost,
          orderType: 'GTC',
          expiration: 0,
          amountBased: false,
        },
        silent ? { silent: true } : { quietLevels: true },
      );
    };
    for (const [price, size] of bids) place('BUY', price, size);
    for (const [price, size] of asks) place('SELL', price, size);
  }

  private requireMarket(conditionId: string): SimMarket {
    const market = this.venue.registry.market(conditionId);
    if (!market) throw new RangeError(`unknown condition id ${conditionId}`);
    return market;
  }

  private requireToken(tokenId: string): { market: SimMarket; outcomeIndex: 0 | 1 } {
    const ref = this.venue.registry.token(tokenId);
    if (!ref) throw new RangeError(`unknown token id ${tokenId}`);
    return ref;
  }
}

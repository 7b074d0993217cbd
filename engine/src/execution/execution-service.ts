/**
 * The execution front door. Core hands it order requests; it checks them (risk, G5), persists the
 * intent before sending, places the order once (plus one retry of the SAME signed order when the
 * venue did not answer), records fills into orders and positions, re-reads the balance after
 * every fill (G4), watches held tokens for exits, and on startup rebuilds its state from the
 * database and the venue. Every step that moves money runs through one serial queue.
 */
import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { EngineConfig } from '../config/types.js';
import { Tokens } from '../di/tokens.js';
import { describeError } from '../errors.js';
import type { Logger } from '../monitoring/logger.js';
import type { MetricsRegistry } from '../monitoring/metrics.js';
import type {
  BalanceRepositoryApi,
  Database,
  FillRepositoryApi,
  OrderRepositoryApi,
  OrderRow,
  OrderState,
  PositionRepositoryApi,
  PositionRow,
} from '../storage/index.js';
import type { Clock } from '../util/clock.js';
import { BalanceManager } from './balance-manager.js';
import {
  ExecutionStoppedError,
  InvalidOrderError,
  VenueRejectedError,
  isOrderRejection,
  type OrderRejection,
  type RejectionReason,
} from './errors.js';
import type { Exchange, PlaceOrderResult, PreparedOrder, VenueFill } from './exchange.js';
import { ExecutionMetrics } from './execution-metrics.js';
import { exitReason, type ExitReason } from './exit-policy.js';
import { ZERO, formatMicros, minMicros, toMicros, type Micros } from './fixed.js';
import { MarketRulesCache } from './market-rules.js';
import { isTerminalState } from './order-lifecycle.js';
import { OrderManager } from './order-manager.js';
import {
  floorShares,
  parseTickSize,
  planOrder,
  type MarketRules,
  type OrderType,
  type Side,
  type TickSize,
} from './order-math.js';
import { OrderResolver } from './order-resolver.js';
import { deterministicSalt } from './order-signer.js';
import type { PaperRestoreState } from './paper-exchange.js';
import { toLevels } from './paper-matching.js';
import { PositionBook } from './position-book.js';
import type { AlertSink, BookSource, MarketRulesSource, PriceVerifier } from './ports.js';
import { RiskGate, type RiskView } from './risk-gate.js';
import { SerialQueue } from './serial-queue.js';
import { KILLED_CODES } from './venue-mapping.js';

/** What core hands to execution (structurally core's OrderRequest, plus optional fields). */
export interface OrderRequest {
  readonly strategy: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly side: Side;
  /** Limit price as a decimal string; rounded onto the tick grid (BUY down, SELL up). */
  readonly price: string;
  /** Shares, or null when `notional` is given. */
  readonly size: string | null;
  /** Dollars, or null when `size` is given. */
  readonly notional: string | null;
  readonly orderType: OrderType;
  readonly expiresInSeconds: number | null;
  readonly reason: string;
  /** The trade price the decision was made on; the live book must be within maxPriceDeviation of it (G5). */
  readonly triggerPrice?: string;
  /** An idempotency key (e.g. an approval id): a request with a known id returns that order's outcome. */
  readonly clientOrderId?: string;
  /**
   * The market's rules when the caller has them (core's MarketInfo): saves the catalogue lookup on
   * the way to the venue. Without them the catalogue (then the venue) is asked, and cached.
   */
  readonly market?: {
    readonly tickSize: string | number;
    readonly minOrderSize: string | number;
    readonly negRisk: boolean;
  };
}

/** The answer to a request (a superset of core's ExecutionOutcome). */
export interface SubmitResult {
  readonly accepted: boolean;
  readonly clientOrderId?: string;
  readonly state?: OrderState;
  /** Why it was refused, when not accepted. */
  readonly reason?: string;
  readonly code?: RejectionReason;
  /** The venue's own code when the venue refused. */
  readonly venueCode?: string;
  readonly order?: OrderRow;
}

export interface ExecutionOptions {
  /** Wait before the one retry of an unanswered placement (Retry-After wins when given, capped). */
  readonly retryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** Period of open-order reconciliation with the venue; 0 disables the timer. */
  readonly syncIntervalMs?: number;
  /** An order the venue does not know stays `unknown` this long before it is recorded as never received. */
  readonly unknownGraceMs?: number;
  /** Minimum time between two exit attempts on one market. */
  readonly exitCooldownMs?: number;
  readonly rulesTtlMs?: number;
  /** Seconds added to a GTD lifetime: the venue refuses expirations under a minute away (§16.1). */
  readonly gtdSafetySeconds?: number;
}

const DEFAULTS: Required<ExecutionOptions> = {
  retryDelayMs: 500,
  maxRetryDelayMs: 5_000,
  syncIntervalMs: 5_000,
  unknownGraceMs: 60_000,
  exitCooldownMs: 30_000,
  rulesTtlMs: 60_000,
  gtdSafetySeconds: 60,
};

/** A placement either finished (refused, idempotent hit, recovered) or awaits recording of the venue's answer. */
type PlacementStep = { readonly result: SubmitResult } | { readonly record: () => Promise<SubmitResult> };

export type ExecutionState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

export interface ReconcileReport {
  readonly checked: number;
  readonly changed: number;
  readonly newFills: number;
  /** Open orders at the venue we have no record of (placed elsewhere). */
  readonly foreignOrders: number;
  readonly failed: number;
}

export interface ExecutionStatus {
  readonly state: ExecutionState;
  readonly exchange: Exchange['kind'];
  readonly balance: string | null;
  readonly free: string | null;
  readonly reserved: string;
  readonly tradingHalted: boolean;
  readonly openOrders: number;
  readonly openPositions: number;
  readonly queueDepth: number;
}

@injectable()
export class ExecutionService {
  private state: ExecutionState = 'idle';
  private readonly options: Required<ExecutionOptions>;
  private readonly metrics: ExecutionMetrics;
  private readonly log: Logger;
  private readonly queue = new SerialQueue();
  private readonly positions = new PositionBook();
  private readonly balance: BalanceManager;
  private readonly manager: OrderManager;
  private readonly resolver: OrderResolver;
  private readonly risk: RiskGate;
  private readonly rules: MarketRulesCache;
  private readonly exiting = new Set<string>();
  private readonly lastExitAttempt = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @inject(Tokens.Config) private readonly config: EngineConfig,
    @inject(Tokens.Exchange) private readonly exchange: Exchange,
    @inject(Tokens.Database) database: Database,
    @inject(Tokens.OrderRepository) private readonly orders: OrderRepositoryApi,
    @inject(Tokens.FillRepository) private readonly fills: FillRepositoryApi,
    @inject(Tokens.PositionRepository) private readonly positionsRepo: PositionRepositoryApi,
    @inject(Tokens.BalanceRepository) private readonly reservations: BalanceRepositoryApi,
    @inject(Tokens.PriceVerifier) verifier: PriceVerifier,
    @inject(Tokens.BookSource) private readonly books: BookSource,
    @inject(Tokens.Alerts) private readonly alerts: AlertSink,
    @inject(Tokens.Clock) private readonly clock: Clock,
    @inject(Tokens.Logger) logger: Logger,
    @inject(Tokens.Metrics) metricsRegistry: MetricsRegistry,
    @inject(Tokens.MarketRulesSource, { isOptional: true }) rulesSource?: MarketRulesSource,
    @inject(Tokens.ExecutionOptions, { isOptional: true }) options?: ExecutionOptions,
  ) {
    this.options = { ...DEFAULTS, ...(options ?? {}) };
    this.metrics = new ExecutionMetrics(metricsRegistry);
    this.log = logger.child({ component: 'execution' });
    this.balance = new BalanceManager(exchange, reservations, config, alerts, this.metrics, this.log);
    this.manager = new OrderManager(
      database,
      orders,
      fills,
      positionsRepo,
      reservations,
      this.balance,
      this.positions,
      this.metrics,
      alerts,
      clock,
      this.log,
    );
    this.resolver = new OrderResolver(
      exchange,
      this.manager,
      clock,
      this.metrics,
      this.log,
      this.options.unknownGraceMs,
    );
    this.risk = new RiskGate(config, this.riskView(), verifier);
    this.rules = new MarketRulesCache(rulesSource, exchange, clock, this.options.rulesTtlMs);
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Connects the venue (live mode fails fast here with a LiveModeError), then rehydrates: balance
   * from the venue, open positions, open and unresolved orders with their reservations, and a
   * reconciliation of every one of them with the venue (fills and states missed while down).
   */
  async start(): Promise<ReconcileReport> {
    if (this.state !== 'idle') throw new Error(`execution cannot start from state ${this.state}`);
    this.state = 'starting';
    try {
      const report = await this.queue.run(() => this.rehydrate());
      this.state = 'running';
      if (this.options.syncIntervalMs > 0) {
        this.timer = setInterval(() => this.scheduleSync(), this.options.syncIntervalMs);
        this.timer.unref();
      }
      return report;
    } catch (error) {
      this.state = 'failed';
      throw error;
    }
  }

  /** Stops intake, finishes the job in hand and everything queued, and closes the venue. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.queue.drain();
    await this.exchange.close();
    this.state = 'stopped';
    this.log.info('execution stopped', { openOrders: this.manager.openOrders().length });
  }

  get status(): ExecutionStatus {
    const balance = this.balance.current;
    const free = this.balance.free;
    return {
      state: this.state,
      exchange: this.exchange.kind,
      balance: balance === null ? null : formatMicros(balance),
      free: free === null ? null : formatMicros(free),
      reserved: formatMicros(this.balance.reserved),
      tradingHalted: this.balance.isHalted,
      openOrders: this.manager.openOrders().length,
      openPositions: this.positions.count,
      queueDepth: this.queue.depth,
    };
  }

  openOrders(): OrderRow[] {
    return this.manager.openOrders();
  }

  openPositions(): PositionRow[] {
    return this.positions.all();
  }

  // ------------------------------------------------------------------ orders

  /** Checks, persists and places one order; refusals come back as `accepted: false` with the reason. */
  async submit(request: OrderRequest): Promise<SubmitResult> {
    const received = performance.now();
    if (this.state !== 'running' && this.state !== 'starting')
      return this.refused(new ExecutionStoppedError(), request);
    try {
      const step = await this.queue.run(() => this.place(request, received));
      // Recording the venue's answer is a job of its own, so the next order is sent first.
      return 'result' in step ? step.result : await this.queue.run(step.record);
    } catch (error) {
      if (isOrderRejection(error)) return this.refused(error, request);
      this.metrics.errors.inc({ operation: 'submit' });
      this.log.error('order submission failed', { tokenId: request.tokenId, error: describeError(error) });
      throw error;
    }
  }

  /** Cancels an open order at the venue and records the outcome (fills that came first are kept). */
  async cancel(clientOrderId: string): Promise<SubmitResult> {
    return this.queue.run(async () => {
      const row = this.manager.get(clientOrderId) ?? (await this.orders.findByClientOrderId(clientOrderId));
      if (!row) return { accepted: false, clientOrderId, reason: `no order ${clientOrderId}` };
      if (isTerminalState(row.state)) return this.outcome(row, false, `order is already ${row.state}`);
      const venueId = row.venueOrderId ?? row.orderHash;
      if (venueId) {
        const result = await this.exchange.cancelOrder(venueId);
        const refusal = result.notCancelled[venueId];
        if (refusal) this.log.warn('venue did not cancel the order', { clientOrderId, reason: refusal });
      }
      const { row: next, newFills } = await this.resolver.resolve(row);
      if (newFills.length > 0) await this.balance.refresh('fill');
      return this.outcome(next, next.state === 'cancelled' || next.state === 'expired');
    });
  }

  /** Reconciles every open or unresolved order with the venue now. */
  syncOpenOrders(): Promise<ReconcileReport> {
    return this.queue.run(() => this.reconcileOpenOrders(false));
  }

  /** Re-reads the balance from the venue (with its cache refresh, G4). */
  refreshBalance(): Promise<string> {
    return this.queue.run(async () => formatMicros(await this.balance.refresh('manual')));
  }

  /** A book changed: the paper venue matches resting orders, and held tokens are checked for exits. */
  onBookUpdate(tokenId: string): void {
    if (this.state !== 'running') return;
    this.exchange.onBookUpdate?.(tokenId);
    this.evaluateExit(tokenId);
  }

  /**
   * The venue changed a token's tick size (B2): the next order is planned on the new grid. With
   * the announced tick it is used at once; without it (or when it cannot be read) the next order
   * asks the venue, never the catalogue, which may not have caught up yet.
   */
  onTickSizeChange(tokenId: string, newTickSize?: string | number): void {
    let tick: TickSize | undefined;
    if (newTickSize !== undefined) {
      try {
        tick = parseTickSize(newTickSize);
      } catch {
        this.log.warn('tick_size_change with an unusable tick; the venue will be asked', {
          tokenId,
          tickSize: newTickSize,
        });
      }
    }
    this.rules.tickSizeChanged(tokenId, tick);
    if (tick !== undefined) this.exchange.onTickSizeChange?.(tokenId, tick);
  }

  // ------------------------------------------------------------------ placement

  private async place(request: OrderRequest, received: number): Promise<PlacementStep> {
    if (this.state !== 'running' && this.state !== 'starting') throw new ExecutionStoppedError();
    if (request.clientOrderId) {
      const existing =
        this.manager.get(request.clientOrderId) ??
        (await this.orders.findByClientOrderId(request.clientOrderId));
      if (existing) return { result: this.outcome(existing, existing.state !== 'rejected') };
    }
    if (request.side !== 'BUY' && request.side !== 'SELL') {
      throw new InvalidOrderError('invalid_order', `side ${JSON.stringify(request.side)} is not BUY or SELL`);
    }
    if (request.orderType === 'GTD' && !(request.expiresInSeconds && request.expiresInSeconds > 0)) {
      throw new InvalidOrderError('invalid_order', 'a GTD order needs expiresInSeconds');
    }
    // Rules the caller holds predate a tick change the venue announced since (B2).
    const rules: MarketRules =
      request.market && !this.rules.changed(request.tokenId)
        ? {
            tickSize: parseTickSize(request.market.tickSize),
            minOrderSize: String(request.market.minOrderSize),
            negRisk: request.market.negRisk,
          }
        : await this.rules.get(request.tokenId);
    const plan = planOrder(
      {
        side: request.side,
        orderType: request.orderType,
        price: request.price,
        size: request.size,
        notional: request.notional,
      },
      rules,
    );
    if (request.side === 'BUY') this.risk.checkEntry(request, plan);
    else this.risk.checkExit(request, plan);
    await this.risk.verifyPrice(request.tokenId, request.triggerPrice ?? request.price, request.side);

    const now = this.clock.now();
    const clientOrderId = request.clientOrderId ?? randomUUID();
    const expiresAt =
      request.orderType === 'GTD'
        ? now + ((request.expiresInSeconds ?? 0) + this.options.gtdSafetySeconds) * 1000
        : null;
    const prepared = await this.exchange.prepare({
      clientOrderId,
      tokenId: request.tokenId,
      conditionId: request.conditionId,
      side: request.side,
      orderType: request.orderType,
      price: formatMicros(plan.price),
      size: formatMicros(plan.shares),
      makerAmount: plan.makerAmount.toString(),
      takerAmount: plan.takerAmount.toString(),
      expiration: expiresAt === null ? '0' : String(Math.floor(expiresAt / 1000)),
      salt: deterministicSalt(clientOrderId),
      timestamp: String(now),
      tickSize: plan.tickSize,
      negRisk: rules.negRisk,
    });
    const row = await this.manager.persistIntent(prepared, {
      strategy: request.strategy,
      notional: plan.notional,
      expiresAt,
      dryRun: this.exchange.kind === 'paper',
      createdAt: now,
    });
    this.log.info('order intent persisted', {
      clientOrderId,
      side: request.side,
      tokenId: request.tokenId,
      price: prepared.price,
      size: prepared.size,
      orderType: request.orderType,
      reason: request.reason,
    });
    this.metrics.preSendLatency.observe(
      { exchange: this.exchange.kind },
      (performance.now() - received) / 1000,
    );
    return this.send(row, prepared);
  }

  /**
   * Sends once; when the venue did not answer, checks whether the order landed and re-sends the
   * same signed order once. A venue answer is recorded by the returned `record` step.
   */
  private async send(row: OrderRow, prepared: PreparedOrder): Promise<PlacementStep> {
    const started = performance.now();
    try {
      const result = await this.exchange.placeOrder(prepared);
      return { record: () => this.recordPlacement(row, result, started) };
    } catch (first) {
      return { result: await this.recover(row, prepared, first, started) };
    }
  }

  /** The first send failed: refusal, or no answer (look the order up by its hash, then re-send it once). */
  private async recover(
    row: OrderRow,
    prepared: PreparedOrder,
    first: unknown,
    started: number,
  ): Promise<SubmitResult> {
    let result: PlaceOrderResult;
    if (first instanceof VenueRejectedError) return this.venueRefused(row, prepared, first, started);
    this.log.warn('order placement got no answer; checking the venue, then retrying once', {
      clientOrderId: row.clientOrderId,
      error: describeError(first),
    });
    this.alerts.alert({
      severity: 'warning',
      title: 'Order submission failed; retrying once',
      detail: `${row.side} ${row.size} @ ${row.price} on ${row.tokenId}: ${describeError(first)}`,
    });
    const retryAfter = (first as { retryAfterMs?: number }).retryAfterMs;
    await sleep(Math.min(Math.max(retryAfter ?? this.options.retryDelayMs, 0), this.options.maxRetryDelayMs));
    const landed = await this.lookup(prepared.orderHash);
    if (landed) {
      this.metrics.retries.inc({ outcome: 'already_at_venue' });
      const { row: next, newFills } = await this.resolver.adopt(row, landed);
      return this.afterPlacement(next, newFills, started, 'ok');
    }
    try {
      result = await this.exchange.placeOrder(prepared);
      this.metrics.retries.inc({ outcome: 'ok' });
    } catch (second) {
      if (second instanceof VenueRejectedError) {
        this.metrics.retries.inc({ outcome: 'rejected' });
        return this.venueRefused(row, prepared, second, started);
      }
      this.metrics.retries.inc({ outcome: 'failed' });
      const next = await this.manager.settle(row, 'unknown', { error: describeError(second) });
      this.metrics.submissionLatency.observe(
        { exchange: this.exchange.kind, outcome: 'unknown' },
        (performance.now() - started) / 1000,
      );
      this.metrics.rejections.inc({ reason: 'venue_unavailable' });
      this.log.error('order outcome unknown after one retry; it will be reconciled with the venue', {
        clientOrderId: row.clientOrderId,
        error: describeError(second),
      });
      this.alerts.alert({
        severity: 'critical',
        title: 'Order outcome unknown',
        detail: `${row.clientOrderId}: the venue did not answer twice (${describeError(second)}); reconciling by order hash`,
      });
      return { ...this.outcome(next, false, describeError(second)), code: 'venue_unavailable' };
    }
    return this.recordPlacement(row, result, started);
  }

  /** Records a venue's answer: the immediate fills, the state, the balance re-read (G4). */
  private async recordPlacement(
    placed: OrderRow,
    result: PlaceOrderResult,
    started: number,
  ): Promise<SubmitResult> {
    // Another job (a sync, a pushed fill) may have moved the order since it was sent.
    const row =
      this.manager.get(placed.clientOrderId) ??
      (await this.orders.findByClientOrderId(placed.clientOrderId)) ??
      placed;
    if (isTerminalState(row.state)) return this.afterPlacement(row, [], started, 'ok');
    const matched = result.status === 'matched' || result.tradeIds.length > 0;
    let fills: VenueFill[] = [];
    if (matched) {
      try {
        fills = await this.resolver.fillsOf(row);
      } catch (error) {
        // The order stays open with its fills pending; the next sync imports them.
        this.metrics.errors.inc({ operation: 'fetch_fills' });
        this.log.warn('fills of a matched order could not be fetched yet', {
          clientOrderId: row.clientOrderId,
          error: describeError(error),
        });
      }
    }
    const shares = row.side === 'BUY' ? result.takingAmount : result.makingAmount;
    const { row: next, newFills } = await this.manager.applyVenue(row, fills, {
      status: result.status,
      matched: shares ? toMicros(shares, 'down') : ZERO,
      response: result.raw,
    });
    return this.afterPlacement(next, newFills, started, 'ok');
  }

  private async afterPlacement(
    row: OrderRow,
    newFills: readonly VenueFill[],
    started: number,
    outcome: string,
  ): Promise<SubmitResult> {
    this.metrics.submissionLatency.observe(
      { exchange: this.exchange.kind, outcome },
      (performance.now() - started) / 1000,
    );
    if (newFills.length > 0) await this.balance.refresh('fill');
    this.log.info('order placed', {
      clientOrderId: row.clientOrderId,
      state: row.state,
      filled: row.filledSize,
    });
    return this.outcome(row, true);
  }

  private async venueRefused(
    row: OrderRow,
    prepared: PreparedOrder,
    error: VenueRejectedError,
    started: number,
  ): Promise<SubmitResult> {
    if (error.venueCode === 'INVALID_ORDER_DUPLICATED') {
      // The venue already holds this exact signed order: adopt it rather than fail.
      const landed = await this.lookup(prepared.orderHash);
      if (landed) {
        const { row: next, newFills } = await this.resolver.adopt(row, landed);
        return this.afterPlacement(next, newFills, started, 'ok');
      }
      // The venue holds it but cannot show it now: reconciliation resolves it by its hash.
      const next = await this.manager.settle(row, 'unknown', {
        error: `${error.venueCode}: ${error.message}`,
      });
      this.metrics.submissionLatency.observe(
        { exchange: this.exchange.kind, outcome: 'unknown' },
        (performance.now() - started) / 1000,
      );
      return {
        ...this.outcome(next, false, error.message),
        code: 'venue_unavailable',
        venueCode: error.venueCode,
      };
    }
    if (error.venueCode === 'INVALID_ORDER_MIN_TICK_SIZE') this.rules.invalidate(row.tokenId);
    const killed = KILLED_CODES.has(error.venueCode);
    const next = await this.manager.settle(row, killed ? 'cancelled' : 'rejected', {
      error: `${error.venueCode}: ${error.message}`,
    });
    this.metrics.submissionLatency.observe(
      { exchange: this.exchange.kind, outcome: 'rejected' },
      (performance.now() - started) / 1000,
    );
    this.metrics.rejections.inc({ reason: 'venue_rejected' });
    this.log.warn('venue refused the order', {
      clientOrderId: row.clientOrderId,
      venueCode: error.venueCode,
      error: error.message,
    });
    if (error.venueCode === 'INVALID_ORDER_NOT_ENOUGH_BALANCE')
      await this.balance.refresh('venue_balance_reject');
    return {
      ...this.outcome(next, false, error.message),
      code: 'venue_rejected',
      venueCode: error.venueCode,
    };
  }

  /** The venue's record of an order, or null when it does not know it or cannot be asked now. */
  private async lookup(orderHash: string) {
    try {
      return await this.exchange.getOrder(orderHash);
    } catch (error) {
      this.log.warn('could not look the order up at the venue', { orderHash, error: describeError(error) });
      return null;
    }
  }

  // ------------------------------------------------------------------ reconciliation

  private async rehydrate(): Promise<ReconcileReport> {
    await this.exchange.connect();
    this.exchange.onFill?.((fill) => this.onVenueFill(fill));
    await this.balance.refresh('startup');
    this.positions.load(await this.positionsRepo.listOpen());
    await this.loadHoldStarts();
    this.metrics.openPositions.set(this.positions.count);
    const rows = [...(await this.orders.listOpen()), ...(await this.orders.listUnresolvedIntents())];
    for (const row of rows) {
      this.manager.track(row);
      const reservation = this.balance.reservationOf(row.clientOrderId);
      if (reservation > ZERO) await this.reservations.reserve(row.clientOrderId, formatMicros(reservation));
    }
    const restore = (this.exchange as Exchange & { restore?: (state: PaperRestoreState) => void }).restore;
    if (restore) {
      restore.call(this.exchange, {
        orders: rows
          .filter(
            (row) =>
              row.venueOrderId &&
              (row.state === 'live' || row.state === 'partially_filled' || row.state === 'delayed'),
          )
          .map((row) => ({
            orderId: row.venueOrderId as string,
            clientOrderId: row.clientOrderId,
            tokenId: row.tokenId,
            conditionId: row.conditionId,
            side: row.side,
            orderType: row.orderType,
            price: row.price,
            size: row.size,
            filledSize: row.filledSize,
            createdAt: row.createdAt.getTime(),
            expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
          })),
        holdings: this.positions.all().map((p) => ({ tokenId: p.tokenId, size: p.size })),
      });
    }
    const report = await this.reconcileOpenOrders(true);
    this.log.info('execution rehydrated', {
      exchange: this.exchange.kind,
      balance: this.status.balance,
      reserved: this.status.reserved,
      positions: this.positions.count,
      ...report,
    });
    return report;
  }

  /**
   * G10: a position's hold starts at its earliest BUY fill, which can be older than the row's
   * opened_at (fills imported later, out of order). Fills of an earlier position in the same
   * market — before the last SELL that preceded this one — do not count.
   */
  private async loadHoldStarts(): Promise<void> {
    for (const position of this.positions.all()) {
      const opened = position.openedAt.getTime();
      const fills: { side: string; at: number }[] = [];
      for (const order of await this.orders.listByCondition(position.conditionId)) {
        for (const fill of await this.fills.listByOrder(order.clientOrderId)) {
          fills.push({ side: fill.side, at: fill.filledAt.getTime() });
        }
      }
      const boundary = Math.max(
        -Infinity,
        ...fills.filter((f) => f.side === 'SELL' && f.at < opened).map((f) => f.at),
      );
      for (const fill of fills) {
        if (fill.side === 'BUY' && fill.at > boundary) this.positions.noteBuy(position.conditionId, fill.at);
      }
    }
  }

  private async reconcileOpenOrders(checkForeign: boolean): Promise<ReconcileReport> {
    let changed = 0;
    let newFills = 0;
    let failed = 0;
    const rows = this.manager.openOrders();
    for (const row of rows) {
      try {
        const result = await this.resolver.resolve(row);
        if (result.row.state !== row.state || result.newFills.length > 0) changed += 1;
        newFills += result.newFills.length;
      } catch (error) {
        failed += 1;
        this.metrics.errors.inc({ operation: 'reconcile' });
        this.log.warn('could not reconcile an order with the venue; will retry', {
          clientOrderId: row.clientOrderId,
          error: describeError(error),
        });
      }
    }
    let foreignOrders = 0;
    if (checkForeign) {
      try {
        for (const venueOrder of await this.exchange.getOpenOrders()) {
          if (this.manager.byVenueOrderId(venueOrder.id)) continue;
          const known = await this.orders.findByVenueOrderId(venueOrder.id);
          if (known) continue;
          foreignOrders += 1;
          this.log.warn('the venue holds an open order polybot did not place', {
            orderId: venueOrder.id,
            tokenId: venueOrder.tokenId,
          });
        }
      } catch (error) {
        failed += 1;
        this.metrics.errors.inc({ operation: 'reconcile' });
        this.log.warn("could not list the venue's open orders", { error: describeError(error) });
      }
    }
    if (newFills > 0) await this.balance.refresh('fill');
    return { checked: rows.length, changed, newFills, foreignOrders, failed };
  }

  private scheduleSync(): void {
    if (this.state !== 'running' || this.manager.openOrders().length === 0 || this.queue.depth > 0) return;
    this.queue
      .run(() => this.reconcileOpenOrders(false))
      .catch((error: unknown) => {
        this.metrics.errors.inc({ operation: 'sync' });
        this.log.error('order sync failed', { error: describeError(error) });
      });
  }

  /** A fill pushed by the venue (the paper venue's resting orders): recorded through the queue. */
  private onVenueFill(fill: VenueFill): void {
    this.queue
      .run(async () => {
        const row = this.manager.byVenueOrderId(fill.orderId);
        if (!row) {
          this.log.warn('fill for an order execution does not track', {
            orderId: fill.orderId,
            tradeId: fill.tradeId,
          });
          return;
        }
        const venue = await this.exchange.getOrder(fill.orderId);
        const { newFills } = await this.manager.applyVenue(row, [fill], {
          status: venue?.status ?? 'live',
          matched: venue ? toMicros(venue.sizeMatched, 'down') : null,
          response: venue?.raw,
        });
        if (newFills.length > 0) await this.balance.refresh('fill');
      })
      .catch((error: unknown) => {
        this.metrics.errors.inc({ operation: 'record_fill' });
        this.log.error('a venue fill could not be recorded; the next sync retries', {
          tradeId: fill.tradeId,
          error: describeError(error),
        });
      });
  }

  // ------------------------------------------------------------------ exits

  private evaluateExit(tokenId: string): void {
    const position = this.positions.ofToken(tokenId);
    if (!position || this.exiting.has(position.conditionId)) return;
    const now = this.clock.now();
    const last = this.lastExitAttempt.get(position.conditionId);
    if (last !== undefined && now - last < this.options.exitCooldownMs) return;
    const bids = toLevels(this.books.book(tokenId)?.bids);
    const bestBid = bids[0]?.price ?? null;
    const reason = exitReason(bestBid, this.positions.heldSince(position), now, this.config.exits);
    if (!reason || bestBid === null) return;
    this.exiting.add(position.conditionId);
    this.lastExitAttempt.set(position.conditionId, now);
    this.queue
      .run(() => this.exit(position.conditionId, tokenId, reason, bestBid))
      .catch((error: unknown) => {
        this.metrics.exits.inc({ reason, outcome: 'error' });
        this.metrics.errors.inc({ operation: 'exit' });
        this.log.error('exit failed', {
          conditionId: position.conditionId,
          reason,
          error: describeError(error),
        });
      })
      .finally(() => this.exiting.delete(position.conditionId));
  }

  /** G12: sync the position with the venue's holdings, then sell what is really held at the best bid (FAK). */
  private async exit(
    conditionId: string,
    tokenId: string,
    reason: ExitReason,
    bestBid: Micros,
  ): Promise<void> {
    const position = this.positions.get(conditionId);
    if (!position || position.tokenId !== tokenId || this.state !== 'running') return;
    const ours = toMicros(position.size);
    const venue = toMicros(await this.exchange.getTokenBalance(tokenId, { refresh: true }), 'down');
    let held = ours;
    if (venue < ours) {
      held = await this.shrinkPosition(position, venue, bestBid);
      if (held <= ZERO) {
        this.metrics.exits.inc({ reason, outcome: 'not_held' });
        return;
      }
    } else {
      this.metrics.positionSyncs.inc({ outcome: 'in_sync' });
    }
    const rules = await this.rules.get(tokenId);
    const openSells = this.openSellShares(tokenId);
    const sellable = floorShares(minMicros(held, venue) - openSells);
    if (sellable < toMicros(rules.minOrderSize, 'up')) {
      this.metrics.exits.inc({ reason, outcome: 'dust' });
      this.log.info('exit skipped: what is left is under the minimum order size', {
        conditionId,
        sellable: formatMicros(sellable),
        minOrderSize: rules.minOrderSize,
      });
      return;
    }
    const price = formatMicros(bestBid);
    try {
      const step = await this.place(
        {
          strategy: position.strategy,
          tokenId,
          conditionId,
          side: 'SELL',
          price,
          size: formatMicros(sellable),
          notional: null,
          orderType: 'FAK',
          expiresInSeconds: null,
          reason: `exit: ${reason} (best bid ${price})`,
          triggerPrice: price,
        },
        performance.now(),
      );
      const result = 'result' in step ? step.result : await step.record();
      this.metrics.exits.inc({ reason, outcome: result.accepted ? 'submitted' : 'refused' });
      this.log.info('exit order placed', {
        conditionId,
        reason,
        price,
        size: formatMicros(sellable),
        state: result.state,
      });
    } catch (error) {
      if (!isOrderRejection(error)) throw error;
      this.metrics.exits.inc({ reason, outcome: 'refused' });
      this.metrics.rejections.inc({ reason: error.reason });
      this.log.warn('exit refused', { conditionId, reason, error: error.message });
    }
  }

  /** Our position says more than the venue holds (sold elsewhere): bring the record down to the venue's figure. */
  private async shrinkPosition(position: PositionRow, venue: Micros, price: Micros): Promise<Micros> {
    const ours = toMicros(position.size);
    this.log.warn('position larger than the venue holds; syncing it (G12)', {
      conditionId: position.conditionId,
      ours: formatMicros(ours),
      venue: formatMicros(venue),
    });
    if (venue <= ZERO) {
      const closed = await this.positionsRepo.close(position.conditionId, { at: this.clock.now() });
      if (closed) this.positions.apply(closed);
      this.metrics.positionSyncs.inc({ outcome: 'closed' });
    } else {
      const row = await this.positionsRepo.applyFill({
        tokenId: position.tokenId,
        conditionId: position.conditionId,
        strategy: position.strategy,
        side: 'SELL',
        price: formatMicros(price),
        size: formatMicros(ours - venue),
        at: this.clock.now(),
      });
      this.positions.apply(row);
      this.metrics.positionSyncs.inc({ outcome: 'reduced' });
    }
    this.metrics.openPositions.set(this.positions.count);
    this.alerts.alert({
      severity: 'warning',
      title: 'Position changed outside polybot',
      detail: `${position.conditionId}: recorded ${formatMicros(ours)} shares, the venue holds ${formatMicros(venue)}`,
    });
    return venue;
  }

  // ------------------------------------------------------------------ views and helpers

  private openSellShares(tokenId: string): Micros {
    let total = ZERO;
    for (const row of this.manager.openOrders()) {
      if (row.side === 'SELL' && row.tokenId === tokenId)
        total += toMicros(row.size) - toMicros(row.filledSize);
    }
    return total;
  }

  private riskView(): RiskView {
    return {
      freeBalance: () => this.balance.free,
      isHalted: () => this.balance.isHalted,
      openPositionCount: () => this.positions.count,
      hasPosition: (conditionId) => this.positions.get(conditionId) !== undefined,
      hasOpenEntry: (conditionId) =>
        this.manager.openOrders().some((row) => row.side === 'BUY' && row.conditionId === conditionId),
      pendingEntryCount: () => {
        const conditions = new Set<string>();
        for (const row of this.manager.openOrders()) {
          if (row.side === 'BUY' && !this.positions.get(row.conditionId)) conditions.add(row.conditionId);
        }
        return conditions.size;
      },
      heldShares: (tokenId) => this.positions.heldShares(tokenId),
      openSellShares: (tokenId) => this.openSellShares(tokenId),
    };
  }

  private outcome(row: OrderRow, accepted: boolean, reason?: string): SubmitResult {
    return {
      accepted,
      clientOrderId: row.clientOrderId,
      state: row.state,
      order: row,
      ...(reason !== undefined ? { reason } : row.error ? { reason: row.error } : {}),
    };
  }

  private refused(error: Error & OrderRejection, request: OrderRequest): SubmitResult {
    this.metrics.rejections.inc({ reason: error.reason });
    this.log.info('order refused', {
      reason: error.reason,
      tokenId: request.tokenId,
      side: request.side,
      strategy: request.strategy,
      detail: error.message,
    });
    return { accepted: false, reason: error.message, code: error.reason };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

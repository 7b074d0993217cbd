/**
 * Orders, fills, positions and reservations in the database, kept atomic per step and mirrored in
 * memory for the risk gate. The intent (with its venue id and signed payload) and its reservation
 * are committed before anything is sent; fills are idempotent by trade id; a fill updates the
 * order and the position in the same transaction; a terminal order releases its reservation.
 */
import type { Logger } from '../monitoring/logger.js';
import {
  PositionError,
  type BalanceRepositoryApi,
  type Database,
  type FillRepositoryApi,
  type OrderRepositoryApi,
  type OrderRow,
  type OrderState,
  type OrderUpdate,
  type PositionRepositoryApi,
  type Queryable,
} from '../storage/index.js';
import type { BalanceManager } from './balance-manager.js';
import type { PlacementStatus, PreparedOrder, VenueFill, VenueOrderStatus } from './exchange.js';
import type { ExecutionMetrics } from './execution-metrics.js';
import { ZERO, formatMicros, mulMicros, toMicros, type Micros } from './fixed.js';
import { deriveState, isTerminalState, reachableState } from './order-lifecycle.js';
import type { OrderType } from './order-math.js';
import type { PositionBook } from './position-book.js';
import type { AlertSink } from './ports.js';
import type { Clock } from '../util/clock.js';

export interface IntentMeta {
  readonly strategy: string;
  readonly notional: Micros | null;
  /** Epoch ms, GTD only. */
  readonly expiresAt: number | null;
  readonly dryRun: boolean;
  readonly createdAt: number;
}

export interface VenueView {
  readonly status: VenueOrderStatus | PlacementStatus;
  /** Shares the venue reports matched, when known. */
  readonly matched: Micros | null;
  readonly expired?: boolean;
  readonly response?: unknown;
}

export class OrderManager {
  /** Orders not in a terminal state, by client order id. */
  private readonly open = new Map<string, OrderRow>();
  private readonly byVenueId = new Map<string, string>();

  constructor(
    private readonly database: Database,
    private readonly orders: OrderRepositoryApi,
    private readonly fills: FillRepositoryApi,
    private readonly positionsRepo: PositionRepositoryApi,
    private readonly reservations: BalanceRepositoryApi,
    private readonly balance: BalanceManager,
    private readonly positions: PositionBook,
    private readonly metrics: ExecutionMetrics,
    private readonly alerts: AlertSink,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  openOrders(): OrderRow[] {
    return [...this.open.values()];
  }

  get(clientOrderId: string): OrderRow | undefined {
    return this.open.get(clientOrderId);
  }

  byVenueOrderId(venueOrderId: string): OrderRow | undefined {
    const id = this.byVenueId.get(venueOrderId);
    return id === undefined ? undefined : this.open.get(id);
  }

  /** Keeps the in-memory view (open map, reservations, gauges) in step with a stored row. */
  track(row: OrderRow): void {
    const venueId = row.venueOrderId ?? row.orderHash;
    if (isTerminalState(row.state)) {
      this.open.delete(row.clientOrderId);
      if (venueId) this.byVenueId.delete(venueId);
      this.balance.dropReservation(row.clientOrderId);
    } else {
      this.open.set(row.clientOrderId, row);
      if (venueId) this.byVenueId.set(venueId, row.clientOrderId);
      this.balance.setReservation(row.clientOrderId, remainingCollateral(row));
    }
    this.metrics.openOrders.set(this.open.size);
  }

  /**
   * Persists the intent — with its venue id (the order hash) and signed payload — as `pending`,
   * in one autocommit INSERT: the only database write between a decision and the send. Once it
   * has committed the order may be sent; a `pending` order with a hash is treated as possibly
   * sent, so a crash from here on is resolved by asking the venue. Its collateral is reserved in
   * memory now (the risk gate counts it at once) and in the database right after the send.
   */
  async persistIntent(prepared: PreparedOrder, meta: IntentMeta): Promise<OrderRow> {
    const row = await this.orders.createIntent({
      clientOrderId: prepared.clientOrderId,
      tokenId: prepared.tokenId,
      conditionId: prepared.conditionId,
      strategy: meta.strategy,
      side: prepared.side,
      orderType: prepared.orderType,
      price: prepared.price,
      size: prepared.size,
      notional: meta.notional === null ? null : formatMicros(meta.notional),
      expiresAt: meta.expiresAt,
      salt: prepared.salt,
      orderHash: prepared.orderHash,
      signedPayload: prepared.payload,
      dryRun: meta.dryRun,
      createdAt: meta.createdAt,
    });
    this.count(row.state, row.side);
    this.track(row);
    return row;
  }

  /** pending → submitting once the order has been handed to the venue, with its stored reservation. */
  private async markSent(row: OrderRow, t: Queryable): Promise<OrderRow> {
    if (row.state !== 'pending') return row;
    const reservation = remainingCollateral(row);
    if (reservation > ZERO) await this.reservations.reserve(row.clientOrderId, formatMicros(reservation), t);
    const sent = await this.orders.transition(
      row.clientOrderId,
      'submitting',
      { venueOrderId: row.orderHash, at: this.clock.now() },
      t,
    );
    this.count(sent.state, sent.side);
    return sent;
  }

  /** Moves an order to a state decided here (rejection, unknown outcome, lost intent), releasing if terminal. */
  async settle(row: OrderRow, state: OrderState, update: OrderUpdate = {}): Promise<OrderRow> {
    const next = await this.database.db.tx('polybot-order-settle', async (t) => {
      const at = this.clock.now();
      // A pending intent can only be refused outright; anything else means it may have been sent.
      const current = state === 'rejected' || state === 'cancelled' ? row : await this.markSent(row, t);
      const target = reachableState(current.state, state);
      const updated = await this.orders.transition(row.clientOrderId, target, { at, ...update }, t);
      if (isTerminalState(updated.state)) await this.reservations.release(row.clientOrderId, at, t);
      return updated;
    });
    if (next.state !== row.state) this.count(next.state, next.side);
    this.track(next);
    return next;
  }

  /**
   * Records the venue's view of an order: new fills first (idempotent by trade id, each updating
   * the position), then the state derived from recorded fills and the venue's status.
   * Returns the stored row and how many fills were new.
   */
  async applyVenue(
    row: OrderRow,
    fills: readonly VenueFill[],
    venue: VenueView,
  ): Promise<{ row: OrderRow; newFills: VenueFill[] }> {
    const newFills: VenueFill[] = [];
    const positionRows: Awaited<ReturnType<PositionRepositoryApi['applyFill']>>[] = [];
    const next = await this.database.db.tx('polybot-order-fills', async (t) => {
      const current = await this.markSent(row, t);
      for (const fill of fills) {
        const stored = await this.fills.insert(
          {
            tradeId: fill.tradeId,
            clientOrderId: row.clientOrderId,
            tokenId: fill.tokenId || row.tokenId,
            conditionId: fill.conditionId || row.conditionId,
            side: fill.side,
            price: fill.price,
            size: fill.size,
            fee: fill.fee,
            filledAt: fill.matchedAt > 0 ? fill.matchedAt : this.clock.now(),
            status: fill.status || null,
            raw: fill.raw,
          },
          t,
        );
        if (!stored) continue;
        newFills.push(fill);
        const position = await this.applyToPosition(row, fill, t);
        if (position) positionRows.push(position);
      }
      const totals = await this.fills.totalsForOrder(row.clientOrderId, t);
      const filled = toMicros(totals.size);
      const derived = deriveState({
        orderType: row.orderType as OrderType,
        size: toMicros(row.size),
        filled,
        venueMatched: venue.matched,
        venueStatus: venue.status,
        expired: venue.expired ?? false,
      });
      const state = reachableState(current.state, derived);
      const updated = await this.orders.applyVenueResponse(
        row.clientOrderId,
        {
          state,
          filledSize: totals.size,
          averageFillPrice: totals.averagePrice,
          at: this.clock.now(),
          ...(venue.response !== undefined ? { venueResponse: venue.response } : {}),
        },
        t,
      );
      if (isTerminalState(updated.state))
        await this.reservations.release(row.clientOrderId, this.clock.now(), t);
      return updated;
    });
    for (const position of positionRows) this.positions.apply(position);
    for (const fill of newFills) {
      this.metrics.fills.inc({ side: fill.side, role: fill.role });
      if (fill.side === 'BUY') this.positions.noteBuy(next.conditionId, fill.matchedAt);
    }
    if (next.state !== row.state) this.count(next.state, next.side);
    this.metrics.openPositions.set(this.positions.count);
    this.track(next);
    return { row: next, newFills };
  }

  /** Position update inside a savepoint: a fill that cannot apply is recorded and alerted, never lost. */
  private async applyToPosition(row: OrderRow, fill: VenueFill, t: Queryable) {
    try {
      return await t.tx('polybot-position', (sp) =>
        this.positionsRepo.applyFill(
          {
            tokenId: fill.tokenId || row.tokenId,
            conditionId: fill.conditionId || row.conditionId,
            strategy: row.strategy,
            side: fill.side,
            price: fill.price,
            size: fill.size,
            fee: fill.fee,
            at: fill.matchedAt > 0 ? fill.matchedAt : this.clock.now(),
          },
          sp,
        ),
      );
    } catch (error) {
      if (!(error instanceof PositionError)) throw error;
      this.metrics.errors.inc({ operation: 'position_update' });
      this.log.error('fill could not be applied to the position', {
        clientOrderId: row.clientOrderId,
        tradeId: fill.tradeId,
        error: error.message,
      });
      this.alerts.alert({
        severity: 'warning',
        title: 'Fill does not match the position book',
        detail: `${fill.side} ${fill.size} @ ${fill.price} on ${row.conditionId} (trade ${fill.tradeId}): ${error.message}`,
      });
      return null;
    }
  }

  private count(state: OrderState, side: string): void {
    this.metrics.ordersByState.inc({ state, side });
  }
}

/** What a BUY order may still spend: its unfilled shares at its limit price. */
export function remainingCollateral(row: OrderRow): Micros {
  if (row.side !== 'BUY') return ZERO;
  const remaining = toMicros(row.size) - toMicros(row.filledSize);
  return remaining > ZERO ? mulMicros(remaining, toMicros(row.price), 'up') : ZERO;
}

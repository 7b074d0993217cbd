/**
 * Brings a stored order in line with the venue: asks for the order by its venue id (the hash we
 * persisted before sending), imports its fills, and derives the state. An order the venue does
 * not know is never re-sent: after a grace period it is recorded as never received.
 */
import type { Logger } from '../monitoring/logger.js';
import type { OrderRow } from '../storage/index.js';
import type { Clock } from '../util/clock.js';
import type { Exchange, VenueFill, VenueOrder } from './exchange.js';
import type { ExecutionMetrics } from './execution-metrics.js';
import { toMicros } from './fixed.js';
import type { OrderManager } from './order-manager.js';

export interface ResolveResult {
  readonly row: OrderRow;
  readonly newFills: readonly VenueFill[];
}

export class OrderResolver {
  constructor(
    private readonly exchange: Exchange,
    private readonly manager: OrderManager,
    private readonly clock: Clock,
    private readonly metrics: ExecutionMetrics,
    private readonly log: Logger,
    /** How long an order the venue does not know stays `unknown` before it is called lost. */
    private readonly unknownGraceMs: number,
  ) {}

  /**
   * Our fills of one order at the venue. Asked by token, not by time: our trades in one token are
   * few, and a time filter would tie correctness to our clock agreeing with the venue's.
   */
  fillsOf(row: OrderRow): Promise<VenueFill[]> {
    const orderId = row.venueOrderId ?? row.orderHash ?? '';
    return this.exchange.getFills({ orderId, tokenId: row.tokenId });
  }

  /** Applies a venue order record (and its fills when some are missing) to the stored order. */
  async adopt(row: OrderRow, venue: VenueOrder): Promise<ResolveResult> {
    const matched = toMicros(venue.sizeMatched, 'down');
    const fills = matched > toMicros(row.filledSize) ? await this.fillsOf(row) : [];
    const expiration = Number(venue.expiration);
    const expired = expiration > 0 && expiration * 1000 <= this.clock.now();
    return this.manager.applyVenue(row, fills, {
      status: venue.status,
      matched,
      expired,
      response: venue.raw,
    });
  }

  /** Asks the venue about one order and records the answer. */
  async resolve(row: OrderRow): Promise<ResolveResult> {
    const venueId = row.venueOrderId ?? row.orderHash;
    if (!venueId) {
      // Never signed, so never sent: the intent died before the send step.
      const settled = await this.manager.settle(row, 'rejected', {
        error: 'the intent was never sent (no order hash)',
      });
      this.metrics.reconciled.inc({ outcome: 'never_sent' });
      return { row: settled, newFills: [] };
    }
    const venue = await this.exchange.getOrder(venueId);
    if (venue) {
      const result = await this.adopt(row, venue);
      if (row.state !== result.row.state || result.newFills.length > 0)
        this.metrics.reconciled.inc({ outcome: `venue_${venue.status}` });
      return result;
    }
    const fills = await this.fillsOf(row);
    if (fills.length > 0) {
      // The venue no longer lists the order but traded it: the fills are the truth.
      const result = await this.manager.applyVenue(row, fills, { status: 'matched', matched: null });
      this.metrics.reconciled.inc({ outcome: 'fills_only' });
      return result;
    }
    const unresolved = row.state === 'pending' || row.state === 'submitting' || row.state === 'unknown';
    if (unresolved) {
      const age = this.clock.now() - (row.submittedAt ?? row.createdAt).getTime();
      if (age < this.unknownGraceMs) {
        const kept = row.state === 'unknown' ? row : await this.manager.settle(row, 'unknown');
        return { row: kept, newFills: [] };
      }
      this.log.warn('order never reached the venue; recorded as rejected', {
        clientOrderId: row.clientOrderId,
      });
      const settled = await this.manager.settle(row, 'rejected', {
        error: 'the venue never received the order',
      });
      this.metrics.reconciled.inc({ outcome: 'never_received' });
      return { row: settled, newFills: [] };
    }
    this.log.warn('open order unknown to the venue; recorded as cancelled', {
      clientOrderId: row.clientOrderId,
    });
    const settled = await this.manager.settle(row, 'cancelled', {
      error: 'the venue no longer knows the order',
    });
    this.metrics.reconciled.inc({ outcome: 'vanished' });
    return { row: settled, newFills: [] };
  }
}

/**
 * What the HTTP surface reads and does, as small interfaces the composition root implements over
 * storage and core. Records are plain JSON-able objects (Dates serialize as ISO strings, bigints
 * as strings); they must carry no secrets — the surface also scrubs every known secret value.
 */

/** One row as the API returns it. */
export type ApiRecord = Readonly<Record<string, unknown>>;

export interface OrderQuery {
  /** Only orders in this state (pending, live, matched, partially_filled, filled, cancelled, rejected, expired). */
  readonly state?: string;
  /** Most recent first, at most this many (1..1000). */
  readonly limit: number;
}

export type ApprovalDecision = 'approve' | 'reject';

export type DecisionOutcome =
  /** Recorded; for an approval the engine re-checks price and risk before executing. */
  | { readonly result: 'accepted'; readonly approval: ApiRecord }
  | { readonly result: 'not_found' }
  /** Expired, or already decided. */
  | { readonly result: 'conflict'; readonly reason: string };

export interface DashboardDataSource {
  /** Open positions. */
  positions(): Promise<readonly ApiRecord[]>;
  orders(query: OrderQuery): Promise<readonly ApiRecord[]>;
  watchlist(): Promise<readonly ApiRecord[]>;
  /** Pending approvals (REQUIRE_APPROVAL), oldest first. */
  approvals(): Promise<readonly ApiRecord[]>;
  /** Approves or rejects a pending approval; the approval workflow itself is core's. */
  decide(id: string, decision: ApprovalDecision, note?: string): Promise<DecisionOutcome>;
  /** Trading figures for /api/metrics: balance, reserved, open positions, realized P&L, … */
  summary(): Promise<ApiRecord>;
}

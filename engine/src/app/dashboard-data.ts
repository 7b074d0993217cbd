import type { ApprovalService } from '../core/index.js';
import type { ExecutionService } from '../execution/index.js';
import type {
  ApiRecord,
  ApprovalDecision,
  DashboardDataSource,
  DecisionOutcome,
  OrderQuery,
} from '../monitoring/index.js';
import type {
  ApprovalRepositoryApi,
  OrderRepositoryApi,
  OrderState,
  PositionRepositoryApi,
  WatchlistRepositoryApi,
} from '../storage/index.js';
import { ORDER_STATES } from '../storage/index.js';
import type { Clock } from '../util/clock.js';

/**
 * The dashboard's read model, over storage and execution. Rows are returned as stored, minus
 * anything that could carry a secret: signed order payloads and raw venue bodies stay out.
 */
export class StoredDashboardData implements DashboardDataSource {
  constructor(
    private readonly deps: {
      readonly orders: OrderRepositoryApi;
      readonly positions: PositionRepositoryApi;
      readonly watchlist: WatchlistRepositoryApi;
      readonly approvalRows: ApprovalRepositoryApi;
      readonly approvals: ApprovalService | null;
      readonly execution: ExecutionService;
      readonly clock: Clock;
    },
  ) {}

  async positions(): Promise<readonly ApiRecord[]> {
    return (await this.deps.positions.listOpen()).map(record);
  }

  async orders(query: OrderQuery): Promise<readonly ApiRecord[]> {
    const state = query.state === undefined ? undefined : normalizeState(query.state);
    if (state === null) return [];
    const rows = await this.deps.orders.listRecent({
      ...(state === undefined ? {} : { state }),
      limit: query.limit,
    });
    return rows.map(({ signedPayload: _signed, venueResponse: _raw, ...visible }) => record(visible));
  }

  async watchlist(): Promise<readonly ApiRecord[]> {
    return (await this.deps.watchlist.listActive(this.deps.clock.now())).map(record);
  }

  async approvals(): Promise<readonly ApiRecord[]> {
    return (await this.deps.approvalRows.listPending(this.deps.clock.now())).map(record);
  }

  async decide(id: string, decision: ApprovalDecision): Promise<DecisionOutcome> {
    if (!/^[1-9][0-9]{0,15}$/.test(id)) return { result: 'not_found' };
    const row = await this.deps.approvalRows.get(Number(id));
    if (row === null) return { result: 'not_found' };
    if (this.deps.approvals === null)
      return { result: 'conflict', reason: 'approvals are not enabled (REQUIRE_APPROVAL)' };
    if (decision === 'reject') {
      const rejected = await this.deps.approvals.reject(id, 'dashboard');
      if (!rejected) return { result: 'conflict', reason: `approval ${id} is ${row.status}` };
    } else {
      const outcome = await this.deps.approvals.approve(id, 'dashboard');
      if (!outcome.executed) {
        // Only an approval this decision moved to `failed` (price re-check or risk refused it) was
        // accepted; anything else — expired meanwhile, decided before — is a conflict.
        const now = await this.deps.approvalRows.get(Number(id));
        if (row.status !== 'pending' || now?.status !== 'failed')
          return { result: 'conflict', reason: outcome.reason };
      }
    }
    const updated = await this.deps.approvalRows.get(Number(id));
    return { result: 'accepted', approval: record(updated ?? row) };
  }

  async summary(): Promise<ApiRecord> {
    const status = this.deps.execution.status;
    return {
      mode: status.exchange,
      state: status.state,
      balance: status.balance,
      free: status.free,
      reserved: status.reserved,
      tradingHalted: status.tradingHalted,
      openOrders: status.openOrders,
      openPositions: status.openPositions,
      executionQueueDepth: status.queueDepth,
    };
  }
}

function normalizeState(state: string): OrderState | null {
  const lowered = state.toLowerCase();
  return (ORDER_STATES as readonly string[]).includes(lowered) ? (lowered as OrderState) : null;
}

/** Storage rows are plain objects; this only widens their type for the JSON surface. */
function record<T extends object>(row: T): ApiRecord {
  return { ...(row as Record<string, unknown>) };
}

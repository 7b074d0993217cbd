import type { PositionView } from '@polybot/sdk';
import type {
  ApprovalRecord,
  ApprovalRequest,
  ApprovalStore,
  DecisionLog,
  DecisionRecord,
  OrderRequest,
  PositionLookup,
  TriggerGate,
  WatchEntry,
  WatchlistStore,
} from '../core/index.js';
import { describeError } from '../errors.js';
import type { Logger } from '../monitoring/index.js';
import type {
  ApprovalRepositoryApi,
  ApprovalRow,
  DecisionInput,
  DecisionRepositoryApi,
  PositionRepositoryApi,
  TriggerRepositoryApi,
  WatchlistRepositoryApi,
} from '../storage/index.js';

/** Core's ports over the storage repositories: translation only, no logic of their own. */

export class StoredTriggers implements TriggerGate {
  constructor(private readonly repository: TriggerRepositoryApi) {}

  shouldTrigger(tokenId: string, conditionId: string, threshold: number): Promise<boolean> {
    return this.repository.shouldTrigger(tokenId, conditionId, threshold);
  }

  recordTrigger(trigger: {
    tokenId: string;
    conditionId: string;
    threshold: number;
    strategy: string;
  }): Promise<boolean> {
    return this.repository.recordTrigger(trigger);
  }
}

export class StoredPositions implements PositionLookup {
  constructor(private readonly repository: PositionRepositoryApi) {}

  async openPosition(conditionId: string, strategy: string): Promise<PositionView | null> {
    const row = await this.repository.getOpenByCondition(conditionId);
    if (row === null || row.strategy !== strategy) return null;
    return {
      tokenId: row.tokenId,
      size: Number(row.size),
      averagePrice: Number(row.averagePrice),
      openedAt: row.openedAt.getTime(),
    };
  }
}

export class StoredWatchlist implements WatchlistStore {
  constructor(private readonly repository: WatchlistRepositoryApi) {}

  async add(entry: WatchEntry): Promise<void> {
    await this.repository.add(entry);
  }

  async activeFor(tokenId: string, now: number): Promise<readonly WatchEntry[]> {
    return (await this.repository.listActive(now)).filter((row) => row.tokenId === tokenId).map(toWatchEntry);
  }

  async resolve(
    tokenId: string,
    strategy: string,
    status: 'triggered' | 'dropped' | 'expired',
  ): Promise<void> {
    const row = await this.repository.getActive(tokenId, strategy);
    if (row !== null) await this.repository.setStatus(row.id, status === 'dropped' ? 'removed' : status);
  }

  expireDue(now: number): Promise<number> {
    return this.repository.expireDue(now);
  }

  async watchedTokens(now: number): Promise<readonly string[]> {
    return [...new Set((await this.repository.listActive(now)).map((row) => row.tokenId))];
  }
}

function toWatchEntry(row: {
  tokenId: string;
  conditionId: string;
  strategy: string;
  reason: string;
  triggerPrice: string | null;
  expiresAt: Date;
}): WatchEntry {
  return {
    tokenId: row.tokenId,
    conditionId: row.conditionId,
    strategy: row.strategy,
    reason: row.reason,
    triggerPrice: row.triggerPrice ?? '',
    expiresAt: row.expiresAt.getTime(),
  };
}

export class StoredApprovals implements ApprovalStore {
  constructor(private readonly repository: ApprovalRepositoryApi) {}

  async create(request: ApprovalRequest): Promise<ApprovalRecord> {
    const { order } = request;
    const row = await this.repository.create({
      tokenId: order.tokenId,
      conditionId: order.conditionId,
      strategy: order.strategy,
      side: order.side,
      price: order.price,
      size: order.size,
      notional: order.notional,
      reason: order.reason,
      expiresAt: request.expiresAt,
      payload: { order },
    });
    return toApprovalRecord(row);
  }

  async get(id: string): Promise<ApprovalRecord | null> {
    const numeric = parseApprovalId(id);
    if (numeric === null) return null;
    const row = await this.repository.get(numeric);
    return row === null ? null : toApprovalRecord(row);
  }

  async decide(id: string, decision: 'approved' | 'rejected', decidedBy: string): Promise<boolean> {
    const numeric = parseApprovalId(id);
    return numeric !== null && (await this.repository.decide(numeric, decision, decidedBy)) !== null;
  }

  async markExecuted(id: string, clientOrderId: string): Promise<boolean> {
    const numeric = parseApprovalId(id);
    return numeric !== null && this.repository.markExecuted(numeric, clientOrderId);
  }

  async markFailed(id: string, failure: string): Promise<boolean> {
    const numeric = parseApprovalId(id);
    return numeric !== null && this.repository.markFailed(numeric, failure);
  }

  async listPending(): Promise<readonly ApprovalRecord[]> {
    return (await this.repository.listPending()).map(toApprovalRecord);
  }

  async expireDue(now: number): Promise<readonly ApprovalRecord[]> {
    return (await this.repository.expireDue(now)).map(toApprovalRecord);
  }
}

function parseApprovalId(id: string): number | null {
  return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : null;
}

function toApprovalRecord(row: ApprovalRow): ApprovalRecord {
  const stored = (row.payload as { order?: OrderRequest } | null)?.order;
  const order: OrderRequest = stored ?? {
    strategy: row.strategy,
    tokenId: row.tokenId,
    conditionId: row.conditionId,
    side: row.side,
    price: row.price,
    size: row.size,
    notional: row.notional,
    orderType: 'GTC',
    expiresInSeconds: null,
    reason: row.reason,
    triggerPrice: row.price,
  };
  return {
    id: String(row.id),
    status: row.status,
    order,
    expiresAt: row.expiresAt.getTime(),
    createdAt: row.createdAt.getTime(),
  };
}

/**
 * The decision log is written from the hot path, so records are buffered and stored in
 * multi-row batches. A failed batch is kept and retried with the next one; past a bound the
 * oldest are dropped and counted, so a database outage cannot grow memory without limit.
 */
export class BatchedDecisionLog implements DecisionLog {
  private buffer: DecisionInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  dropped = 0;

  constructor(
    private readonly repository: DecisionRepositoryApi,
    private readonly logger: Logger,
    private readonly options: { flushMs: number; maxBuffered: number } = {
      flushMs: 250,
      maxBuffered: 50_000,
    },
  ) {}

  record(decision: DecisionRecord): void {
    this.buffer.push({
      strategy: decision.strategy,
      tokenId: decision.tokenId,
      conditionId: decision.conditionId,
      action: decision.action,
      reason: decision.reason,
      price: decision.price,
      size: decision.size,
      notional: decision.notional,
      triggerData: {
        price: decision.triggerPrice,
        size: decision.triggerSize,
        timestamp: decision.triggerTimestamp,
      },
      createdAt: decision.createdAt,
    });
    if (this.buffer.length > this.options.maxBuffered) {
      const excess = this.buffer.length - this.options.maxBuffered;
      this.buffer.splice(0, excess);
      this.dropped += excess;
    }
    if (this.timer === null) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush().catch(() => undefined);
      }, this.options.flushMs);
      this.timer.unref();
    }
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered; on failure the rows stay buffered and the error is rethrown. */
  async flush(): Promise<void> {
    while (this.flushing !== null) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.repository
      .recordMany(batch)
      .then(() => undefined)
      .catch((error: unknown) => {
        this.buffer = batch.concat(this.buffer);
        this.logger.warn('decision log write failed; will retry', {
          rows: batch.length,
          error: describeError(error),
        });
        throw error;
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }
}

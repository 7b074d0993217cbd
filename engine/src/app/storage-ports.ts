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
  PositionRow,
  TriggerRepositoryApi,
  WatchlistRepositoryApi,
} from '../storage/index.js';

/** Core's ports over the storage repositories: translation only, no logic of their own. */

/**
 * G2 through the trigger table, answered from memory on the hot path. `warm(threshold)` loads
 * every trigger once; after that a token or condition this engine has not seen trigger is
 * free, and only `recordTrigger` goes to the database — where the table's unique constraint
 * decides races with another engine on the same database. Without warming, each token and
 * condition is looked up in the table once.
 */
export class StoredTriggers implements TriggerGate {
  private readonly triggered = new Set<string>();
  private readonly clear = new Set<string>();
  private readonly warmed = new Set<number>();

  constructor(private readonly repository: TriggerRepositoryApi) {}

  async warm(threshold: number): Promise<void> {
    const listed = await this.repository.listTriggered(threshold);
    for (const tokenId of listed.tokenIds) this.triggered.add(`t|${threshold}|${tokenId}`);
    for (const conditionId of listed.conditionIds) this.triggered.add(`c|${threshold}|${conditionId}`);
    this.warmed.add(threshold);
  }

  async shouldTrigger(tokenId: string, conditionId: string, threshold: number): Promise<boolean> {
    const token = `t|${threshold}|${tokenId}`;
    const condition = `c|${threshold}|${conditionId}`;
    if (this.triggered.has(token) || this.triggered.has(condition)) return false;
    if (this.warmed.has(threshold) || (this.clear.has(token) && this.clear.has(condition))) return true;
    const should = await this.repository.shouldTrigger(tokenId, conditionId, threshold);
    if (should) {
      this.clear.add(token);
      this.clear.add(condition);
    } else {
      this.triggered.add(token);
      this.triggered.add(condition);
    }
    return should;
  }

  async recordTrigger(trigger: {
    tokenId: string;
    conditionId: string;
    threshold: number;
    strategy: string;
  }): Promise<boolean> {
    const recorded = await this.repository.recordTrigger(trigger);
    // Recorded by us or refused because someone else holds it: either way it has triggered now.
    this.triggered.add(`t|${trigger.threshold}|${trigger.tokenId}`);
    this.triggered.add(`c|${trigger.threshold}|${trigger.conditionId}`);
    return recorded;
  }

  async releaseTrigger(trigger: {
    tokenId: string;
    conditionId: string;
    threshold: number;
    strategy: string;
  }): Promise<boolean> {
    const released = await this.repository.releaseTrigger(trigger);
    if (released) {
      this.triggered.delete(`t|${trigger.threshold}|${trigger.tokenId}`);
      this.triggered.delete(`c|${trigger.threshold}|${trigger.conditionId}`);
    }
    return released;
  }
}

export class StoredPositions implements PositionLookup {
  constructor(private readonly repository: PositionRepositoryApi) {}

  async openPosition(conditionId: string, strategy: string): Promise<PositionView | null> {
    const row = await this.repository.getOpenByCondition(conditionId);
    return row === null || row.strategy !== strategy ? null : toPositionView(row);
  }
}

function toPositionView(row: PositionRow): PositionView {
  return {
    tokenId: row.tokenId,
    size: Number(row.size),
    averagePrice: Number(row.averagePrice),
    openedAt: row.openedAt.getTime(),
  };
}

/** Positions as execution holds them in memory (it rehydrates them from storage at start). */
export class ExecutionPositions implements PositionLookup {
  constructor(private readonly execution: { openPositions(): readonly PositionRow[] }) {}

  async openPosition(conditionId: string, strategy: string): Promise<PositionView | null> {
    const row = this.execution.openPositions().find((p) => p.conditionId === conditionId);
    return row === undefined || row.strategy !== strategy ? null : toPositionView(row);
  }
}

/**
 * The watchlist, kept in memory on top of its table: every trade event asks whether its token
 * is watched, so the answer must not cost a database round trip. Loaded once on first use;
 * every change goes to the table first, then to memory.
 */
export class StoredWatchlist implements WatchlistStore {
  private entries: Map<string, WatchEntry[]> | null = null;
  private loading: Promise<Map<string, WatchEntry[]>> | null = null;

  constructor(private readonly repository: WatchlistRepositoryApi) {}

  async add(entry: WatchEntry): Promise<void> {
    await this.repository.add(entry);
    const entries = await this.load();
    const list = (entries.get(entry.tokenId) ?? []).filter((e) => e.strategy !== entry.strategy);
    list.push(entry);
    entries.set(entry.tokenId, list);
  }

  async activeFor(tokenId: string, now: number): Promise<readonly WatchEntry[]> {
    const list = (this.entries ?? (await this.load())).get(tokenId);
    return list === undefined ? [] : list.filter((entry) => entry.expiresAt > now);
  }

  async resolve(
    tokenId: string,
    strategy: string,
    status: 'triggered' | 'dropped' | 'expired',
  ): Promise<void> {
    const row = await this.repository.getActive(tokenId, strategy);
    if (row !== null) await this.repository.setStatus(row.id, status === 'dropped' ? 'removed' : status);
    const entries = await this.load();
    const remaining = (entries.get(tokenId) ?? []).filter((entry) => entry.strategy !== strategy);
    if (remaining.length === 0) entries.delete(tokenId);
    else entries.set(tokenId, remaining);
  }

  async expireDue(now: number): Promise<number> {
    const expired = await this.repository.expireDue(now);
    const entries = await this.load();
    for (const [tokenId, list] of entries) {
      const live = list.filter((entry) => entry.expiresAt > now);
      if (live.length === 0) entries.delete(tokenId);
      else entries.set(tokenId, live);
    }
    return expired;
  }

  async watchedTokens(now: number): Promise<readonly string[]> {
    const entries = await this.load();
    return [...entries]
      .filter(([, list]) => list.some((entry) => entry.expiresAt > now))
      .map(([tokenId]) => tokenId);
  }

  private load(): Promise<Map<string, WatchEntry[]>> {
    if (this.entries !== null) return Promise.resolve(this.entries);
    // Every active row, whatever its expiry: `now` is the engine clock's to judge (replays run behind
    // the wall clock), and the periodic expireDue sweep retires them.
    this.loading ??= this.repository.listActive(0).then(
      (rows) => {
        const entries = new Map<string, WatchEntry[]>();
        for (const row of rows)
          entries.set(row.tokenId, [...(entries.get(row.tokenId) ?? []), toWatchEntry(row)]);
        this.entries = entries;
        return entries;
      },
      (error: unknown) => {
        // Not remembered: the next call (once the database answers again) loads afresh.
        this.loading = null;
        throw error;
      },
    );
    return this.loading;
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
 * multi-row batches. A failed batch is kept and retried (after `retryMs`, or with the next
 * write); past a bound the oldest are dropped and counted, so a database outage cannot grow
 * memory without limit.
 */
export class BatchedDecisionLog implements DecisionLog {
  private buffer: DecisionInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly options: { flushMs: number; maxBuffered: number; retryMs: number };
  dropped = 0;

  constructor(
    private readonly repository: DecisionRepositoryApi,
    private readonly logger: Logger,
    options: { flushMs?: number; maxBuffered?: number; retryMs?: number } = {},
  ) {
    this.options = { flushMs: 250, maxBuffered: 50_000, retryMs: 2_000, ...options };
  }

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
    this.schedule(this.options.flushMs);
  }

  get pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered; on failure the rows stay buffered and the error is rethrown. */
  async flush(): Promise<void> {
    // A write in flight is waited out, not inherited: if it failed, its rows are back in the
    // buffer and this call makes its own attempt (close() must not give up on another's error).
    while (this.flushing !== null) await this.flushing.catch(() => undefined);
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
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private schedule(delayMs: number): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      // Retried on a timer of its own: after an outage, quiet markets must not leave rows unwritten.
      void this.flush().catch(() => {
        if (!this.closed) this.schedule(this.options.retryMs);
      });
    }, delayMs);
    this.timer.unref();
  }
}

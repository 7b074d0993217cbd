import type { MarketInfo, OrderBookView, PositionView, StrategyContext, TokenInfo } from '@polybot/sdk';
import type {
  ApprovalRecord,
  ApprovalRequest,
  ApprovalStore,
  DecisionLog,
  DecisionRecord,
  EvaluationOutcome,
  ExecutionOutcome,
  MarketLookup,
  OrderExecutor,
  OrderRequest,
  StrategyRunner,
  TriggerGate,
  WatchEntry,
  WatchlistStore,
} from '../ports.js';

/**
 * In-memory port implementations for core's unit tests: they let a test drive orchestration
 * logic alone. Integration suites (test/src/core) wire the real storage, plugin host and
 * execution instead.
 */

export class MapMarkets implements MarketLookup {
  readonly byToken = new Map<string, { market: MarketInfo; token: TokenInfo }>();

  add(market: MarketInfo, tokens: readonly TokenInfo[]): this {
    for (const token of tokens) this.byToken.set(token.tokenId, { market, token });
    return this;
  }

  async lookup(tokenId: string): Promise<{ market: MarketInfo; token: TokenInfo } | null> {
    return this.byToken.get(tokenId) ?? null;
  }
}

export class SetTriggers implements TriggerGate {
  readonly recorded: { tokenId: string; conditionId: string; threshold: number }[] = [];

  async shouldTrigger(tokenId: string, conditionId: string, threshold: number): Promise<boolean> {
    return !this.recorded.some(
      (t) => t.threshold === threshold && (t.tokenId === tokenId || t.conditionId === conditionId),
    );
  }

  async recordTrigger(trigger: {
    tokenId: string;
    conditionId: string;
    threshold: number;
  }): Promise<boolean> {
    if (!(await this.shouldTrigger(trigger.tokenId, trigger.conditionId, trigger.threshold))) return false;
    this.recorded.push(trigger);
    return true;
  }

  async releaseTrigger(trigger: {
    tokenId: string;
    conditionId: string;
    threshold: number;
  }): Promise<boolean> {
    const index = this.recorded.findIndex(
      (t) =>
        t.tokenId === trigger.tokenId &&
        t.conditionId === trigger.conditionId &&
        t.threshold === trigger.threshold,
    );
    if (index < 0) return false;
    this.recorded.splice(index, 1);
    return true;
  }
}

export class ScriptedStrategies implements StrategyRunner {
  readonly contexts: StrategyContext[] = [];

  constructor(private readonly answers: Record<string, (ctx: StrategyContext) => EvaluationOutcome>) {}

  strategies(): readonly string[] {
    return Object.keys(this.answers);
  }

  paramsOf(): Readonly<Record<string, unknown>> {
    return {};
  }

  async evaluate(strategy: string, ctx: StrategyContext): Promise<EvaluationOutcome> {
    this.contexts.push(ctx);
    const answer = this.answers[strategy];
    if (answer === undefined)
      return { ok: false, error: 'unknown strategy', kind: 'unavailable', durationMs: 0 };
    return answer(ctx);
  }
}

export class RecordingExecutor implements OrderExecutor {
  readonly orders: OrderRequest[] = [];
  outcome: ExecutionOutcome = { accepted: true, clientOrderId: 'c-1', state: 'live' };

  async submit(request: OrderRequest): Promise<ExecutionOutcome> {
    this.orders.push(request);
    return this.outcome;
  }
}

export class ArrayDecisions implements DecisionLog {
  readonly records: DecisionRecord[] = [];

  record(decision: DecisionRecord): void {
    this.records.push(decision);
  }
}

export class ArrayWatchlist implements WatchlistStore {
  readonly entries: (WatchEntry & { status: string })[] = [];

  async add(entry: WatchEntry): Promise<void> {
    this.entries.push({ ...entry, status: 'active' });
  }

  async activeFor(tokenId: string, now: number): Promise<readonly WatchEntry[]> {
    return this.entries.filter((e) => e.tokenId === tokenId && e.status === 'active' && e.expiresAt > now);
  }

  async resolve(
    tokenId: string,
    strategy: string,
    status: 'triggered' | 'dropped' | 'expired',
  ): Promise<void> {
    for (const e of this.entries)
      if (e.tokenId === tokenId && e.strategy === strategy && e.status === 'active') e.status = status;
  }

  async expireDue(now: number): Promise<number> {
    let n = 0;
    for (const e of this.entries)
      if (e.status === 'active' && e.expiresAt <= now) {
        e.status = 'expired';
        n += 1;
      }
    return n;
  }

  async watchedTokens(now: number): Promise<readonly string[]> {
    return [
      ...new Set(
        this.entries.filter((e) => e.status === 'active' && e.expiresAt > now).map((e) => e.tokenId),
      ),
    ];
  }
}

export class ArrayApprovals implements ApprovalStore {
  readonly records: ApprovalRecord[] = [];

  async create(request: ApprovalRequest): Promise<ApprovalRecord> {
    const record: ApprovalRecord = {
      ...request,
      id: String(this.records.length + 1),
      status: 'pending',
      createdAt: 0,
    };
    this.records.push(record);
    return record;
  }

  async get(id: string): Promise<ApprovalRecord | null> {
    return this.records.find((r) => r.id === id) ?? null;
  }

  private move(id: string, from: ApprovalRecord['status'], to: ApprovalRecord['status']): boolean {
    const index = this.records.findIndex((r) => r.id === id && r.status === from);
    if (index < 0) return false;
    this.records[index] = { ...(this.records[index] as ApprovalRecord), status: to };
    return true;
  }

  async decide(id: string, decision: 'approved' | 'rejected'): Promise<boolean> {
    return this.move(id, 'pending', decision);
  }

  async markExecuted(id: string): Promise<boolean> {
    return this.move(id, 'approved', 'executed');
  }

  async markFailed(id: string): Promise<boolean> {
    return this.move(id, 'approved', 'failed');
  }

  async listPending(): Promise<readonly ApprovalRecord[]> {
    return this.records.filter((r) => r.status === 'pending');
  }

  async expireDue(now: number): Promise<readonly ApprovalRecord[]> {
    const due = this.records.filter((r) => r.status === 'pending' && r.expiresAt < now);
    for (const r of due) this.move(r.id, 'pending', 'expired');
    return due;
  }
}

export function market(overrides: Partial<MarketInfo> = {}, now = Date.UTC(2026, 0, 15, 12)): MarketInfo {
  return {
    conditionId: '0xc1',
    question: 'Will the Lakers win the 2026 NBA Finals?',
    category: 'sports',
    tags: ['nba'],
    endDate: now + 30 * 24 * 3_600_000,
    negRisk: false,
    tickSize: 0.01,
    minOrderSize: 5,
    ...overrides,
  };
}

export function bookAround(price: number): OrderBookView {
  return {
    bestBid: price - 0.01,
    bestAsk: price,
    bids: [{ price: price - 0.01, size: 100 }],
    asks: [{ price, size: 100 }],
    timestamp: 0,
  };
}

export const noPosition = { openPosition: async (): Promise<PositionView | null> => null };

import type {
  MarketInfo,
  OrderBookView,
  PositionView,
  Signal,
  StrategyContext,
  TokenInfo,
  TriggerSource,
} from '@polybot/sdk';

/**
 * What core needs from the rest of the engine, stated as small ports. Core depends on these
 * shapes only; the composition root adapts storage, ingestion, the plugin host and execution
 * to them. This keeps orchestration free of I/O details and lets each port be driven in tests
 * by the real component behind it.
 */

/** A trade print that may trigger strategies: from the market WebSocket, REST polling or the watchlist. */
export interface TradeEvent {
  readonly tokenId: string;
  /** The venue's decimal string, kept so nothing downstream works from a rounded float. */
  readonly price: string;
  /** Shares, as the venue's decimal string; null when the source carried none (G3). */
  readonly size: string | null;
  readonly side: 'BUY' | 'SELL' | null;
  /** When the trade happened, epoch ms. */
  readonly timestamp: number;
  readonly source: TriggerSource;
  /** When the engine received it, epoch ms (`performance.now()`-free so it can be stored). */
  readonly receivedAt: number;
  /** High-resolution receive mark for stage latencies, from `performance.now()`. */
  readonly receivedMark?: number;
}

export interface MarketLookup {
  /** The market and token a token id belongs to (G2: many tokens → one condition); null if unknown. */
  lookup(tokenId: string): Promise<{ market: MarketInfo; token: TokenInfo } | null>;
}

export interface BookLookup {
  /** The live book of a token, best levels first; null when none is synced. */
  book(tokenId: string): OrderBookView | null;
}

export interface PositionLookup {
  /** The strategy's open position in a condition (any token of it), or null. */
  openPosition(conditionId: string, strategy: string): Promise<PositionView | null>;
}

export interface TriggerGate {
  /** G2: false when the token OR its condition has already triggered at this threshold. */
  shouldTrigger(tokenId: string, conditionId: string, threshold: number): Promise<boolean>;
  /** Records the trigger; false when another writer got there first (the unique constraint decides). */
  recordTrigger(trigger: {
    tokenId: string;
    conditionId: string;
    threshold: number;
    strategy: string;
    price: string;
  }): Promise<boolean>;
  /** Gives a claimed trigger back when no order came of it, so a later, genuine print may act. */
  releaseTrigger(trigger: {
    tokenId: string;
    conditionId: string;
    threshold: number;
    strategy: string;
  }): Promise<boolean>;
}

export type EvaluationOutcome =
  | { readonly ok: true; readonly signal: Signal; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly error: string;
      readonly kind: 'error' | 'timeout' | 'invalid' | 'unavailable';
      readonly durationMs: number;
    };

export interface StrategyRunner {
  /** Names of the strategy instances that currently take events. */
  strategies(): readonly string[];
  evaluate(strategy: string, ctx: StrategyContext): Promise<EvaluationOutcome>;
}

/** An order request handed from core to execution: the signal made concrete. */
export interface OrderRequest {
  readonly strategy: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly side: 'BUY' | 'SELL';
  /** Limit price as a decimal string; execution rounds it onto the tick grid. */
  readonly price: string;
  /** Shares, or null when `notional` is given. */
  readonly size: string | null;
  /** Dollars, or null when `size` is given. */
  readonly notional: string | null;
  readonly orderType: 'GTC' | 'GTD' | 'FOK' | 'FAK';
  readonly expiresInSeconds: number | null;
  readonly reason: string;
  /** The trigger price the strategy saw; execution verifies the live book against it (G5). */
  readonly triggerPrice: string;
  /** The market's trading rules as core knew them, so execution needs no lookup on the way to the venue. */
  readonly market?: { readonly tickSize: number; readonly minOrderSize: number; readonly negRisk: boolean };
}

export interface ExecutionOutcome {
  readonly accepted: boolean;
  readonly clientOrderId?: string;
  readonly state?: string;
  /** Why execution refused or the venue rejected, when not accepted. */
  readonly reason?: string;
}

export interface OrderExecutor {
  submit(request: OrderRequest): Promise<ExecutionOutcome>;
}

export interface PriceVerifier {
  verifyPrice(
    tokenId: string,
    expectedPrice: number,
    maxDeviation: number,
  ): Promise<{ valid: boolean; actualPrice: number | null; reason: string }>;
}

export interface DecisionRecord {
  readonly strategy: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly action: Signal['action'] | 'ERROR';
  readonly reason: string;
  readonly price: string | null;
  readonly size: string | null;
  readonly notional: string | null;
  readonly triggerPrice: string;
  readonly triggerSize: string | null;
  readonly triggerTimestamp: number;
  readonly createdAt: number;
}

export interface DecisionLog {
  /** Fire-and-forget from the hot path; the implementation batches. */
  record(decision: DecisionRecord): void;
}

export interface WatchEntry {
  readonly tokenId: string;
  readonly conditionId: string;
  readonly strategy: string;
  readonly reason: string;
  readonly triggerPrice: string;
  readonly expiresAt: number;
}

export interface WatchlistStore {
  add(entry: WatchEntry): Promise<void>;
  /** Active (unexpired) entries for a token. */
  activeFor(tokenId: string, now: number): Promise<readonly WatchEntry[]>;
  /** Marks entries resolved (bought, ignored or expired). */
  resolve(tokenId: string, strategy: string, status: 'triggered' | 'dropped' | 'expired'): Promise<void>;
  expireDue(now: number): Promise<number>;
  /** Tokens with active entries, for REST polling. */
  watchedTokens(now: number): Promise<readonly string[]>;
}

export interface ApprovalRequest {
  readonly order: OrderRequest;
  readonly expiresAt: number;
}

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'executed' | 'failed';

export interface ApprovalRecord extends ApprovalRequest {
  readonly id: string;
  readonly status: ApprovalStatus;
  readonly createdAt: number;
}

export interface ApprovalStore {
  create(request: ApprovalRequest): Promise<ApprovalRecord>;
  get(id: string): Promise<ApprovalRecord | null>;
  /** Decides a pending, unexpired approval; false when it was not pending any more (first decision wins). */
  decide(id: string, decision: 'approved' | 'rejected', decidedBy: string): Promise<boolean>;
  /** approved → executed, linking the order. */
  markExecuted(id: string, clientOrderId: string): Promise<boolean>;
  /** approved → failed, with why it was not executed. */
  markFailed(id: string, failure: string): Promise<boolean>;
  listPending(): Promise<readonly ApprovalRecord[]>;
  /** Marks every pending approval past its window expired; returns them. */
  expireDue(now: number): Promise<readonly ApprovalRecord[]>;
}

export interface AlertPort {
  alert(alert: { severity: 'info' | 'warning' | 'critical'; title: string; detail?: string }): void;
}

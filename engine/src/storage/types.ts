/**
 * The storage contract: row types, inputs and repository method signatures. Other areas code
 * against these; they only grow (new fields optional, new methods added), never change shape.
 *
 * Conventions:
 * - Prices, sizes and money are NUMERIC in the database and `Decimal` (an exact decimal string such
 *   as "0.95") in rows. Inputs take a string or a number; a number is written with its shortest
 *   round-trip representation (0.95 → "0.95"), so callers that already hold exact strings keep them.
 * - Every timestamp is `timestamptz` and a `Date` in rows. Inputs take a Date, epoch milliseconds or
 *   an ISO-8601 string; a string without an offset is UTC (gotcha G7).
 * - Mutating methods take an optional `tx` (a pg-promise task or transaction) so callers can compose
 *   several repositories atomically: `database.db.tx((t) => ...)`.
 */
import type { IBaseProtocol, IDatabase, IMain } from 'pg-promise';

/** An exact decimal as PostgreSQL prints NUMERIC, e.g. "0.95". */
export type Decimal = string;
/** What a caller may pass where a NUMERIC is stored. */
export type DecimalInput = string | number;
/** A Date, epoch milliseconds, or ISO-8601 text (no offset means UTC, G7). */
export type TimestampInput = Date | string | number;

export type Side = 'BUY' | 'SELL';
export type OrderType = 'GTC' | 'GTD' | 'FOK' | 'FAK';
export type DatabaseBackend = 'postgres' | 'embedded';

/** The pg-promise database object (pool). */
export type DbClient = IDatabase<object>;
/** Anything that runs queries: the database, a task or a transaction. */
export type Queryable = IBaseProtocol<object>;
export type PgpMain = IMain;

// ---------------------------------------------------------------- database

export interface Database {
  /** The pg-promise database object; queries go through it (or through a task/tx opened on it). */
  readonly db: DbClient;
  /** The pg-promise root: helpers (multi-row inserts), formatting, errors. */
  readonly pgp: PgpMain;
  readonly backend: DatabaseBackend;
  /** Where the data lives, password masked: the URL, or `embedded:<dataDir>`. Safe to log. */
  readonly displayUrl: string;
  /** Applies pending migrations (advisory lock, one transaction per file). Idempotent. */
  migrate(options?: MigrateOptions): Promise<MigrationReport>;
  /** A round trip to the database; throws DatabaseError when it cannot answer. */
  ping(): Promise<PingResult>;
  /** Closes the pool (and, embedded, stops the server and PGlite cleanly). Idempotent. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string. When absent (null/undefined/''), the embedded database is used. */
  readonly url?: string | null;
  /** Embedded data directory; default `./.polybot/data`. Ignored with a URL. */
  readonly dataDir?: string;
  /** Pool size for real PostgreSQL (default 10). The embedded backend always uses 1. */
  readonly poolSize?: number;
  /** Milliseconds to wait for the first connection before giving up (default 5000). */
  readonly connectTimeoutMs?: number;
  /** Application name reported to PostgreSQL (pg_stat_activity). */
  readonly applicationName?: string;
  /** Run migrations as part of opening (default false: the caller decides). */
  readonly migrate?: boolean | MigrateOptions;
}

export interface MigrateOptions {
  /** Directory of `NNNN_name.sql` files; default: `engine/dist/sql` next to this module. */
  readonly dir?: string;
}

export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  readonly fileName: string;
  readonly checksum: string;
  readonly sql: string;
}

export interface MigrationReport {
  /** File names applied by this call, in order. */
  readonly applied: readonly string[];
  /** Highest version now recorded. */
  readonly currentVersion: number;
}

export interface PingResult {
  readonly ok: true;
  readonly latencyMs: number;
  readonly backend: DatabaseBackend;
}

// ---------------------------------------------------------------- markets and tokens

export interface TokenInput {
  readonly tokenId: string;
  readonly outcome: string;
  readonly outcomeIndex: number;
}

export interface MarketInput {
  readonly conditionId: string;
  readonly question: string;
  readonly category?: string | null;
  readonly tags?: readonly string[];
  readonly endDate?: TimestampInput | null;
  readonly negRisk?: boolean;
  readonly tickSize: DecimalInput;
  readonly minOrderSize: DecimalInput;
  readonly active?: boolean;
  readonly closed?: boolean;
  readonly gammaId?: string | null;
  readonly slug?: string | null;
  /** Several tokens per condition (G2); upserted with the market. */
  readonly tokens: readonly TokenInput[];
}

export interface MarketRow {
  readonly conditionId: string;
  readonly question: string;
  readonly category: string | null;
  readonly tags: string[];
  readonly endDate: Date | null;
  readonly negRisk: boolean;
  readonly tickSize: Decimal;
  readonly minOrderSize: Decimal;
  readonly active: boolean;
  readonly closed: boolean;
  readonly gammaId: string | null;
  readonly slug: string | null;
  readonly updatedAt: Date;
}

export interface TokenRow {
  readonly tokenId: string;
  readonly conditionId: string;
  readonly outcome: string;
  readonly outcomeIndex: number;
}

export interface MarketWithTokens extends MarketRow {
  readonly tokens: TokenRow[];
}

export interface TokenWithMarket {
  readonly token: TokenRow;
  readonly market: MarketRow;
}

export interface MarketRepositoryApi {
  /** Inserts or updates markets and their tokens in multi-row batches. Returns markets written. */
  upsertMany(markets: readonly MarketInput[], tx?: Queryable): Promise<number>;
  getByCondition(conditionId: string, tx?: Queryable): Promise<MarketWithTokens | null>;
  getToken(tokenId: string, tx?: Queryable): Promise<TokenWithMarket | null>;
  /** Token ids of markets that are active and not closed, ordered for stable sharding. */
  listActiveTokenIds(): Promise<string[]>;
  /** Marks markets closed (and inactive). Returns how many changed. */
  markClosed(conditionIds: readonly string[], tx?: Queryable): Promise<number>;
  countMarkets(): Promise<number>;
}

// ---------------------------------------------------------------- tape

export type TradeSource = 'websocket' | 'rest' | 'data-api' | 'replay' | 'simulator';

export interface TradeInput {
  readonly tokenId: string;
  readonly conditionId?: string | null;
  readonly price: DecimalInput;
  /** Absent when the source did not carry it (G3). */
  readonly size?: DecimalInput | null;
  readonly side?: Side | null;
  readonly tradedAt: TimestampInput;
  readonly source: TradeSource | string;
  /** Venue trade id or hash when known. */
  readonly venueTradeId?: string | null;
  readonly receivedAt?: TimestampInput;
}

export interface TradeRow {
  readonly id: number;
  readonly tokenId: string;
  readonly conditionId: string | null;
  readonly price: Decimal;
  readonly size: Decimal | null;
  readonly side: Side | null;
  readonly tradedAt: Date;
  readonly source: string;
  readonly venueTradeId: string | null;
  readonly receivedAt: Date;
}

export type BookUpdateKind = 'snapshot' | 'delta' | 'tick_size_change';

export interface BookUpdateInput {
  readonly tokenId: string;
  readonly conditionId?: string | null;
  readonly kind: BookUpdateKind;
  /** The levels or changes as received (normalized JSON), enough to replay the book. */
  readonly payload: unknown;
  readonly venueTimestamp?: TimestampInput | null;
  readonly hash?: string | null;
  readonly receivedAt?: TimestampInput;
}

export interface BookUpdateRow {
  readonly id: number;
  readonly tokenId: string;
  readonly conditionId: string | null;
  readonly kind: BookUpdateKind;
  readonly payload: unknown;
  readonly venueTimestamp: Date | null;
  readonly hash: string | null;
  readonly receivedAt: Date;
}

export interface TapeQuery {
  readonly tokenId?: string;
  readonly conditionId?: string;
  /** Only rows traded (trades) / received (book updates) at or after this instant. */
  readonly since?: TimestampInput;
  readonly until?: TimestampInput;
  /** Default 100, at most 10 000. */
  readonly limit?: number;
}

export interface TapeRepositoryApi {
  insertTrades(trades: readonly TradeInput[], tx?: Queryable): Promise<number>;
  insertBookUpdates(updates: readonly BookUpdateInput[], tx?: Queryable): Promise<number>;
  /** Newest first. */
  recentTrades(query?: TapeQuery): Promise<TradeRow[]>;
  /** Oldest first, for replay. */
  tradesForReplay(query: TapeQuery): Promise<TradeRow[]>;
  /** Oldest first, for replay. */
  bookUpdatesForReplay(query: TapeQuery): Promise<BookUpdateRow[]>;
}

/** What the TapeWriter accepts: a trade or a book update, tagged. */
export type TapeRecord =
  | { readonly type: 'trade'; readonly trade: TradeInput }
  | { readonly type: 'book'; readonly update: BookUpdateInput };

export interface TapeWriterApi {
  /** Synchronous and O(1): buffers the record for the next batch. */
  append(record: TapeRecord): void;
  appendTrade(trade: TradeInput): void;
  appendBookUpdate(update: BookUpdateInput): void;
  /** Writes everything buffered now; resolves when written (rejects if the write failed; rows kept). */
  flush(): Promise<void>;
  /** Stops the timer and flushes what is left (one last attempt). */
  close(): Promise<void>;
  /** Rows waiting to be written. */
  readonly pending: number;
}

// ---------------------------------------------------------------- triggers (G2)

export interface TriggerInput {
  readonly tokenId: string;
  readonly conditionId: string;
  readonly threshold: DecimalInput;
  readonly strategy: string;
  readonly createdAt?: TimestampInput;
}

export interface TriggerRow {
  readonly id: number;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly threshold: Decimal;
  readonly strategy: string;
  readonly createdAt: Date;
}

export interface TriggerRepositoryApi {
  /** True only when neither this token nor any token of its condition triggered at this threshold (G2). */
  shouldTrigger(
    tokenId: string,
    conditionId: string,
    threshold: DecimalInput,
    tx?: Queryable,
  ): Promise<boolean>;
  /** Records the trigger; false (not an error) when another writer already holds this token/condition at this threshold. */
  recordTrigger(trigger: TriggerInput, tx?: Queryable): Promise<boolean>;
  listByCondition(conditionId: string): Promise<TriggerRow[]>;
  /**
   * Removes a trigger this strategy recorded, when nothing came of it (execution refused the
   * order before the venue had it, or the venue rejected it). False when there was none.
   */
  releaseTrigger(trigger: Omit<TriggerInput, 'createdAt'>, tx?: Queryable): Promise<boolean>;
  /** Every token and condition that triggered at this threshold: to warm an in-memory G2 check at start. */
  listTriggered(threshold: DecimalInput): Promise<{ tokenIds: string[]; conditionIds: string[] }>;
}

// ---------------------------------------------------------------- orders

export type OrderState =
  | 'pending'
  | 'submitting'
  | 'live'
  | 'delayed'
  | 'partially_filled'
  | 'filled'
  | 'cancelled'
  | 'rejected'
  | 'expired'
  | 'unknown';

export interface OrderIntentInput {
  readonly clientOrderId: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly strategy: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly price: DecimalInput;
  /** Shares. */
  readonly size: DecimalInput;
  /** Dollars, when the order was sized by amount. */
  readonly notional?: DecimalInput | null;
  readonly expiresAt?: TimestampInput | null;
  readonly salt?: string | null;
  readonly orderHash?: string | null;
  readonly signedPayload?: unknown;
  /** True for orders that never reach a venue (dry run / paper). */
  readonly dryRun?: boolean;
  readonly createdAt?: TimestampInput;
}

export interface OrderRow {
  readonly id: number;
  readonly clientOrderId: string;
  readonly venueOrderId: string | null;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly strategy: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly price: Decimal;
  readonly size: Decimal;
  readonly notional: Decimal | null;
  readonly filledSize: Decimal;
  readonly averageFillPrice: Decimal | null;
  readonly state: OrderState;
  readonly dryRun: boolean;
  readonly salt: string | null;
  readonly orderHash: string | null;
  readonly signedPayload: unknown;
  readonly venueResponse: unknown;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly submittedAt: Date | null;
  readonly expiresAt: Date | null;
}

/** Fields that may change together with a state transition. Absent fields stay as they are. */
export interface OrderUpdate {
  readonly venueOrderId?: string | null;
  readonly filledSize?: DecimalInput;
  readonly averageFillPrice?: DecimalInput | null;
  readonly venueResponse?: unknown;
  readonly error?: string | null;
  readonly salt?: string | null;
  readonly orderHash?: string | null;
  readonly signedPayload?: unknown;
  readonly at?: TimestampInput;
}

export interface SubmissionDetails {
  readonly salt?: string | null;
  readonly orderHash?: string | null;
  readonly signedPayload?: unknown;
  readonly at?: TimestampInput;
}

export interface VenueResponseUpdate extends OrderUpdate {
  readonly state: OrderState;
}

export interface OrderRepositoryApi {
  /** Persists the intent (state `pending`) before anything reaches the venue. Idempotent by clientOrderId. */
  createIntent(intent: OrderIntentInput, tx?: Queryable): Promise<OrderRow>;
  /** pending → submitting, with the signed order. */
  markSubmitting(clientOrderId: string, details?: SubmissionDetails, tx?: Queryable): Promise<OrderRow>;
  /** Applies what the venue said (state + venue id + fills + raw body), through the state-machine guard. */
  applyVenueResponse(clientOrderId: string, update: VenueResponseUpdate, tx?: Queryable): Promise<OrderRow>;
  /** Moves to `to` if the state machine allows it from the current state; else OrderStateError. */
  transition(clientOrderId: string, to: OrderState, update?: OrderUpdate, tx?: Queryable): Promise<OrderRow>;
  findByClientOrderId(clientOrderId: string, tx?: Queryable): Promise<OrderRow | null>;
  findByVenueOrderId(venueOrderId: string, tx?: Queryable): Promise<OrderRow | null>;
  /** Orders that may still rest on the venue: live, delayed, partially_filled. */
  listOpen(): Promise<OrderRow[]>;
  /** Orders whose venue outcome is not known: pending, submitting, unknown (reconcile on restart). */
  listUnresolvedIntents(): Promise<OrderRow[]>;
  listByCondition(conditionId: string): Promise<OrderRow[]>;
  /** Most recent first, optionally in one state; limit 1..1000 (default 100). For the dashboard. */
  listRecent(query?: { state?: OrderState; limit?: number }): Promise<OrderRow[]>;
  /** Whether any order was placed in dry-run (true) or live (false) mode: a database serves one mode only. */
  hasOrdersInMode(dryRun: boolean): Promise<boolean>;
}

// ---------------------------------------------------------------- fills

export interface FillInput {
  /** The venue's trade id; (tradeId, clientOrderId) is unique, so re-imports are no-ops. */
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly side: Side;
  readonly price: DecimalInput;
  readonly size: DecimalInput;
  /** Collateral paid in fees. */
  readonly fee?: DecimalInput;
  readonly filledAt: TimestampInput;
  readonly status?: string | null;
  readonly raw?: unknown;
}

export interface FillRow {
  readonly id: number;
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly size: Decimal;
  readonly fee: Decimal;
  readonly filledAt: Date;
  readonly status: string | null;
  readonly raw: unknown;
  readonly createdAt: Date;
}

export interface FillRepositoryApi {
  /** The stored fill, or null when this (tradeId, order) was already recorded. */
  insert(fill: FillInput, tx?: Queryable): Promise<FillRow | null>;
  listByOrder(clientOrderId: string): Promise<FillRow[]>;
  /** Sum of sizes and size-weighted average price over the order's fills (null price when none). */
  totalsForOrder(
    clientOrderId: string,
    tx?: Queryable,
  ): Promise<{ size: Decimal; averagePrice: Decimal | null }>;
}

// ---------------------------------------------------------------- positions

export type PositionStatus = 'open' | 'closed';

export interface PositionFillInput {
  readonly tokenId: string;
  readonly conditionId: string;
  readonly strategy: string;
  readonly side: Side;
  readonly price: DecimalInput;
  readonly size: DecimalInput;
  readonly fee?: DecimalInput;
  readonly at?: TimestampInput;
}

export interface PositionRow {
  readonly id: number;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly strategy: string;
  readonly size: Decimal;
  readonly averagePrice: Decimal;
  readonly costBasis: Decimal;
  readonly realizedPnl: Decimal;
  readonly status: PositionStatus;
  readonly openedAt: Date;
  readonly closedAt: Date | null;
  readonly updatedAt: Date;
}

export interface PositionRepositoryApi {
  /** BUY adds (weighted average price, fees in cost); SELL reduces and realizes pnl; size 0 closes. */
  applyFill(fill: PositionFillInput, tx?: Queryable): Promise<PositionRow>;
  listOpen(strategy?: string): Promise<PositionRow[]>;
  getOpenByCondition(conditionId: string, tx?: Queryable): Promise<PositionRow | null>;
  /** Closes the open position of a condition (e.g. market resolved), realizing pnl at `exitPrice` when given. */
  close(
    conditionId: string,
    options?: { exitPrice?: DecimalInput; at?: TimestampInput },
    tx?: Queryable,
  ): Promise<PositionRow | null>;
  countOpen(): Promise<number>;
}

// ---------------------------------------------------------------- balance

export interface BalanceSnapshotRow {
  readonly id: number;
  readonly balance: Decimal;
  readonly source: string;
  readonly takenAt: Date;
}

export interface BalanceReservationRow {
  readonly id: number;
  readonly clientOrderId: string;
  readonly amount: Decimal;
  readonly createdAt: Date;
  readonly releasedAt: Date | null;
}

export interface BalanceRepositoryApi {
  snapshot(
    balance: DecimalInput,
    source: string,
    takenAt?: TimestampInput,
    tx?: Queryable,
  ): Promise<BalanceSnapshotRow>;
  latest(tx?: Queryable): Promise<BalanceSnapshotRow | null>;
  /** Reserves collateral for an order; false when that order already holds a reservation. */
  reserve(clientOrderId: string, amount: DecimalInput, tx?: Queryable): Promise<boolean>;
  /** Releases the order's reservation; false when there was none open. */
  release(clientOrderId: string, at?: TimestampInput, tx?: Queryable): Promise<boolean>;
  /** Sum of open reservations ("0" when none). */
  totalReserved(tx?: Queryable): Promise<Decimal>;
  listOpenReservations(): Promise<BalanceReservationRow[]>;
}

// ---------------------------------------------------------------- watchlist

export type WatchStatus = 'active' | 'triggered' | 'expired' | 'removed';

export interface WatchInput {
  readonly tokenId: string;
  readonly conditionId: string;
  readonly strategy: string;
  readonly reason: string;
  readonly triggerPrice?: DecimalInput | null;
  readonly expiresAt: TimestampInput;
  readonly addedAt?: TimestampInput;
}

export interface WatchRow {
  readonly id: number;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly strategy: string;
  readonly reason: string;
  readonly triggerPrice: Decimal | null;
  readonly addedAt: Date;
  readonly expiresAt: Date;
  readonly status: WatchStatus;
  readonly updatedAt: Date;
}

export interface WatchlistRepositoryApi {
  /** Adds, or refreshes the active entry of the same token and strategy (reason, price, expiry). */
  add(entry: WatchInput, tx?: Queryable): Promise<WatchRow>;
  /** Active entries not yet expired at `now`. */
  listActive(now?: TimestampInput): Promise<WatchRow[]>;
  getActive(tokenId: string, strategy: string, tx?: Queryable): Promise<WatchRow | null>;
  setStatus(id: number, status: Exclude<WatchStatus, 'active'>, tx?: Queryable): Promise<boolean>;
  /** Marks every active entry past its expiry as expired; returns how many. */
  expireDue(now?: TimestampInput, tx?: Queryable): Promise<number>;
}

// ---------------------------------------------------------------- approvals

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'executed' | 'failed';

export interface ApprovalInput {
  readonly tokenId: string;
  readonly conditionId: string;
  readonly strategy: string;
  readonly side: Side;
  readonly price: DecimalInput;
  readonly size?: DecimalInput | null;
  readonly notional?: DecimalInput | null;
  readonly reason: string;
  readonly expiresAt: TimestampInput;
  readonly createdAt?: TimestampInput;
  /** Anything the executor needs later (the signal, the trigger). */
  readonly payload?: unknown;
}

export interface ApprovalRow {
  readonly id: number;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly strategy: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly size: Decimal | null;
  readonly notional: Decimal | null;
  readonly reason: string;
  readonly status: ApprovalStatus;
  readonly payload: unknown;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly decidedAt: Date | null;
  readonly decidedBy: string | null;
  /** Why an approved trade was not executed (price re-check or risk refused it). */
  readonly failure: string | null;
}

export interface TradeApprovalRow {
  readonly id: number;
  readonly alertId: number;
  readonly approvedBy: string;
  readonly approvedAt: Date;
  readonly clientOrderId: string | null;
}

export interface ApprovalRepositoryApi {
  create(input: ApprovalInput, tx?: Queryable): Promise<ApprovalRow>;
  get(id: number, tx?: Queryable): Promise<ApprovalRow | null>;
  /**
   * Approves or rejects a pending, unexpired alert. Null when it is not pending any more (already
   * decided, expired or executed) — the first decision wins.
   */
  decide(
    id: number,
    decision: 'approved' | 'rejected',
    decidedBy: string,
    at?: TimestampInput,
    tx?: Queryable,
  ): Promise<ApprovalRow | null>;
  /** approved → executed, linking the order. False when the alert was not approved. */
  markExecuted(id: number, clientOrderId: string, tx?: Queryable): Promise<boolean>;
  /** approved → failed with the reason (the re-check or risk refused it). False when it was not approved. */
  markFailed(id: number, failure: string, tx?: Queryable): Promise<boolean>;
  /** pending alerts past expiry → expired; returns them. */
  expireDue(now?: TimestampInput, tx?: Queryable): Promise<ApprovalRow[]>;
  listPending(now?: TimestampInput): Promise<ApprovalRow[]>;
  getTradeApproval(alertId: number): Promise<TradeApprovalRow | null>;
}

// ---------------------------------------------------------------- strategy decisions

/** A Signal action, or what the engine decided for the strategy (timeout, error, filtered). */
export type DecisionAction = 'BUY' | 'SELL' | 'WATCH' | 'IGNORE' | 'TIMEOUT' | 'ERROR' | 'REJECTED';

export interface DecisionInput {
  readonly strategy: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly action: DecisionAction;
  readonly reason: string;
  readonly price?: DecimalInput | null;
  readonly size?: DecimalInput | null;
  readonly notional?: DecimalInput | null;
  /** The trigger (price, size, side, timestamp, source) and anything else worth replaying. */
  readonly triggerData?: unknown;
  readonly createdAt?: TimestampInput;
}

export interface DecisionRow {
  readonly id: number;
  readonly strategy: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly action: DecisionAction;
  readonly reason: string;
  readonly price: Decimal | null;
  readonly size: Decimal | null;
  readonly notional: Decimal | null;
  readonly triggerData: unknown;
  readonly createdAt: Date;
}

export interface DecisionQuery {
  readonly strategy?: string;
  readonly conditionId?: string;
  readonly action?: DecisionAction;
  readonly since?: TimestampInput;
  /** Default 100, at most 10 000. Newest first. */
  readonly limit?: number;
}

export interface DecisionRepositoryApi {
  record(decision: DecisionInput, tx?: Queryable): Promise<DecisionRow>;
  /** Multi-row insert in batches; returns rows written. */
  recordMany(decisions: readonly DecisionInput[], tx?: Queryable): Promise<number>;
  list(query?: DecisionQuery): Promise<DecisionRow[]>;
}

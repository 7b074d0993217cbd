/**
 * The venue port. Execution talks to a venue only through this interface; the paper venue and
 * the live CLOB V2 adapter implement it, so the money path is the same code in both modes and a
 * later client switch touches one adapter (reference §17).
 *
 * Numbers cross this boundary as exact decimal strings (prices, shares, dollars); signed amounts
 * are integer strings in 1e6 units, as the venue signs them.
 */
import type { MarketRules, OrderType, Side, TickSize } from './order-math.js';

export type ExchangeKind = 'paper' | 'live';

/** The two venue adapters; the config's `mode` picks one (dry-run → paper). */
export const EXCHANGE_KINDS: readonly ExchangeKind[] = Object.freeze(['paper', 'live']);

/** An order ready to be sent: exact amounts plus the fields that make it unique and signable. */
export interface OrderDraft {
  readonly clientOrderId: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly side: Side;
  readonly orderType: OrderType;
  /** Limit price on the tick grid. */
  readonly price: string;
  /** Shares the order is for. */
  readonly size: string;
  /** 1e6 units: collateral for a BUY, shares for a SELL. */
  readonly makerAmount: string;
  /** 1e6 units: shares for a BUY, collateral for a SELL. */
  readonly takerAmount: string;
  /** Unix seconds; "0" unless GTD. */
  readonly expiration: string;
  /** Derived from the client order id, so the same intent always signs the same order. */
  readonly salt: string;
  /** Epoch ms as a string (V2 signed field), fixed when the intent was created. */
  readonly timestamp: string;
  readonly tickSize: TickSize;
  readonly negRisk: boolean;
}

/** A draft after `prepare`: its venue id is known before anything is sent. */
export interface PreparedOrder extends OrderDraft {
  /** The venue's order id: the EIP-712 hash of the signed order (live) or a deterministic id (paper). */
  readonly orderHash: string;
  /** What will be posted (the signed order for live); persisted before sending. */
  readonly payload: unknown;
}

/** The venue's immediate answer to a placed order (reference §5.4, §16.7, §17). */
export type PlacementStatus = 'live' | 'matched' | 'delayed' | 'unmatched';

export interface PlaceOrderResult {
  readonly orderId: string;
  readonly status: PlacementStatus;
  /** Decimal strings of what the taker side received / gave in the immediate match; "" when nothing matched. */
  readonly takingAmount: string;
  readonly makingAmount: string;
  readonly tradeIds: readonly string[];
  readonly raw: unknown;
}

/** An order as the venue reports it now. */
export type VenueOrderStatus = 'live' | 'delayed' | 'matched' | 'cancelled' | 'invalid' | 'unmatched';

export interface VenueOrder {
  readonly id: string;
  readonly status: VenueOrderStatus;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly side: Side;
  readonly price: string;
  readonly originalSize: string;
  readonly sizeMatched: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Unix seconds, "0" when none. */
  readonly expiration: string;
  readonly orderType: string;
  readonly tradeIds: readonly string[];
  readonly raw: unknown;
}

/** One of OUR fills, seen from our side of a venue trade (taker or one of the makers). */
export interface VenueFill {
  readonly tradeId: string;
  /** Our order that filled. */
  readonly orderId: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly side: Side;
  readonly price: string;
  readonly size: string;
  /** Collateral paid in fees. */
  readonly fee: string;
  /** Epoch ms. */
  readonly matchedAt: number;
  readonly role: 'TAKER' | 'MAKER';
  readonly status: string;
  readonly raw: unknown;
}

export interface FillQuery {
  readonly tokenId?: string;
  readonly conditionId?: string;
  /** Only fills at or after this instant (epoch ms). */
  readonly since?: number;
  /** Only fills of this order. */
  readonly orderId?: string;
}

export interface CancelResult {
  readonly cancelled: readonly string[];
  /** order id → the venue's reason. */
  readonly notCancelled: Readonly<Record<string, string>>;
}

export interface BookLevelView {
  readonly price: string;
  readonly size: string;
}

export interface VenueBook {
  readonly tokenId: string;
  /** Best first. */
  readonly bids: readonly BookLevelView[];
  /** Best first. */
  readonly asks: readonly BookLevelView[];
  readonly timestamp: number;
  readonly tickSize: TickSize | null;
  readonly minOrderSize: string | null;
  readonly negRisk: boolean | null;
}

export interface BalanceOptions {
  /** G4: ask the venue to re-read chain state (GET /balance-allowance/update) before reading. */
  readonly refresh?: boolean;
}

/** A fill pushed by the venue as it happens (the paper venue's resting orders). */
export type FillListener = (fill: VenueFill) => void;

export interface Exchange {
  readonly kind: ExchangeKind;
  /** Checks the venue can be used (credentials, client, authentication); throws LiveModeError when not. */
  connect(): Promise<void>;
  /** Makes a draft sendable: signs it (live) and fixes its venue id. Pure apart from the signer: sends nothing. */
  prepare(draft: OrderDraft): Promise<PreparedOrder>;
  /** Sends a prepared order. Re-sending the same prepared order is safe: the venue knows it by its hash. */
  placeOrder(order: PreparedOrder): Promise<PlaceOrderResult>;
  cancelOrder(orderId: string): Promise<CancelResult>;
  /** The order, or null when the venue does not know it. */
  getOrder(orderId: string): Promise<VenueOrder | null>;
  getOpenOrders(filter?: { tokenId?: string; conditionId?: string }): Promise<VenueOrder[]>;
  /** Our fills (as taker and as maker). */
  getFills(query?: FillQuery): Promise<VenueFill[]>;
  /** Free collateral, dollars as a decimal string. */
  getBalance(options?: BalanceOptions): Promise<string>;
  /** Shares of one outcome token we hold at the venue (G12). */
  getTokenBalance(tokenId: string, options?: BalanceOptions): Promise<string>;
  getBook(tokenId: string): Promise<VenueBook>;
  getMarketRules(tokenId: string): Promise<MarketRules>;
  /** Registers the listener for fills the venue pushes; the live adapter has none (execution polls). */
  onFill?(listener: FillListener): void;
  /** Book update hook: the paper venue matches its resting orders here. */
  onBookUpdate?(tokenId: string): void;
  /** Tick-size change hook (B2): the paper venue validates prices on the announced grid at once. */
  onTickSizeChange?(tokenId: string, tickSize: TickSize): void;
  close(): Promise<void>;
}

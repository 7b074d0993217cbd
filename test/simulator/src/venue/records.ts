import type { OrderType, Side, SimMarket, TickSize } from '../types.js';

/** Internal order and trade records. All quantities are 1e6 integer units (see util/decimal.ts). */

export type OrderStatus =
  'LIVE' | 'MATCHED' | 'CANCELED' | 'CANCELED_MARKET_RESOLVED' | 'DELAYED' | 'UNMATCHED' | 'INVALID';

export type TradeStatus = 'MATCHED' | 'MINED' | 'CONFIRMED' | 'RETRYING' | 'FAILED';

export interface OrderRecord {
  readonly id: string;
  /** API key of the owner; SYSTEM_OWNER for the simulator's own liquidity. */
  readonly owner: string;
  /** Funder as sent (maker), checksummed as the client sent it. */
  readonly makerAddress: string;
  readonly signerAddress: string;
  /** Ledger key: lower-case maker address. */
  readonly account: string;
  readonly system: boolean;
  readonly market: SimMarket;
  readonly outcomeIndex: 0 | 1;
  readonly assetId: string;
  readonly side: Side;
  /** Limit price. */
  readonly price: bigint;
  /** Shares (BUY: takerAmount, SELL: makerAmount). */
  readonly originalSize: bigint;
  sizeMatched: bigint;
  readonly makerAmount: bigint;
  readonly takerAmount: bigint;
  readonly orderType: OrderType;
  /** Unix seconds; 0 = none. */
  readonly expiration: number;
  /** Unix seconds. */
  readonly createdAt: number;
  status: OrderStatus;
  readonly associateTrades: string[];
  /** Collateral (BUY) or shares (SELL) held back for the resting remainder. */
  reserved: bigint;
  readonly seq: number;
  /** Market BUY (FOK/FAK): fills are bounded by collateral (makerAmount), not by shares. */
  readonly amountBased: boolean;
}

export interface MakerLeg {
  readonly orderId: string;
  readonly owner: string;
  readonly makerAddress: string;
  readonly matchedAmount: bigint;
  readonly price: bigint;
  readonly side: Side;
  readonly assetId: string;
  readonly outcome: string;
}

export interface TradeRecord {
  readonly id: string;
  readonly takerOrderId: string;
  readonly takerOwner: string;
  readonly takerAddress: string;
  readonly market: SimMarket;
  readonly assetId: string;
  readonly outcome: string;
  readonly outcomeIndex: 0 | 1;
  /** Taker side. */
  readonly side: Side;
  readonly size: bigint;
  /** Execution (maker) price. */
  readonly price: bigint;
  /** Taker fee charged, collateral units. */
  readonly fee: bigint;
  readonly feeRateBps: string;
  /** Epoch ms. */
  readonly matchTime: number;
  lastUpdate: number;
  status: TradeStatus;
  readonly transactionHash: string;
  readonly maker: MakerLeg;
}

/** A public print on the Data API / market channel (a match, a scripted print or generated history). */
export interface PublicPrint {
  readonly id: string;
  readonly tokenId: string;
  readonly market: SimMarket;
  readonly outcomeIndex: 0 | 1;
  /** Taker side. */
  readonly side: Side;
  readonly size: bigint;
  readonly price: bigint;
  /** Epoch ms. */
  readonly timestamp: number;
  /** Taker wallet (`proxyWallet`). */
  readonly wallet: string;
  /** Maker wallet, for `takerOnly=false`. */
  readonly makerWallet: string;
  readonly transactionHash: string;
  readonly feeRateBps: string;
}

export interface LevelChange {
  readonly assetId: string;
  readonly side: Side;
  readonly price: bigint;
  /** New total resting size at the level ("0" = removed). */
  readonly size: bigint;
}

export interface TickChange {
  readonly oldTick: TickSize;
  readonly newTick: TickSize;
}

export const SYSTEM_OWNER = '00000000-0000-4000-8000-000000000000';

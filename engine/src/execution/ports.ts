/**
 * The small interfaces execution needs from other areas. They are shaped so the real components
 * fit them as they are (ingestion's BookStore and verifyPrice, core's AlertPort, the storage
 * market catalogue); the composition root passes those in.
 */
import type { MarketRules } from './order-math.js';

/**
 * G5 check against the live book (ingestion's `TradeHelpers.verifyPrice` fits as it is): a BUY
 * is compared with the best ask, a SELL with the best bid.
 */
export interface PriceVerifier {
  verifyPrice(
    tokenId: string,
    expectedPrice: number,
    maxDeviation: number,
    options?: { side?: 'BUY' | 'SELL' },
  ): Promise<{ valid: boolean; actualPrice: number | null; reason: string }>;
}

/** A price level; the venue's text is preferred over the number when both are present. */
export interface BookLevelLike {
  readonly price: number | string;
  readonly size: number | string;
  readonly priceText?: string;
  readonly sizeText?: string;
}

/** A live order book, best levels first. */
export interface BookLike {
  readonly bids: readonly BookLevelLike[];
  readonly asks: readonly BookLevelLike[];
  /** Epoch ms of the venue's snapshot, when known. */
  readonly timestamp?: number;
  readonly tickSize?: string | null;
  readonly minOrderSize?: string | null;
  readonly negRisk?: boolean | null;
}

/** The live books, full depth (ingestion's BookStore through `IngestionBookSource`). */
export interface BookSource {
  book(tokenId: string): BookLike | null | undefined;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';

export const ALERT_SEVERITIES: readonly AlertSeverity[] = Object.freeze(['info', 'warning', 'critical']);

/** Where alerts go (Telegram, logs, the dashboard); the same shape as core's AlertPort. */
export interface AlertSink {
  alert(alert: { severity: AlertSeverity; title: string; detail?: string }): void;
}

/** Taker fee parameters of a market (reference §16.1: fee = shares × rate × (p·(1−p))^exponent). */
export interface FeeSchedule {
  readonly rate: string;
  readonly exponent: number;
}

export interface PaperMarketRules extends MarketRules {
  readonly fee?: FeeSchedule | null;
}

/** Market rules by token id, from the catalogue; null when the token is unknown. */
export interface MarketRulesSource {
  rules(tokenId: string): Promise<PaperMarketRules | null>;
}

import { inject, injectable } from 'tsyringe';
import { Tokens } from '../../di/tokens.js';
import { VenueError } from '../../errors.js';
import type { Clock } from '../../util/clock.js';
import { toPriceLevels } from '../book-levels.js';
import { numberToDecimalText, parseDecimal } from '../decimal.js';
import type { HttpClient } from '../http/http-client.js';
import type { BookSnapshotEvent, Side } from '../types.js';
import {
  validateLastTradePrice,
  validateMidpoint,
  validateNegRisk,
  validateOrderBook,
  validateOrderBooks,
  validatePrice,
  validateTickSize,
  type RawOrderBookSummary,
} from '../validation/rest-schemas.js';

export interface QuotedPrice {
  readonly price: number;
  readonly priceText: string;
}

export interface LastTradePrice extends QuotedPrice {
  readonly side: Side | null;
}

/** POST /books takes a list; keep each request well under the venue's payload limit. */
const BOOKS_CHUNK = 100;

/** The public (no-auth) CLOB endpoints ingestion needs (reference §4.1), typed and normalized. */
@injectable()
export class ClobPublicClient {
  constructor(
    @inject(Tokens.HttpClient) private readonly http: HttpClient,
    @inject(Tokens.Clock) private readonly clock: Clock,
  ) {}

  /** The token's order book, best levels first; null when the venue has no book for it (404). */
  async getBook(tokenId: string): Promise<BookSnapshotEvent | null> {
    try {
      const raw = await this.http.request({
        service: 'clob',
        path: '/book',
        query: { token_id: tokenId },
        validate: validateOrderBook,
      });
      return this.toSnapshot(raw);
    } catch (error) {
      if (error instanceof VenueError && error.status === 404) return null;
      throw error;
    }
  }

  /** Books of many tokens through POST /books, in chunks. Tokens without a book are absent. */
  async getBooks(tokenIds: readonly string[]): Promise<BookSnapshotEvent[]> {
    const out: BookSnapshotEvent[] = [];
    for (let i = 0; i < tokenIds.length; i += BOOKS_CHUNK) {
      const chunk = tokenIds.slice(i, i + BOOKS_CHUNK);
      const raw = await this.http.request({
        service: 'clob',
        method: 'POST',
        path: '/books',
        body: chunk.map((token_id) => ({ token_id })),
        validate: validateOrderBooks,
      });
      for (const book of raw) out.push(this.toSnapshot(book));
    }
    return out;
  }

  /** The minimum tick as decimal text ("0.01", "0.005"); the venue sends a number here. */
  async getTickSize(tokenId: string): Promise<string> {
    const raw = await this.http.request({
      service: 'clob',
      path: '/tick-size',
      query: { token_id: tokenId },
      validate: validateTickSize,
    });
    return decimalText(raw.minimum_tick_size);
  }

  async getNegRisk(tokenId: string): Promise<boolean> {
    const raw = await this.http.request({
      service: 'clob',
      path: '/neg-risk',
      query: { token_id: tokenId },
      validate: validateNegRisk,
    });
    return raw.neg_risk;
  }

  async getLastTradePrice(tokenId: string): Promise<LastTradePrice> {
    const raw = await this.http.request({
      service: 'clob',
      path: '/last-trade-price',
      query: { token_id: tokenId },
      validate: validateLastTradePrice,
    });
    return { ...quoted(raw.price), side: raw.side === 'BUY' || raw.side === 'SELL' ? raw.side : null };
  }

  /**
   * GET /price. The venue's semantics are disputed (reference §4.1): live, side=BUY has answered the
   * best bid and side=SELL the best ask. We pass the side through and document nothing more; use
   * the book for anything that matters.
   */
  async getPrice(tokenId: string, side: Side): Promise<QuotedPrice> {
    const raw = await this.http.request({
      service: 'clob',
      path: '/price',
      query: { token_id: tokenId, side },
      validate: validatePrice,
    });
    return quoted(raw.price);
  }

  async getMidpoint(tokenId: string): Promise<QuotedPrice> {
    const raw = await this.http.request({
      service: 'clob',
      path: '/midpoint',
      query: { token_id: tokenId },
      validate: validateMidpoint,
    });
    return quoted(raw.mid);
  }

  private toSnapshot(raw: RawOrderBookSummary): BookSnapshotEvent {
    const bids = toPriceLevels(raw.bids, 'bids');
    const asks = toPriceLevels(raw.asks, 'asks');
    // The schema already checked every level; a failure here means the two disagree.
    if (typeof bids === 'string' || typeof asks === 'string') {
      throw new VenueError('malformed_response', `clob /book: ${typeof bids === 'string' ? bids : asks}`);
    }
    const timestamp = raw.timestamp === undefined ? this.clock.now() : Number(raw.timestamp);
    return {
      type: 'book',
      tokenId: raw.asset_id,
      conditionId: raw.market ?? '',
      bids,
      asks,
      timestamp,
      hash: raw.hash ?? null,
      tickSize: raw.tick_size === undefined ? null : decimalText(raw.tick_size),
      minOrderSize: raw.min_order_size === undefined ? null : decimalText(raw.min_order_size),
      negRisk: raw.neg_risk ?? null,
      lastTradePrice: raw.last_trade_price ? raw.last_trade_price : null,
      receivedAt: this.clock.now(),
      source: 'rest',
    };
  }
}

function decimalText(value: string | number): string {
  return typeof value === 'number' ? numberToDecimalText(value) : value;
}

function quoted(value: string | number): QuotedPrice {
  const priceText = decimalText(value);
  return { price: parseDecimal(priceText), priceText };
}

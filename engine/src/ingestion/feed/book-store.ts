import { injectable } from 'tsyringe';
import type { OrderBookView } from '@polybot/sdk';
import type { BookSnapshotEvent, LevelChange, PriceLevel } from '../types.js';

interface PendingChange {
  readonly change: LevelChange;
  readonly timestamp: number;
}

/** Deltas kept per unsynced book while waiting for its snapshot; beyond this the oldest half goes. */
const MAX_PENDING = 2_000;

class TokenBook {
  /** Best (highest) first. */
  bids: PriceLevel[] = [];
  /** Best (lowest) first. */
  asks: PriceLevel[] = [];
  synced = false;
  /** Venue time of the last update applied. */
  timestamp = 0;
  /** Local time of the last update applied (receivedAt). */
  updatedAt = 0;
  tickSize: string | null = null;
  hash: string | null = null;
  pending: PendingChange[] = [];

  constructor(
    readonly tokenId: string,
    public conditionId: string,
  ) {}
}

export interface BookTop {
  readonly bids: readonly PriceLevel[];
  readonly asks: readonly PriceLevel[];
}

export interface BookState {
  readonly tokenId: string;
  readonly conditionId: string;
  readonly synced: boolean;
  readonly bestBid: PriceLevel | null;
  readonly bestAsk: PriceLevel | null;
  readonly timestamp: number;
  readonly updatedAt: number;
  readonly tickSize: string | null;
  readonly bidLevels: number;
  readonly askLevels: number;
}

/**
 * Order books per token, kept from snapshots plus level deltas. A book is `synced` only after a
 * snapshot; while unsynced (new subscription, reconnect, tick-size change) deltas are buffered,
 * and when the snapshot arrives those at or after its timestamp are replayed — `price_change` sets
 * absolute level sizes, so replaying one the snapshot already contains is harmless.
 */
@injectable()
export class BookStore {
  private readonly books = new Map<string, TokenBook>();

  get size(): number {
    return this.books.size;
  }

  /**
   * Replaces the book with a snapshot. A REST snapshot older than what a synced book already holds
   * is ignored (the socket got ahead of it). Returns whether it was applied.
   */
  applySnapshot(snapshot: BookSnapshotEvent): boolean {
    let book = this.books.get(snapshot.tokenId);
    if (!book) {
      book = new TokenBook(snapshot.tokenId, snapshot.conditionId);
      this.books.set(snapshot.tokenId, book);
    } else if (book.synced && snapshot.source === 'rest' && snapshot.timestamp < book.timestamp) {
      return false;
    }
    if (snapshot.conditionId !== '') book.conditionId = snapshot.conditionId;
    // Copies: the snapshot's arrays also went to listeners, and deltas mutate ours.
    book.bids = snapshot.bids.slice();
    book.asks = snapshot.asks.slice();
    book.timestamp = snapshot.timestamp;
    book.updatedAt = snapshot.receivedAt;
    book.hash = snapshot.hash;
    if (snapshot.tickSize !== null) book.tickSize = snapshot.tickSize;
    book.synced = true;
    if (book.pending.length > 0) {
      const pending = book.pending;
      book.pending = [];
      for (const { change, timestamp } of pending) {
        if (timestamp >= snapshot.timestamp) applyLevel(book, change);
      }
    }
    return true;
  }

  /** One level change. Returns false when the book is unsynced and the change was buffered instead. */
  applyChange(change: LevelChange, conditionId: string, timestamp: number, receivedAt: number): boolean {
    let book = this.books.get(change.tokenId);
    if (!book) {
      book = new TokenBook(change.tokenId, conditionId);
      this.books.set(change.tokenId, book);
    }
    if (!book.synced) {
      // Drop the older half at once when full: O(1) amortized, where shift() would be O(n) per delta.
      if (book.pending.length >= MAX_PENDING) book.pending.splice(0, MAX_PENDING / 2);
      book.pending.push({ change, timestamp });
      return false;
    }
    applyLevel(book, change);
    if (timestamp > book.timestamp) book.timestamp = timestamp;
    book.updatedAt = receivedAt;
    if (change.hash !== null) book.hash = change.hash;
    return true;
  }

  /** The book can no longer be trusted (reconnect, tick-size change): wait for a fresh snapshot. */
  markUnsynced(tokenId: string): void {
    const book = this.books.get(tokenId);
    if (book) {
      book.synced = false;
      book.pending = [];
    }
  }

  setTickSize(tokenId: string, tickSize: string): void {
    const book = this.books.get(tokenId);
    if (book) book.tickSize = tickSize;
  }

  remove(tokenId: string): void {
    this.books.delete(tokenId);
  }

  has(tokenId: string): boolean {
    return this.books.has(tokenId);
  }

  isSynced(tokenId: string): boolean {
    return this.books.get(tokenId)?.synced ?? false;
  }

  unsyncedTokens(): string[] {
    const out: string[] = [];
    for (const book of this.books.values()) if (!book.synced) out.push(book.tokenId);
    return out;
  }

  bestBid(tokenId: string): PriceLevel | null {
    return this.books.get(tokenId)?.bids[0] ?? null;
  }

  bestAsk(tokenId: string): PriceLevel | null {
    return this.books.get(tokenId)?.asks[0] ?? null;
  }

  /** The top `depth` levels of each side, best first (copies). */
  top(tokenId: string, depth: number): BookTop | null {
    const book = this.books.get(tokenId);
    if (!book) return null;
    return { bids: book.bids.slice(0, depth), asks: book.asks.slice(0, depth) };
  }

  state(tokenId: string): BookState | null {
    const book = this.books.get(tokenId);
    if (!book) return null;
    return {
      tokenId: book.tokenId,
      conditionId: book.conditionId,
      synced: book.synced,
      bestBid: book.bids[0] ?? null,
      bestAsk: book.asks[0] ?? null,
      timestamp: book.timestamp,
      updatedAt: book.updatedAt,
      tickSize: book.tickSize,
      bidLevels: book.bids.length,
      askLevels: book.asks.length,
    };
  }

  /**
   * The strategy-facing view (`@polybot/sdk` OrderBookView): plain numbers, compact so it clones
   * cheaply into a strategy worker. Null for an unknown or unsynced book.
   */
  view(tokenId: string, depth = 5): OrderBookView | null {
    const book = this.books.get(tokenId);
    if (!book || !book.synced) return null;
    const side = (levels: PriceLevel[]): { price: number; size: number }[] => {
      const n = Math.min(depth, levels.length);
      const out = new Array<{ price: number; size: number }>(n);
      for (let i = 0; i < n; i++) {
        const level = levels[i] as PriceLevel;
        out[i] = { price: level.price, size: level.size };
      }
      return out;
    };
    return {
      bestBid: book.bids[0]?.price ?? null,
      bestAsk: book.asks[0]?.price ?? null,
      bids: side(book.bids),
      asks: side(book.asks),
      timestamp: book.updatedAt,
    };
  }
}

/**
 * Sets one level in a best-first array by binary search; size 0 removes it. The change itself is
 * stored as the level (a LevelChange is a PriceLevel with a few more fields): no copy per delta.
 */
function applyLevel(book: TokenBook, change: LevelChange): void {
  const levels = change.side === 'BUY' ? book.bids : book.asks;
  const descending = change.side === 'BUY';
  const price = change.price;
  let lo = 0;
  let hi = levels.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = (levels[mid] as PriceLevel).price;
    if (at === price) {
      if (change.size === 0) levels.splice(mid, 1);
      else levels[mid] = change;
      return;
    }
    if (descending ? at > price : at < price) lo = mid + 1;
    else hi = mid;
  }
  if (change.size !== 0) levels.splice(lo, 0, change);
}

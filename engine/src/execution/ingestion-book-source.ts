import { inject, injectable } from 'tsyringe';
import { Tokens } from '../di/tokens.js';
import type { BookStore } from '../ingestion/index.js';
import type { BookLike, BookSource } from './ports.js';

/** Levels per side handed to execution: deep enough for any order we place, cheap to copy. */
export const EXECUTION_BOOK_DEPTH = 50;

/** Execution's view of ingestion's BookStore: synced books only, best first, venue text kept. */
@injectable()
export class IngestionBookSource implements BookSource {
  constructor(@inject(Tokens.BookStore) private readonly store: BookStore) {}

  book(tokenId: string): BookLike | null {
    const state = this.store.state(tokenId);
    if (!state || !state.synced) return null;
    const top = this.store.top(tokenId, EXECUTION_BOOK_DEPTH);
    if (!top) return null;
    return { bids: top.bids, asks: top.asks, timestamp: state.timestamp, tickSize: state.tickSize };
  }
}

import type { Side } from '../types.js';
import type { PublicPrint } from './records.js';

export interface TapeQuery {
  conditionIds?: readonly string[];
  eventMarketIds?: ReadonlySet<string>;
  user?: string;
  side?: Side;
  takerOnly: boolean;
  /** Minimum size (TOKENS) or notional (CASH), 1e6 units. */
  minSize?: bigint;
  minCash?: bigint;
  limit: number;
  offset: number;
}

/** A print as seen from one side (for takerOnly=false, each match also appears on the maker side). */
export interface TapeRow {
  readonly print: PublicPrint;
  readonly side: Side;
  readonly wallet: string;
}

/**
 * Public trade prints, kept in time order globally and per market. Old prints (generated history,
 * months-old scripted prints for G1) are inserted in place, so "newest first" is always true.
 */
export class Tape {
  /** Every print; appended, and re-sorted lazily when an older print arrived (history, G1 prints). */
  private all: PublicPrint[] = [];
  private unsorted = false;
  private readonly byCondition = new Map<string, PublicPrint[]>();
  private readonly lastByToken = new Map<string, PublicPrint>();

  add(print: PublicPrint): void {
    const tail = this.all[this.all.length - 1];
    if (tail && tail.timestamp > print.timestamp) this.unsorted = true;
    this.all.push(print);
    const list = this.byCondition.get(print.market.conditionId) ?? [];
    insertSorted(list, print);
    this.byCondition.set(print.market.conditionId, list);
    const last = this.lastByToken.get(print.tokenId);
    if (!last || last.timestamp <= print.timestamp) this.lastByToken.set(print.tokenId, print);
  }

  last(tokenId: string): PublicPrint | undefined {
    return this.lastByToken.get(tokenId);
  }

  forCondition(conditionId: string): readonly PublicPrint[] {
    return this.byCondition.get(conditionId) ?? [];
  }

  /** Newest first, filtered and paged like the Data API's /trades. */
  query(q: TapeQuery): TapeRow[] {
    if (this.unsorted) {
      // Array.prototype.sort is stable, so equal timestamps keep arrival order.
      this.all.sort(byTime);
      this.unsorted = false;
    }
    const sources: readonly PublicPrint[][] =
      q.conditionIds && q.conditionIds.length > 0
        ? q.conditionIds.map((c) => this.byCondition.get(c) ?? [])
        : [this.all];
    const merged = sources.length === 1 ? (sources[0] as PublicPrint[]) : sources.flat().sort(byTime);
    const user = q.user?.toLowerCase();
    const out: TapeRow[] = [];
    let skipped = 0;
    for (let i = merged.length - 1; i >= 0 && out.length < q.limit; i--) {
      const print = merged[i] as PublicPrint;
      if (q.eventMarketIds && !q.eventMarketIds.has(print.market.conditionId)) continue;
      const rows: TapeRow[] = [{ print, side: print.side, wallet: print.wallet }];
      if (!q.takerOnly)
        rows.push({ print, side: print.side === 'BUY' ? 'SELL' : 'BUY', wallet: print.makerWallet });
      for (const row of rows) {
        if (user !== undefined && row.wallet.toLowerCase() !== user) continue;
        if (q.side !== undefined && row.side !== q.side) continue;
        if (q.minSize !== undefined && print.size < q.minSize) continue;
        if (q.minCash !== undefined && (print.size * print.price) / 1_000_000n < q.minCash) continue;
        if (skipped < q.offset) {
          skipped++;
          continue;
        }
        if (out.length < q.limit) out.push(row);
      }
    }
    return out;
  }
}

function byTime(a: PublicPrint, b: PublicPrint): number {
  return a.timestamp - b.timestamp;
}

/** Upper-bound binary insertion: equal timestamps keep arrival order. */
function insertSorted(list: PublicPrint[], print: PublicPrint): void {
  const tail = list[list.length - 1];
  if (!tail || tail.timestamp <= print.timestamp) {
    list.push(print);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as PublicPrint).timestamp <= print.timestamp) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, print);
}

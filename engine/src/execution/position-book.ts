import type { PositionRow } from '../storage/index.js';
import { ZERO, toMicros, type Micros } from './fixed.js';

/** Open positions in memory (one per condition), kept in step with every stored position change. */
export class PositionBook {
  private readonly byCondition = new Map<string, PositionRow>();
  private readonly conditionOfToken = new Map<string, string>();
  /** Earliest BUY fill seen per condition (G10: the hold starts at the first purchase). */
  private readonly firstBuy = new Map<string, number>();

  load(rows: readonly PositionRow[]): void {
    this.byCondition.clear();
    this.conditionOfToken.clear();
    for (const row of rows) this.apply(row);
  }

  /** Takes the stored row as the truth: open rows replace, closed rows remove. */
  apply(row: PositionRow): void {
    if (row.status === 'open' && toMicros(row.size) > ZERO) {
      this.byCondition.set(row.conditionId, row);
      this.conditionOfToken.set(row.tokenId, row.conditionId);
    } else {
      this.byCondition.delete(row.conditionId);
      if (this.conditionOfToken.get(row.tokenId) === row.conditionId)
        this.conditionOfToken.delete(row.tokenId);
      this.firstBuy.delete(row.conditionId);
    }
  }

  noteBuy(conditionId: string, at: number): void {
    const known = this.firstBuy.get(conditionId);
    if (known === undefined || at < known) this.firstBuy.set(conditionId, at);
  }

  /** When the position's hold began: the earliest BUY fill known, or when the position opened. */
  heldSince(row: PositionRow): number {
    const opened = row.openedAt.getTime();
    const first = this.firstBuy.get(row.conditionId);
    return first === undefined ? opened : Math.min(first, opened);
  }

  get(conditionId: string): PositionRow | undefined {
    return this.byCondition.get(conditionId);
  }

  ofToken(tokenId: string): PositionRow | undefined {
    const conditionId = this.conditionOfToken.get(tokenId);
    return conditionId === undefined ? undefined : this.byCondition.get(conditionId);
  }

  heldShares(tokenId: string): Micros {
    const row = this.ofToken(tokenId);
    return row ? toMicros(row.size) : ZERO;
  }

  get count(): number {
    return this.byCondition.size;
  }

  all(): PositionRow[] {
    return [...this.byCondition.values()];
  }
}

/**
 * Counts misbehaviour (over budget, killed, crashed, protocol violations) inside a sliding
 * window. `limit` strikes inside `windowMs` quarantine the strategy.
 */
export class StrikeCounter {
  private readonly times: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Records a strike at `now` (ms); true when the limit is reached. */
  strike(now: number): boolean {
    this.prune(now);
    this.times.push(now);
    return this.times.length >= this.limit;
  }

  count(now: number): number {
    this.prune(now);
    return this.times.length;
  }

  reset(): void {
    this.times.length = 0;
  }

  private prune(now: number): void {
    while (this.times.length > 0 && now - this.times[0]! >= this.windowMs) this.times.shift();
  }
}

/** Exponential restart delay: base, 2×base, 4×base … capped; reset once the runtime proves healthy. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  next(): number {
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}

import type { Counter } from 'prom-client';

interface Collectable {
  collect?: (this: unknown) => void | Promise<void>;
}

/**
 * A counter for the per-frame hot path. prom-client hashes labels on every `inc()`, which cost
 * about 5% of a `price_change` frame in the ingestion benchmark; this counts in a plain number and
 * folds the total into the prom-client counter whenever that counter is read (a scrape, the
 * summary API, a test), so readers never see a stale value.
 */
export class HotCounter {
  private pending = 0;

  constructor(private readonly target: Counter.Internal | Counter) {}

  inc(): void {
    this.pending++;
  }

  flush(): void {
    if (this.pending === 0) return;
    this.target.inc(this.pending);
    this.pending = 0;
  }
}

/** Hooks `flush` into the counter's collect step, keeping any collect function already there. */
export function flushOnCollect(counter: Counter, flush: () => void): void {
  const metric = counter as unknown as Collectable;
  const previous = metric.collect;
  metric.collect = function (this: unknown) {
    flush();
    return previous?.call(this);
  };
}

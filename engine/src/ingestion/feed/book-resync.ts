import type { Counter } from 'prom-client';
import type { Logger } from '../../monitoring/logger.js';
import type { MetricsRegistry } from '../../monitoring/metrics.js';
import { describeError } from '../../errors.js';
import type { ClobPublicClient } from '../rest/clob-public-client.js';
import type { BookSnapshotEvent } from '../types.js';
import { backoffDelay, type BackoffPolicy } from '../http/backoff.js';

export interface ResyncTarget {
  /** Still worth a snapshot: subscribed and not yet synced. */
  needs(tokenId: string): boolean;
  /** Applies a fresh REST snapshot (BookStore, events, tape). */
  apply(snapshot: BookSnapshotEvent): void;
}

/**
 * Rebuilds books from REST when the socket cannot be relied on for it (tick-size change, a
 * snapshot that never came after (re)subscribing). Requests are coalesced over a short window and
 * fetched through POST /books; failures retry with backoff for as long as the book still needs it.
 */
export class BookResync {
  private readonly queued = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private failures = 0;
  private stopped = false;
  private readonly requests: Counter<'reason'>;
  private readonly errors: Counter;

  constructor(
    private readonly clob: ClobPublicClient,
    private readonly target: ResyncTarget,
    private readonly logger: Logger,
    metrics: MetricsRegistry,
    private readonly batchDelayMs: number,
    private readonly retry: BackoffPolicy,
  ) {
    this.requests = metrics.counter(
      'polybot_book_resyncs_total',
      'Books rebuilt from a REST snapshot, by why the socket could not be trusted',
      ['reason'],
    );
    this.errors = metrics.counter('polybot_book_resync_errors_total', 'REST snapshot fetches that failed');
  }

  get pending(): number {
    return this.queued.size;
  }

  request(tokenId: string, reason: string): void {
    if (this.stopped || this.queued.has(tokenId)) return;
    this.requests.labels(reason).inc();
    this.queued.add(tokenId);
    this.arm(this.batchDelayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queued.clear();
  }

  private arm(delayMs: number): void {
    if (this.timer || this.running || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  private async flush(): Promise<void> {
    const tokens = [...this.queued].filter((id) => this.target.needs(id));
    this.queued.clear();
    if (tokens.length === 0 || this.stopped) return;
    this.running = true;
    try {
      const books = await this.clob.getBooks(tokens);
      if (this.stopped) return;
      for (const book of books) if (this.target.needs(book.tokenId)) this.target.apply(book);
      this.failures = 0;
    } catch (error) {
      this.errors.inc();
      this.failures++;
      this.logger.warn('REST book resync failed; retrying', {
        component: 'feed',
        books: tokens.length,
        error: describeError(error),
      });
      for (const id of tokens) this.queued.add(id);
    } finally {
      this.running = false;
    }
    if (this.queued.size > 0) {
      this.arm(this.failures > 0 ? backoffDelay(this.retry, this.failures - 1) : this.batchDelayMs);
    }
  }
}

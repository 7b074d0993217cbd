import type { Counter, Gauge, Histogram } from 'prom-client';
import type { MetricsRegistry } from '../monitoring/metrics.js';
import { EngineMetrics } from '../monitoring/engine-metrics.js';

interface Queued<T> {
  readonly item: T;
  readonly enqueuedAt: number;
}

/**
 * One FIFO that every event source (WebSocket, REST polling, the watchlist) feeds, drained by a
 * single consumer so events are processed strictly in arrival order. Bounded: when the consumer
 * falls behind by `capacity` events, new ones are dropped and counted rather than letting memory
 * grow without bound; queue depth and wait time are exported so backpressure is visible
 * long before that.
 */
export class EventQueue<T> {
  private readonly items: (Queued<T> | undefined)[] = [];
  private head = 0;
  private draining: Promise<void> | null = null;
  private closed = false;
  private readonly depth: Gauge;
  private readonly wait: Histogram;
  private readonly dropped: Counter;
  private readonly handlerErrors: Counter;

  constructor(
    private readonly handler: (item: T) => Promise<void>,
    private readonly onError: (error: unknown, item: T) => void,
    metrics: MetricsRegistry,
    private readonly capacity = 100_000,
  ) {
    // The queue's metrics are declared once, in the engine's metric catalogue.
    const catalogue = new EngineMetrics(metrics);
    this.depth = catalogue.eventQueueDepth;
    this.wait = catalogue.eventQueueWait;
    this.dropped = catalogue.eventQueueDropped;
    this.handlerErrors = metrics.counter(
      'polybot_event_handler_errors_total',
      'Events whose processing threw',
    );
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Synchronous and O(1): safe to call from a WebSocket message handler. */
  push(item: T): boolean {
    if (this.closed || this.size >= this.capacity) {
      this.dropped.inc();
      return false;
    }
    this.items.push({ item, enqueuedAt: performance.now() });
    this.depth.set(this.size);
    if (this.draining === null) this.draining = this.drain();
    return true;
  }

  /** Resolves when everything queued so far has been processed. */
  async idle(): Promise<void> {
    while (this.draining !== null) await this.draining;
  }

  /** Stops intake; events already queued are still processed. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  private async drain(): Promise<void> {
    // Yield once so a burst of pushes in the same tick is queued before the first is handled.
    await Promise.resolve();
    try {
      while (this.head < this.items.length) {
        const queued = this.items[this.head];
        this.items[this.head] = undefined;
        this.head += 1;
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items.splice(0, this.head);
          this.head = 0;
        }
        this.depth.set(this.size);
        if (queued === undefined) continue;
        this.wait.observe((performance.now() - queued.enqueuedAt) / 1000);
        try {
          await this.handler(queued.item);
        } catch (error) {
          this.handlerErrors.inc();
          this.onError(error, queued.item);
        }
      }
    } finally {
      this.draining = null;
    }
  }
}

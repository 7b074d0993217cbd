import type { Counter } from 'prom-client';
import type { Logger } from '../../monitoring/logger.js';
import type { MetricsRegistry } from '../../monitoring/metrics.js';
import { describeError } from '../../errors.js';
import type { TypedEmitter } from '../emitter.js';
import {
  SnapshotPayload,
  type BookSnapshotEvent,
  type FeedEvent,
  type LastTradeEvent,
  type LevelChange,
  type MarketResolvedEvent,
  type PriceChangeEvent,
  type TapeBookUpdate,
  type TapeSink,
  type TapeTrade,
  type TickSizeChangeEvent,
} from '../types.js';
import type { BookStore } from './book-store.js';
import { flushOnCollect, HotCounter } from './hot-counter.js';
import { parseFrame, type DropReason, type FrameHandler, type IgnoredEventType } from './frame-parser.js';

/** The market-data events the feed emits, by name. */
export interface MarketDataEvents {
  book: BookSnapshotEvent;
  priceChange: PriceChangeEvent;
  trade: LastTradeEvent;
  tickSizeChange: TickSizeChangeEvent;
  marketResolved: MarketResolvedEvent;
}

export interface DispatcherOptions {
  /** Trades older than this are never handed out (G1). */
  readonly maxTradeAgeMs: number;
  readonly now: () => number;
  /** Whether events for this token are wanted (it is subscribed); others are dropped quietly. */
  readonly accepts?: (tokenId: string) => boolean;
  /** The book of this token needs a fresh snapshot (after a tick-size change). */
  readonly requestResync?: (tokenId: string, reason: string) => void;
}

const SAMPLE_CHARS = 200;

/**
 * The hot path after the socket: parse a frame, keep the BookStore current, emit typed events and
 * append to the tape without awaiting it. Nothing here throws into the socket's event loop: a bad
 * frame is counted and sampled at debug, a failing listener or tape write is counted and logged.
 */
export class FrameDispatcher implements FrameHandler {
  private readonly frames: HotCounter;
  private readonly eventsByType: Record<FeedEvent['type'], HotCounter>;
  private readonly dropped: Counter<'reason'>;
  private readonly droppedByReason = new Map<DropReason, Counter.Internal>();
  private readonly ignored: Counter<'event_type'>;
  private readonly staleTrades: Counter.Internal;
  private readonly tapeErrors: Counter;
  private readonly frameErrors: Counter;
  private frameErrorLoggedAt = Number.NEGATIVE_INFINITY;
  private tapeErrorsSinceLog = 0;
  private tapeErrorLoggedAt = Number.NEGATIVE_INFINITY;
  /** Counted every time, logged at most every 10 s: a database outage must not flood the log. */
  private readonly onTapeError = (error: unknown): void => {
    this.tapeErrors.inc();
    this.tapeErrorsSinceLog++;
    const now = this.options.now();
    if (now - this.tapeErrorLoggedAt < 10_000) return;
    this.logger.error('tape append failed', {
      component: 'feed',
      failures: this.tapeErrorsSinceLog,
      error: describeError(error),
    });
    this.tapeErrorLoggedAt = now;
    this.tapeErrorsSinceLog = 0;
  };

  constructor(
    private readonly books: BookStore,
    private readonly emitter: TypedEmitter<MarketDataEvents>,
    private readonly tape: TapeSink | null,
    private readonly logger: Logger,
    metrics: MetricsRegistry,
    private readonly options: DispatcherOptions,
  ) {
    const frames = metrics.counter(
      'polybot_ws_frames_total',
      'Market-channel data frames received (PONG excluded)',
    );
    const events = metrics.counter('polybot_ws_events_total', 'Market-channel events accepted, by type', [
      'event_type',
    ]);
    this.frames = new HotCounter(frames);
    this.eventsByType = {
      book: new HotCounter(events.labels('book')),
      price_change: new HotCounter(events.labels('price_change')),
      last_trade_price: new HotCounter(events.labels('last_trade_price')),
      tick_size_change: new HotCounter(events.labels('tick_size_change')),
      market_resolved: new HotCounter(events.labels('market_resolved')),
    };
    flushOnCollect(frames, () => this.frames.flush());
    flushOnCollect(events, () => {
      for (const counter of Object.values(this.eventsByType)) counter.flush();
    });
    this.dropped = metrics.counter(
      'polybot_ws_frames_dropped_total',
      'Market-channel frames or events dropped as malformed, by reason',
      ['reason'],
    );
    this.ignored = metrics.counter(
      'polybot_ws_events_ignored_total',
      'Market-channel events received but not used (custom features), by type',
      ['event_type'],
    );
    this.staleTrades = metrics
      .counter('polybot_ingestion_stale_trades_total', 'Trades dropped for being older than the limit (G1)', [
        'source',
      ])
      .labels('ws');
    this.tapeErrors = metrics.counter('polybot_tape_append_errors_total', 'Tape appends that failed');
    this.frameErrors = metrics.counter(
      'polybot_ingestion_frame_errors_total',
      'Market frames whose handling threw inside ingestion (a bug, not bad input)',
    );
  }

  handleFrame(text: string, receivedAt: number): void {
    this.frames.inc();
    try {
      parseFrame(text, receivedAt, this);
    } catch (error) {
      // Input problems are dropped with a reason above; reaching here is our bug. It must still
      // not escape into the socket's event handler and take the process down.
      this.frameErrors.inc();
      if (receivedAt - this.frameErrorLoggedAt >= 10_000) {
        this.frameErrorLoggedAt = receivedAt;
        this.logger.error('market frame handling failed', { component: 'feed', error: describeError(error) });
      }
    }
  }

  onEvent(event: FeedEvent): void {
    const accepts = this.options.accepts;
    switch (event.type) {
      case 'book':
        if (accepts && !accepts(event.tokenId)) return;
        this.applySnapshot(event);
        break;
      case 'price_change':
        this.applyPriceChange(event, accepts);
        break;
      case 'last_trade_price':
        if (accepts && !accepts(event.tokenId)) return;
        this.handleTrade(event);
        break;
      case 'tick_size_change':
        if (accepts && !accepts(event.tokenId)) return;
        this.handleTickSize(event);
        break;
      case 'market_resolved':
        this.eventsByType.market_resolved.inc();
        this.emitter.emit('marketResolved', event);
        break;
    }
  }

  /** A snapshot from the socket or from REST: applied unless older than the book, then emitted and taped. */
  applySnapshot(event: BookSnapshotEvent): boolean {
    if (!this.books.applySnapshot(event)) return false;
    this.eventsByType.book.inc();
    this.emitter.emit('book', event);
    if (this.tape) {
      this.tapeBook({
        kind: 'snapshot',
        tokenId: event.tokenId,
        conditionId: event.conditionId,
        venueTimestamp: event.timestamp,
        hash: event.hash,
        receivedAt: event.receivedAt,
        payload: new SnapshotPayload(event.source, event.tickSize, event.bids, event.asks),
      });
    }
    return true;
  }

  onDrop(reason: DropReason, detail: string, frame: string): void {
    let counter = this.droppedByReason.get(reason);
    if (!counter) {
      counter = this.dropped.labels(reason);
      this.droppedByReason.set(reason, counter);
    }
    counter.inc();
    this.logger.debug('dropped malformed market frame', {
      component: 'feed',
      reason,
      detail,
      sample: frame.length > SAMPLE_CHARS ? `${frame.slice(0, SAMPLE_CHARS)}…` : frame,
    });
  }

  onIgnored(eventType: IgnoredEventType): void {
    this.ignored.labels(eventType).inc();
  }

  private applyPriceChange(event: PriceChangeEvent, accepts: DispatcherOptions['accepts']): void {
    const changes = event.changes;
    for (let i = 0; i < changes.length; i++) {
      const change = changes[i] as LevelChange;
      if (accepts && !accepts(change.tokenId)) continue;
      this.books.applyChange(change, event.conditionId, event.timestamp, event.receivedAt);
      if (this.tape) {
        this.tapeBook({
          kind: 'delta',
          tokenId: change.tokenId,
          conditionId: event.conditionId,
          venueTimestamp: event.timestamp,
          hash: change.hash,
          receivedAt: event.receivedAt,
          payload: { side: change.side, price: change.priceText, size: change.sizeText },
        });
      }
    }
    this.eventsByType.price_change.inc();
    this.emitter.emit('priceChange', event);
  }

  private handleTrade(event: LastTradeEvent): void {
    // G1: a trade older than the limit never leaves ingestion, whatever the source claims.
    // Aged at receipt (receivedAt is the clock's now when the frame arrived): one clock read per frame.
    if (event.receivedAt - event.timestamp > this.options.maxTradeAgeMs) {
      this.staleTrades.inc();
      return;
    }
    this.eventsByType.last_trade_price.inc();
    this.emitter.emit('trade', event);
    if (this.tape) {
      this.tapeTrade({
        tokenId: event.tokenId,
        conditionId: event.conditionId,
        price: event.priceText,
        size: event.sizeText,
        side: event.side,
        tradedAt: event.timestamp,
        receivedAt: event.receivedAt,
        source: 'ws',
        venueTradeId: event.transactionHash,
      });
    }
  }

  private handleTickSize(event: TickSizeChangeEvent): void {
    this.books.setTickSize(event.tokenId, event.newTickSize);
    // Resting levels may no longer sit on the grid: rebuild from a fresh snapshot before trusting deltas.
    this.books.markUnsynced(event.tokenId);
    this.options.requestResync?.(event.tokenId, 'tick_size_change');
    this.eventsByType.tick_size_change.inc();
    this.emitter.emit('tickSizeChange', event);
    if (this.tape) {
      this.tapeBook({
        kind: 'tick_size_change',
        tokenId: event.tokenId,
        conditionId: event.conditionId,
        venueTimestamp: event.timestamp,
        hash: null,
        receivedAt: event.receivedAt,
        payload: { oldTickSize: event.oldTickSize, newTickSize: event.newTickSize },
      });
    }
  }

  /** Tape writes are fire-and-forget; only a failure (thrown or rejected) is observed. */
  private tapeBook(update: TapeBookUpdate): void {
    try {
      const result = (this.tape as TapeSink).appendBookUpdate(update);
      if (result !== undefined) result.catch(this.onTapeError);
    } catch (error) {
      this.onTapeError(error);
    }
  }

  private tapeTrade(trade: TapeTrade): void {
    try {
      const result = (this.tape as TapeSink).appendTrade(trade);
      if (result !== undefined) result.catch(this.onTapeError);
    } catch (error) {
      this.onTapeError(error);
    }
  }
}

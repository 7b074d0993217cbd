import { inject, injectable } from 'tsyringe';
import type { EngineConfig } from '../config/types.js';
import { Tokens } from '../di/tokens.js';
import { describeError } from '../errors.js';
import type { Logger } from '../monitoring/logger.js';
import type { MetricsRegistry } from '../monitoring/metrics.js';
import type { TapeRepository } from './repositories/tape-repository.js';
import { bookUpdateTuple, tradeTuple } from './repositories/tape-repository.js';
import type { BookUpdateInput, TapeRecord, TapeWriterApi, TradeInput } from './types.js';

type Kind = 'trades' | 'book';

/** Buffered rows beyond this many batches are dropped (and counted) while the database is down. */
export const TAPE_BUFFER_BATCHES = 50;
const MAX_BACKOFF_MS = 30_000;

/**
 * SQLSTATE classes that blame the data, not the connection: 22 data exception, 23 constraint
 * violation, 54 limit exceeded (e.g. an index row too large).
 */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}

/**
 * Writes the tape (trades and book updates) in multi-row batches off the hot path. `append` only
 * converts and buffers (synchronous, O(1)); a timer or a full batch triggers a flush. A failed
 * flush keeps its rows and retries with backoff; a row the database refuses (bad data) is isolated
 * and dropped so it cannot block the tape; while the database stays down the buffer is bounded
 * and newer rows are dropped and counted.
 */
@injectable()
export class TapeWriter implements TapeWriterApi {
  private readonly buffers: Record<Kind, string[]> = { trades: [], book: [] };
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private kick: NodeJS.Immediate | null = null;
  private failures = 0;
  private retryAt = 0;
  private closed = false;
  private closing: Promise<void> | null = null;
  private dropping = false;

  private readonly written;
  private readonly dropped;
  private readonly flushFailures;
  private readonly buffered;
  private readonly flushSeconds;

  constructor(
    @inject(Tokens.TapeRepository) private readonly tape: TapeRepository,
    @inject(Tokens.Config) config: Pick<EngineConfig, 'ingestion'>,
    @inject(Tokens.Metrics) metrics: MetricsRegistry,
    @inject(Tokens.Logger) private readonly logger: Logger,
  ) {
    this.flushMs = Math.max(1, config.ingestion.tapeFlushMs);
    this.batchSize = Math.max(1, config.ingestion.tapeBatchSize);
    this.maxBuffered = this.batchSize * TAPE_BUFFER_BATCHES;
    this.written = metrics.counter('polybot_tape_rows_written_total', 'Tape rows written to the database', [
      'kind',
    ]);
    this.dropped = metrics.counter('polybot_tape_rows_dropped_total', 'Tape rows dropped, by reason', [
      'kind',
      'reason',
    ]);
    this.flushFailures = metrics.counter('polybot_tape_flush_failures_total', 'Tape flushes that failed');
    this.buffered = metrics.gauge('polybot_tape_rows_buffered', 'Tape rows waiting to be written');
    this.flushSeconds = metrics.histogram('polybot_tape_flush_seconds', 'Duration of one tape batch insert');
  }

  get pending(): number {
    return this.buffers.trades.length + this.buffers.book.length;
  }

  append(record: TapeRecord): void {
    if (record.type === 'trade') this.appendTrade(record.trade);
    else this.appendBookUpdate(record.update);
  }

  appendTrade(trade: TradeInput): void {
    this.push('trades', () => tradeTuple(trade, new Date()));
  }

  appendBookUpdate(update: BookUpdateInput): void {
    this.push('book', () => bookUpdateTuple(update, new Date()));
  }

  private push(kind: Kind, convert: () => string): void {
    if (this.closed) {
      this.dropped.inc({ kind, reason: 'closed' });
      return;
    }
    let row: string;
    try {
      row = convert();
    } catch (error) {
      this.dropped.inc({ kind, reason: 'invalid' });
      this.logger.debug('tape: record dropped', { kind, error: describeError(error) });
      return;
    }
    if (this.pending >= this.maxBuffered) {
      this.dropped.inc({ kind, reason: 'buffer_full' });
      if (!this.dropping) {
        this.dropping = true;
        this.logger.warn('tape: buffer full while the database is not accepting writes; dropping new rows', {
          maxBuffered: this.maxBuffered,
        });
      }
      return;
    }
    this.buffers[kind].push(row);
    this.timer ??= setInterval(() => this.onTick(), this.flushMs).unref();
    if (
      this.buffers[kind].length >= this.batchSize &&
      !this.flushing &&
      !this.kick &&
      Date.now() >= this.retryAt
    )
      this.kick = setImmediate(() => {
        this.kick = null;
        this.onTick();
      });
  }

  private onTick(): void {
    if (this.pending === 0 || this.flushing || Date.now() < this.retryAt) return;
    this.startDrain().catch(() => undefined); // logged and counted inside
  }

  async flush(): Promise<void> {
    // A drain already running may have passed its last check before our caller's rows arrived.
    if (this.flushing) await this.flushing.catch(() => undefined);
    return this.startDrain();
  }

  private startDrain(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Writes everything buffered (including rows appended meanwhile), batch by batch. */
  private async drain(): Promise<void> {
    try {
      for (const kind of ['trades', 'book'] as const) {
        while (this.buffers[kind].length > 0) await this.writeBatch(kind);
      }
      if (this.failures > 0) this.logger.info('tape: writes recovered', { afterFailures: this.failures });
      this.failures = 0;
      this.retryAt = 0;
      this.dropping = false;
    } catch (error) {
      this.failures += 1;
      this.flushFailures.inc();
      const backoff = Math.min(MAX_BACKOFF_MS, this.flushMs * 2 ** Math.min(this.failures, 16));
      this.retryAt = Date.now() + backoff;
      if (this.failures === 1 || this.failures % 20 === 0)
        this.logger.warn('tape: flush failed; rows kept for retry', {
          error: describeError(error),
          failures: this.failures,
          pending: this.pending,
          retryInMs: backoff,
        });
      throw error;
    } finally {
      this.buffered.set(this.pending);
    }
  }

  private async writeBatch(kind: Kind): Promise<void> {
    const buffer = this.buffers[kind];
    const batch = buffer.slice(0, this.batchSize);
    const end = this.flushSeconds.startTimer();
    try {
      await this.tape.insertTuples(kind, batch);
    } catch (error) {
      if (!isDataError(error)) throw error;
      await this.isolateBadRows(kind, batch.length);
      return;
    } finally {
      end();
    }
    // Appends only add at the end, so the first batch.length rows are still this batch.
    buffer.splice(0, batch.length);
    this.written.inc({ kind }, batch.length);
  }

  /**
   * One bad row fails its whole statement: retry the batch row by row, dropping only what the
   * database refuses. Each row leaves the buffer once settled, so a connection failure halfway
   * through does not write the first rows twice on retry.
   */
  private async isolateBadRows(kind: Kind, count: number): Promise<void> {
    const buffer = this.buffers[kind];
    for (let i = 0; i < count; i++) {
      try {
        await this.tape.insertTuples(kind, [buffer[0] as string]);
        this.written.inc({ kind });
      } catch (error) {
        if (!isDataError(error)) throw error;
        this.dropped.inc({ kind, reason: 'refused' });
        this.logger.warn('tape: row refused by the database and dropped', {
          kind,
          error: describeError(error),
        });
      }
      buffer.shift();
    }
  }

  /** Stops the timer and writes what is left (one attempt). Idempotent: later calls share the first. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.kick) clearImmediate(this.kick);
    this.timer = null;
    this.kick = null;
    try {
      await this.flush();
    } catch (error) {
      for (const kind of ['trades', 'book'] as const) {
        const lost = this.buffers[kind].length;
        if (lost > 0) this.dropped.inc({ kind, reason: 'shutdown' }, lost);
        this.buffers[kind].length = 0;
      }
      this.buffered.set(0);
      this.logger.error('tape: final flush failed; buffered rows lost', { error: describeError(error) });
    }
  }
}

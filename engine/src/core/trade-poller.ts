import { describeError } from '../errors.js';
import type { Logger } from '../monitoring/logger.js';
import type { Clock } from '../util/clock.js';
import type { TradeEvent, WatchlistStore } from './ports.js';

export type RecentTradesSource = (tokenId: string, maxAgeSeconds: number) => Promise<readonly TradeEvent[]>;

/**
 * The REST side of the event stream: every interval, the markets on the watchlist are polled for
 * recent trades (filtered by age at the source — G1) and fed into the same queue as WebSocket
 * events. Prints already seen are not fed twice.
 */
export class TradePoller {
  private timer: NodeJS.Timeout | null = null;
  private readonly seen = new Map<string, number>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      readonly watchlist: WatchlistStore;
      readonly recentTrades: RecentTradesSource;
      readonly sink: (event: TradeEvent) => void;
      readonly clock: Clock;
      readonly logger: Logger;
      readonly maxAgeSeconds: number;
    },
  ) {}

  /** One polling round; returns how many new trades were fed. */
  async pollOnce(): Promise<number> {
    const now = this.deps.clock.now();
    await this.deps.watchlist.expireDue(now);
    let fed = 0;
    for (const tokenId of await this.deps.watchlist.watchedTokens(now)) {
      try {
        for (const trade of await this.deps.recentTrades(tokenId, this.deps.maxAgeSeconds)) {
          const key = `${trade.tokenId}|${trade.timestamp}|${trade.price}|${trade.size ?? ''}|${trade.side ?? ''}`;
          if (this.seen.has(key)) continue;
          this.seen.set(key, trade.timestamp);
          this.deps.sink({ ...trade, source: 'rest' });
          fed += 1;
        }
      } catch (error) {
        // One market failing to poll is logged and skipped (seed error policy).
        this.deps.logger.warn('trade poll failed', { tokenId, error: describeError(error) });
      }
    }
    const horizon = now - this.deps.maxAgeSeconds * 2000;
    for (const [key, timestamp] of this.seen) if (timestamp < horizon) this.seen.delete(key);
    return fed;
  }

  start(intervalMs = 10_000): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      if (this.running !== null) return;
      this.running = this.pollOnce()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.deps.logger.error('trade polling round failed', { error: describeError(error) });
        })
        .finally(() => {
          this.running = null;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.running !== null) await this.running;
  }
}

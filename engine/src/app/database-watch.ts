import { describeError } from '../errors.js';
import type { Logger } from '../monitoring/index.js';
import type { Database } from '../storage/index.js';

/**
 * Seed policy: losing the database stops processing until it answers again. The pool reconnects
 * by itself; this watch pings on an interval and tells the application when the database goes
 * away and when it is back.
 */
export class DatabaseWatch {
  private timer: NodeJS.Timeout | null = null;
  private lost = false;
  private probing = false;
  /** A ping that has not settled yet; a hung one is shared by later probes instead of piling up. */
  private inFlight: Promise<unknown> | null = null;

  constructor(
    private readonly database: Pick<Database, 'ping'>,
    private readonly handlers: { onLost(reason: string): void; onRestored(): void; logger: Logger },
    private readonly intervalMs = 2_000,
    /** A ping unanswered this long counts as lost: a half-open connection can hang without erroring. */
    private readonly timeoutMs = 5_000,
  ) {}

  get isLost(): boolean {
    return this.lost;
  }

  /** One probe; exposed for tests. */
  async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    let deadline: NodeJS.Timeout | undefined;
    try {
      this.inFlight ??= this.database.ping().finally(() => {
        this.inFlight = null;
      });
      await Promise.race([
        this.inFlight,
        new Promise((_, reject) => {
          deadline = setTimeout(
            () => reject(new Error(`the database did not answer a ping within ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
      if (this.lost) {
        this.lost = false;
        this.handlers.logger.info('database reachable again');
        this.handlers.onRestored();
      }
    } catch (error) {
      if (!this.lost) {
        this.lost = true;
        this.handlers.logger.error('database unreachable; processing stopped', {
          error: describeError(error),
        });
        this.handlers.onLost(describeError(error));
      }
    } finally {
      clearTimeout(deadline);
      this.probing = false;
    }
  }

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.probe(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}

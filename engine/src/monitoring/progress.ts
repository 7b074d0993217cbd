import { performance } from 'node:perf_hooks';
import type { Logger } from './logger.js';

/**
 * Startup progress the engine reports (market sync, subscriptions, strategies loading). People at
 * a terminal get short readable lines; everywhere else the same steps become log lines. Repeated
 * updates of one step (counters) are throttled, so the engine may call `step` as often as it likes.
 */
export interface ProgressReporter {
  /** Starts or updates a step, e.g. step('markets', 'synced 500/2000'). */
  step(name: string, detail?: string): void;
  /** Startup finished; prints the total time. */
  done(summary?: string): void;
}

export const silentProgress: ProgressReporter = { step: () => undefined, done: () => undefined };

/** At most one line per step per interval; a new step always prints. */
const REPEAT_INTERVAL_MS = 1000;

abstract class ThrottledProgress implements ProgressReporter {
  private readonly started = performance.now();
  private lastStep: string | null = null;
  private lastPrintedAt = -Infinity;

  step(name: string, detail?: string): void {
    const now = performance.now();
    if (name === this.lastStep && now - this.lastPrintedAt < REPEAT_INTERVAL_MS) return;
    this.lastStep = name;
    this.lastPrintedAt = now;
    this.print(name, detail, now - this.started);
  }

  done(summary?: string): void {
    this.finish(summary, performance.now() - this.started);
  }

  protected abstract print(name: string, detail: string | undefined, elapsedMs: number): void;
  protected abstract finish(summary: string | undefined, elapsedMs: number): void;
}

export class TtyProgress extends ThrottledProgress {
  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
  }

  protected print(name: string, detail: string | undefined, elapsedMs: number): void {
    this.stream.write(`  ${seconds(elapsedMs)} ${name}${detail ? `: ${detail}` : ''}\n`);
  }

  protected finish(summary: string | undefined, elapsedMs: number): void {
    this.stream.write(`  ${seconds(elapsedMs)} ready${summary ? `: ${summary}` : ''}\n`);
  }
}

export class LogProgress extends ThrottledProgress {
  constructor(private readonly logger: Logger) {
    super();
  }

  protected print(name: string, detail: string | undefined, elapsedMs: number): void {
    this.logger.info(`startup: ${name}${detail ? `: ${detail}` : ''}`, {
      step: name,
      elapsedMs: Math.round(elapsedMs),
    });
  }

  protected finish(summary: string | undefined, elapsedMs: number): void {
    this.logger.info(`startup complete${summary ? `: ${summary}` : ''}`, {
      elapsedMs: Math.round(elapsedMs),
    });
  }
}

/** Readable lines when `stream` is a terminal, log lines otherwise. */
export function createProgressReporter(options: {
  stream?: NodeJS.WritableStream;
  logger: Logger;
}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  return (stream as { isTTY?: boolean }).isTTY ? new TtyProgress(stream) : new LogProgress(options.logger);
}

function seconds(ms: number): string {
  return `[${(ms / 1000).toFixed(1).padStart(5)}s]`;
}

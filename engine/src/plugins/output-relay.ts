import type { Readable } from 'node:stream';

export interface RelayLimits {
  /** Longer lines are cut (a plugin cannot flood one log record). */
  readonly maxLineChars: number;
  /** Lines kept per window; the rest are dropped and counted. */
  readonly maxLinesPerWindow: number;
  readonly windowMs: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxLineChars: 2_000,
  maxLinesPerWindow: 200,
  windowMs: 10_000,
};

/**
 * Splits a runtime's stdout or stderr into lines and hands each to `emit`, cut to length and
 * rate-limited, so a chatty or hostile plugin cannot flood the engine's log. Drops are reported
 * through `onDropped` once per window.
 */
export class OutputRelay {
  private partial = '';
  private windowStart = 0;
  private linesInWindow = 0;
  private dropped = 0;

  constructor(
    private readonly emit: (line: string) => void,
    private readonly onDropped: (count: number) => void,
    private readonly limits: RelayLimits = DEFAULT_RELAY_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  attach(stream: Readable | null): void {
    if (stream === null) return;
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.write(chunk));
    stream.on('end', () => this.flush());
    stream.on('error', () => this.flush());
  }

  write(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > this.limits.maxLineChars) {
      this.line(this.partial);
      this.partial = '';
    }
    for (const line of lines) this.line(line);
  }

  flush(): void {
    if (this.partial.length > 0) this.line(this.partial);
    this.partial = '';
    this.reportDrops();
  }

  private line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length === 0) return;
    const now = this.now();
    if (now - this.windowStart >= this.limits.windowMs) {
      this.reportDrops();
      this.windowStart = now;
      this.linesInWindow = 0;
    }
    if (this.linesInWindow >= this.limits.maxLinesPerWindow) {
      this.dropped++;
      return;
    }
    this.linesInWindow++;
    this.emit(line.length > this.limits.maxLineChars ? `${line.slice(0, this.limits.maxLineChars)}…` : line);
  }

  private reportDrops(): void {
    if (this.dropped > 0) this.onDropped(this.dropped);
    this.dropped = 0;
  }
}

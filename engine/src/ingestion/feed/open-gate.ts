/**
 * Spaces connection attempts: consecutive openings start at least `spacingMs` apart, so 60 shards
 * (or 60 reconnects after a mass drop) do not hit the venue in the same instant.
 */
export class OpenGate {
  private nextAt = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly spacingMs: number) {}

  /** Runs `task` at the next free slot, no earlier than `notBeforeMs` from now. Returns a cancel function. */
  schedule(task: () => void, notBeforeMs = 0): () => void {
    const now = performance.now();
    const at = Math.max(now + notBeforeMs, this.nextAt);
    this.nextAt = at + this.spacingMs;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, at - now);
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

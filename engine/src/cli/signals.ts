export type ShutdownSignal = 'SIGINT' | 'SIGTERM';

/** Where signals come from: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(event: ShutdownSignal, listener: () => void): unknown;
  off(event: ShutdownSignal, listener: () => void): unknown;
}

/** 128 + the signal number, as shells report a process killed by it. */
export const FORCED_EXIT_CODES: Readonly<Record<ShutdownSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * The two-signal shutdown: the first SIGINT/SIGTERM aborts `signal` and runs the graceful-stop
 * handlers; a second one exits at once with 130 (SIGINT) or 143 (SIGTERM).
 */
export class ShutdownSignals {
  private readonly controller = new AbortController();
  private readonly handlers: ((signal: ShutdownSignal) => void)[] = [];
  private readonly listeners = new Map<ShutdownSignal, () => void>();
  private received: ShutdownSignal | null = null;

  constructor(
    private readonly source: SignalSource,
    private readonly forceExit: (code: number) => void,
    private readonly notify: (message: string) => void,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The first signal received, if any. */
  get first(): ShutdownSignal | null {
    return this.received;
  }

  install(): this {
    for (const name of ['SIGINT', 'SIGTERM'] as const) {
      const listener = (): void => this.receive(name);
      this.listeners.set(name, listener);
      this.source.on(name, listener);
    }
    return this;
  }

  uninstall(): void {
    for (const [name, listener] of this.listeners) this.source.off(name, listener);
    this.listeners.clear();
  }

  /** Runs `handler` on the first signal, or right away if it already came. */
  onFirst(handler: (signal: ShutdownSignal) => void): void {
    if (this.received !== null) handler(this.received);
    else this.handlers.push(handler);
  }

  private receive(name: ShutdownSignal): void {
    if (this.received === null) {
      this.received = name;
      this.notify(`received ${name}: stopping gracefully (send it again to exit at once)`);
      this.controller.abort(new Error(`received ${name}`));
      for (const handler of this.handlers.splice(0)) handler(name);
      return;
    }
    this.notify(`received ${name} again: exiting at once`);
    this.forceExit(FORCED_EXIT_CODES[name]);
  }
}

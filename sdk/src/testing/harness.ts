import type { StrategyContext } from '../context.js';
import { type OrderType, type Signal, type SignalAction, validateSignal } from '../signal.js';
import { isStrategy, type Strategy } from '../strategy.js';
import { createContext, type ContextOverrides } from './context-builder.js';

export class SignalAssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

export interface SignalExpectation {
  readonly action: SignalAction;
  readonly price?: number;
  readonly size?: number;
  readonly notional?: number;
  readonly orderType?: OrderType;
  readonly watchForSeconds?: number;
  /** A substring or pattern the reason must contain. */
  readonly reason?: string | RegExp;
}

const COMPARED_FIELDS = ['price', 'size', 'notional', 'orderType', 'watchForSeconds'] as const;

/** Throws with a readable message unless `signal` matches `expected`. Works with any test runner. */
export function expectSignal(signal: Signal, expected: SignalExpectation): void {
  const problems: string[] = [];
  if (signal.action !== expected.action)
    problems.push(`action ${signal.action}, expected ${expected.action}`);
  const order = signal as Partial<Record<(typeof COMPARED_FIELDS)[number], unknown>>;
  for (const key of COMPARED_FIELDS) {
    if (expected[key] !== undefined && order[key] !== expected[key]) {
      problems.push(`${key} ${String(order[key])}, expected ${String(expected[key])}`);
    }
  }
  if (expected.reason !== undefined) {
    const matches =
      typeof expected.reason === 'string'
        ? signal.reason.includes(expected.reason)
        : expected.reason.test(signal.reason);
    if (!matches)
      problems.push(`reason ${JSON.stringify(signal.reason)} does not match ${String(expected.reason)}`);
  }
  if (problems.length > 0) throw new SignalAssertionError(`unexpected signal: ${problems.join('; ')}`);
}

/**
 * Runs a strategy the way the engine does — params merged over its defaults, every answer
 * validated — but in-process, so an author can test it with no engine, database or venue.
 */
export class StrategyHarness<P = Record<string, unknown>> {
  private started = false;

  constructor(
    readonly strategy: Strategy<P>,
    private readonly params: Partial<P> = {},
  ) {
    if (!isStrategy(strategy))
      throw new TypeError('StrategyHarness needs a strategy made with defineStrategy()');
  }

  /**
   * A context with the strategy's default params plus the harness params and the overrides.
   * Params are deep-frozen, as in the engine, so a strategy that mutates them fails here first.
   */
  context(overrides: ContextOverrides<P> = {}): StrategyContext<P> {
    const base = { ...(this.strategy.defaultParams ?? {}), ...this.params } as Partial<P>;
    const ctx = createContext<P>({ strategy: this.strategy.name, ...overrides }, base);
    return { ...ctx, params: deepFreeze(structuredClone(ctx.params)) };
  }

  /** Evaluates one context (or overrides for one) and returns the validated signal. */
  async evaluate(input: StrategyContext<P> | ContextOverrides<P> = {}): Promise<Signal> {
    const ctx = isFullContext<P>(input) ? input : this.context(input);
    if (!this.started) {
      this.started = true;
      await this.strategy.onStart?.({ name: this.strategy.name, params: ctx.params });
    }
    const result = await this.strategy.evaluate(ctx);
    const checked = validateSignal(result);
    if (!checked.ok)
      throw new SignalAssertionError(`strategy returned an invalid signal: ${checked.errors.join('; ')}`);
    return checked.signal;
  }

  /** Evaluates a sequence in order, as the engine would feed it, and returns every signal. */
  async run(inputs: readonly (StrategyContext<P> | ContextOverrides<P>)[]): Promise<Signal[]> {
    const signals: Signal[] = [];
    for (const input of inputs) signals.push(await this.evaluate(input));
    return signals;
  }

  async stop(): Promise<void> {
    if (this.started) await this.strategy.onStop?.();
    this.started = false;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function isFullContext<P>(input: StrategyContext<P> | ContextOverrides<P>): input is StrategyContext<P> {
  const candidate = input as Partial<StrategyContext<P>>;
  return (
    typeof candidate.now === 'number' &&
    candidate.market !== undefined &&
    candidate.token !== undefined &&
    candidate.trigger !== undefined &&
    'book' in candidate
  );
}

import { validateSignal, type IgnoreSignal } from '@polybot/sdk';
import type { IsolationMode } from '../config/types.js';
import type { Logger } from '../monitoring/logger.js';
import { PluginLoadError, type PluginCheck } from './errors.js';
import type { PluginPackage } from './manifest.js';
import type { InstanceMetrics, PluginMetrics } from './metrics.js';
import { OutputRelay } from './output-relay.js';
import { resolveParams } from './params.js';
import {
  parseRuntimeMessage,
  PROTOCOL_VERSION,
  type BatchItem,
  type FailedMessage,
  type HostMessage,
  type RuntimeMessage,
  type StrategyMeta,
  type WireError,
} from './protocol.js';
import { Backoff, StrikeCounter } from './strikes.js';
import { spawnTransport, type ExitInfo, type PluginTransport } from './transport.js';
import type {
  EvaluationResult,
  PluginSource,
  StrategyAlert,
  StrategyHealth,
  StrategyInput,
  StrategyState,
} from './types.js';

/** Everything one strategy instance needs to run, resolved by the host before it starts. */
export interface InstanceOptions {
  /** How the operator referred to it (config name or spec), for messages before it has loaded. */
  readonly label: string;
  /** `name` from the config; the strategy's own name otherwise. */
  readonly configuredName: string | undefined;
  readonly spec: string;
  readonly source: PluginSource;
  readonly plugin: PluginPackage;
  readonly isolation: IsolationMode;
  readonly runtimeFile: string;
  /** Permission flags for the runtime. */
  readonly execArgv: readonly string[];
  readonly memoryMb: number;
  readonly budgetMs: number;
  readonly hardLimitMs: number;
  readonly initTimeoutMs: number;
  readonly strikeLimit: number;
  readonly strikeWindowMs: number;
  readonly restartBaseMs: number;
  readonly restartMaxMs: number;
  /** Evaluations waiting behind the one in flight; more are answered `unavailable`. */
  readonly maxQueue: number;
  readonly params: Readonly<Record<string, unknown>> | undefined;
}

export interface InstanceDependencies {
  readonly logger: Logger;
  readonly metrics: PluginMetrics;
  readonly onAlert: (alert: StrategyAlert) => void;
}

interface Pending {
  readonly kind: 'eval' | 'batch';
  readonly inputs: readonly StrategyInput[];
  readonly finish: (results: EvaluationResult[]) => void;
  id: number;
  sentAt: number;
  timer: NodeJS.Timeout | null;
  /** The budget passed: the caller has its answer; what comes later is discarded. */
  expired: boolean;
}

interface Control {
  readonly id: number;
  readonly expect: 'loaded' | 'started' | 'stopped';
  readonly resolve: (message: RuntimeMessage) => void;
  readonly reject: (error: ControlFailure) => void;
  readonly timer: NodeJS.Timeout;
}

/** Why a start-up or stop request did not succeed. */
class ControlFailure extends Error {
  constructor(
    readonly check: PluginCheck,
    message: string,
    readonly wire: WireError | null = null,
  ) {
    super(message);
  }
}

const FAILURE_CHECKS: Record<string, PluginCheck> = {
  import_failed: 'import',
  not_branded: 'export',
  api_mismatch: 'api_version',
  invalid_definition: 'export',
  start_failed: 'start',
};

const STDERR_TAIL_LINES = 20;
const THROTTLE_MS = 10_000;

/**
 * One configured strategy: its runtime (worker thread or child process), the requests in flight,
 * the time budget, strikes, restarts and quarantine. One evaluation is in flight at a time;
 * more wait in a short queue while it is within budget.
 */
export class StrategyInstance {
  private currentState: StrategyState = 'starting';
  private instanceName: string;
  private transport: PluginTransport | null = null;
  private generation = 0;
  private nextId = 1;
  private control: Control | null = null;
  private inflight: Pending | null = null;
  private readonly queue: Pending[] = [];
  private meta: StrategyMeta | null = null;
  private params: Record<string, unknown> = {};
  private readonly strikes: StrikeCounter;
  private readonly backoff: Backoff;
  private restartTimer: NodeJS.Timeout | null = null;
  private metrics: InstanceMetrics | null = null;
  private logger: Logger;
  private stderrTail: string[] = [];
  private readonly throttled = new Map<string, { until: number; suppressed: number }>();
  private counters = { restarts: 0, timeouts: 0, errors: 0, invalidSignals: 0 };
  private lastError: string | null = null;
  private quarantinedAt: number | null = null;

  constructor(
    private readonly options: InstanceOptions,
    private readonly deps: InstanceDependencies,
  ) {
    this.instanceName = options.configuredName ?? options.label;
    this.strikes = new StrikeCounter(options.strikeLimit, options.strikeWindowMs);
    this.backoff = new Backoff(options.restartBaseMs, options.restartMaxMs);
    this.logger = deps.logger.child({ component: 'strategy', strategy: this.instanceName });
  }

  get name(): string {
    return this.instanceName;
  }

  get state(): StrategyState {
    return this.currentState;
  }

  /** The params the strategy runs with (after defaults and validation). */
  get effectiveParams(): Readonly<Record<string, unknown>> {
    return this.params;
  }

  get strategyMeta(): StrategyMeta | null {
    return this.meta;
  }

  // ─── Lifecycle ─────────────────────────────────────────────────────────────────────────

  /** Loads the plugin in its runtime, validates its params and runs onStart. Throws PluginLoadError. */
  async start(): Promise<void> {
    try {
      await this.launch(true);
    } catch (error) {
      this.currentState = 'stopped';
      throw this.toLoadError(error);
    }
    this.currentState = 'running';
    this.metrics?.setRunning(true);
    this.logger.info('strategy started', {
      package: this.options.plugin.name,
      version: this.options.plugin.version,
      isolation: this.options.isolation,
      budgetMs: this.options.budgetMs,
    });
  }

  async stop(): Promise<void> {
    if (this.currentState === 'stopped') return;
    const wasRunning = this.currentState === 'running';
    this.currentState = 'stopped';
    this.clearRestartTimer();
    this.abandonAll('the strategy is stopping');
    const transport = this.transport;
    if (transport !== null && wasRunning) {
      try {
        await this.request({ type: 'stop', id: this.nextId++ }, 'stopped', 1_000);
      } catch {
        // onStop is best effort: the runtime is terminated below either way.
      }
    }
    this.generation++;
    this.transport = null;
    this.failControl('stopped while starting');
    await transport?.terminate();
    this.metrics?.setRunning(false);
  }

  /** Lifts a quarantine: strikes are forgotten and the runtime starts again. */
  release(): void {
    if (this.currentState !== 'quarantined') return;
    this.strikes.reset();
    this.backoff.reset();
    this.quarantinedAt = null;
    this.metrics?.setQuarantined(false);
    this.logger.info('quarantine lifted');
    this.scheduleRestart(0);
  }

  health(): StrategyHealth {
    return {
      name: this.instanceName,
      package: this.options.plugin.name,
      version: this.options.plugin.version,
      source: this.options.source,
      dir: this.options.plugin.dir,
      isolation: this.options.isolation,
      state: this.currentState,
      budgetMs: this.options.budgetMs,
      restarts: this.counters.restarts,
      timeouts: this.counters.timeouts,
      errors: this.counters.errors,
      invalidSignals: this.counters.invalidSignals,
      strikes: this.strikes.count(performance.now()),
      lastError: this.lastError,
      quarantinedAt: this.quarantinedAt,
    };
  }

  // ─── Evaluation ────────────────────────────────────────────────────────────────────────

  evaluate(input: StrategyInput): Promise<EvaluationResult> {
    if (this.currentState !== 'running') return Promise.resolve(this.unavailable());
    return new Promise((resolve) => {
      this.submit({
        kind: 'eval',
        inputs: [input],
        finish: (results) => resolve(results[0]!),
        id: 0,
        sentAt: 0,
        timer: null,
        expired: false,
      });
    });
  }

  /** Evaluates several contexts in one message; answers in the same order. */
  evaluateBatch(inputs: readonly StrategyInput[]): Promise<EvaluationResult[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    if (this.currentState !== 'running') return Promise.resolve(inputs.map(() => this.unavailable()));
    return new Promise((resolve) => {
      this.submit({ kind: 'batch', inputs, finish: resolve, id: 0, sentAt: 0, timer: null, expired: false });
    });
  }

  private submit(pending: Pending): void {
    const inflight = this.inflight;
    if (inflight === null) this.send(pending);
    else if (inflight.expired)
      pending.finish(
        pending.inputs.map(() =>
          this.unavailable('busy: its previous evaluation is still running past its budget'),
        ),
      );
    else if (this.queue.length >= this.options.maxQueue)
      pending.finish(pending.inputs.map(() => this.unavailable('busy: too many evaluations queued')));
    else this.queue.push(pending);
  }

  private send(pending: Pending): void {
    const transport = this.transport;
    if (transport === null || this.currentState !== 'running') {
      pending.finish(pending.inputs.map(() => this.unavailable()));
      return;
    }
    const id = this.nextId++;
    const budget = this.options.budgetMs * pending.inputs.length;
    const deadline = Date.now() + budget;
    const message: HostMessage =
      pending.kind === 'eval'
        ? { type: 'eval', id, deadline, input: pending.inputs[0]! }
        : { type: 'batch', id, deadline, inputs: pending.inputs };
    pending.id = id;
    pending.sentAt = performance.now();
    try {
      transport.send(message);
    } catch (error) {
      this.metrics?.error('invalid_input');
      const text = `the context cannot be sent to the strategy: ${error instanceof Error ? error.message : String(error)}`;
      pending.finish(
        pending.inputs.map(() => ({
          status: 'error',
          strategy: this.instanceName,
          cause: 'invalid_input',
          error: text,
          durationMs: 0,
        })),
      );
      this.sendNext();
      return;
    }
    this.inflight = pending;
    pending.timer = setTimeout(() => this.onBudgetExpired(pending), budget);
  }

  private sendNext(): void {
    const next = this.queue.shift();
    if (next !== undefined) this.send(next);
  }

  private onBudgetExpired(pending: Pending): void {
    if (this.inflight !== pending) return;
    pending.expired = true;
    const elapsed = performance.now() - pending.sentAt;
    const budget = this.options.budgetMs * pending.inputs.length;
    pending.finish(pending.inputs.map(() => this.overBudget(elapsed)));
    this.recordTimeout(`evaluation exceeded its ${budget} ms budget; counted as IGNORE`);
    for (const waiting of this.queue.splice(0))
      waiting.finish(
        waiting.inputs.map(() => this.unavailable('busy: its previous evaluation ran past its budget')),
      );
    if (this.addStrike(`over budget (${budget} ms)`)) return;
    const hardLimit = this.options.hardLimitMs + this.options.budgetMs * (pending.inputs.length - 1);
    pending.timer = setTimeout(() => this.onHardLimit(pending, hardLimit), Math.max(0, hardLimit - budget));
  }

  private onHardLimit(pending: Pending, hardLimit: number): void {
    if (this.inflight !== pending) return;
    this.metrics?.timeout('hard');
    this.loseRuntime(
      'hard_timeout',
      `no answer within the hard limit of ${hardLimit} ms; runtime terminated`,
      false,
    );
  }

  private recordTimeout(message: string): void {
    this.counters.timeouts++;
    this.metrics?.timeout('budget');
    this.warnThrottled('budget', message);
  }

  private overBudget(elapsedMs: number): EvaluationResult {
    const signal: IgnoreSignal = {
      action: 'IGNORE',
      reason: `strategy "${this.instanceName}" did not answer within its ${this.options.budgetMs} ms budget; counted as IGNORE`,
    };
    this.metrics?.evaluation('over_budget');
    return { status: 'over_budget', strategy: this.instanceName, signal, durationMs: elapsedMs };
  }

  private unavailable(reason?: string): EvaluationResult {
    const state = this.currentState;
    this.metrics?.evaluation('unavailable');
    return {
      status: 'unavailable',
      strategy: this.instanceName,
      state,
      reason:
        reason ??
        (state === 'quarantined'
          ? 'quarantined after repeated failures'
          : state === 'restarting'
            ? 'its runtime is restarting'
            : state === 'stopped'
              ? 'stopped'
              : 'starting'),
    };
  }

  // ─── Answers from the runtime ──────────────────────────────────────────────────────────

  private onMessage(generation: number, raw: unknown): void {
    if (generation !== this.generation) return;
    const parsed = parseRuntimeMessage(raw);
    if (!parsed.ok) {
      this.protocolViolation(parsed.problem);
      return;
    }
    const message = parsed.message;
    const control = this.control;
    if (control !== null && message.id === control.id) {
      this.control = null;
      clearTimeout(control.timer);
      if (message.type === control.expect) control.resolve(message);
      else if (message.type === 'failed')
        control.reject(
          new ControlFailure(FAILURE_CHECKS[message.code] ?? 'import', message.error.message, message.error),
        );
      else
        control.reject(
          new ControlFailure('import', `the runtime answered ${message.type} to a start-up request`),
        );
      return;
    }
    const pending = this.inflight;
    if (pending === null || message.id !== pending.id) {
      this.metrics?.lateResult();
      return;
    }
    if (pending.timer !== null) clearTimeout(pending.timer);
    this.inflight = null;
    if (pending.expired) {
      this.metrics?.lateResult();
    } else {
      const elapsed = performance.now() - pending.sentAt;
      if (pending.kind === 'eval') {
        this.metrics?.observeEval(elapsed / 1000);
        pending.finish([this.singleResult(message, elapsed)]);
      } else {
        this.metrics?.observeBatch(elapsed / 1000);
        pending.finish(this.batchResults(message, pending.inputs.length));
      }
    }
    if (this.currentState === 'running') this.sendNext();
  }

  private singleResult(message: RuntimeMessage, elapsedMs: number): EvaluationResult {
    switch (message.type) {
      case 'result':
        return this.checkSignal(message.signal, elapsedMs);
      case 'failed':
        return this.failedResult(message, elapsedMs);
      case 'skipped':
        return this.overBudget(elapsedMs);
      default:
        this.protocolViolation(`answered ${message.type} to an evaluation`);
        return this.errorResult(
          'threw',
          `protocol violation: answered ${message.type} to an evaluation`,
          elapsedMs,
        );
    }
  }

  private batchResults(message: RuntimeMessage, count: number): EvaluationResult[] {
    if (message.type === 'failed') {
      const one = this.failedResult(message, 0);
      return Array.from({ length: count }, () => one);
    }
    if (message.type !== 'batchResult' || message.items.length !== count) {
      const problem =
        message.type === 'batchResult'
          ? `answered ${message.items.length} items to a batch of ${count}`
          : `answered ${message.type} to a batch`;
      this.protocolViolation(problem);
      return Array.from({ length: count }, () =>
        this.errorResult('threw', `protocol violation: ${problem}`, 0),
      );
    }
    let overBudget = false;
    const results = message.items.map((item: BatchItem): EvaluationResult => {
      if ('skipped' in item) {
        overBudget = true;
        return this.overBudget(0);
      }
      if (item.ms > this.options.budgetMs) {
        overBudget = true;
        return this.overBudget(item.ms);
      }
      if ('error' in item) return this.threw(item.error, item.ms);
      return this.checkSignal(item.signal, item.ms);
    });
    if (overBudget) {
      this.recordTimeout(`batch items exceeded the ${this.options.budgetMs} ms budget; counted as IGNORE`);
      this.addStrike('over budget in a batch');
    }
    return results;
  }

  private checkSignal(signal: unknown, durationMs: number): EvaluationResult {
    const checked = validateSignal(signal);
    if (checked.ok) {
      this.metrics?.evaluation('ok');
      return { status: 'ok', strategy: this.instanceName, signal: checked.signal, durationMs };
    }
    this.counters.invalidSignals++;
    this.metrics?.invalidSignal();
    const text = `invalid signal dropped: ${checked.errors.join('; ')}`;
    this.warnThrottled('invalid', text);
    return this.errorResult('invalid_signal', text, durationMs);
  }

  private failedResult(message: FailedMessage, durationMs: number): EvaluationResult {
    if (message.code === 'evaluate_threw') return this.threw(message.error, durationMs);
    if (message.code === 'unsendable') {
      this.counters.invalidSignals++;
      this.metrics?.invalidSignal();
      this.warnThrottled('invalid', message.error.message);
      return this.errorResult('invalid_signal', message.error.message, durationMs);
    }
    this.protocolViolation(`failed with ${message.code} during an evaluation: ${message.error.message}`);
    return this.errorResult('threw', message.error.message, durationMs);
  }

  private threw(error: WireError, durationMs: number): EvaluationResult {
    this.metrics?.error('threw');
    const text = `${error.name}: ${error.message}`;
    this.warnThrottled(
      'threw',
      `evaluate threw: ${text}`,
      error.stack !== undefined ? { stack: error.stack } : {},
    );
    return this.errorResult('threw', text, durationMs);
  }

  private errorResult(
    cause: 'threw' | 'invalid_signal' | 'crashed',
    error: string,
    durationMs: number,
  ): EvaluationResult {
    this.counters.errors++;
    this.lastError = error;
    this.metrics?.evaluation(cause === 'invalid_signal' ? 'invalid' : 'error');
    return { status: 'error', strategy: this.instanceName, cause, error, durationMs };
  }

  private protocolViolation(problem: string): void {
    this.metrics?.error('protocol');
    this.warnThrottled('protocol', `protocol violation: ${problem}`);
    this.addStrike(`protocol violation: ${problem}`);
  }

  // ─── Runtime loss, restarts, quarantine ────────────────────────────────────────────────

  private onExit(generation: number, info: ExitInfo): void {
    if (generation !== this.generation) return;
    const description = this.describeExit(info);
    const control = this.control;
    if (control !== null) {
      this.control = null;
      clearTimeout(control.timer);
      control.reject(new ControlFailure('import', `the runtime exited during start-up: ${description}`));
    }
    if (this.currentState !== 'running') {
      this.transport = null;
      return;
    }
    this.metrics?.error('crashed');
    this.loseRuntime('crashed', description, true);
  }

  /** The runtime is gone or being killed: answer what waits, strike, restart or quarantine. */
  private loseRuntime(reason: 'crashed' | 'hard_timeout', description: string, strike: boolean): void {
    this.generation++;
    const old = this.transport;
    this.transport = null;
    void old?.terminate();
    this.metrics?.setRunning(false);
    this.lastError = description;
    const inflight = this.inflight;
    this.inflight = null;
    if (inflight !== null) {
      if (inflight.timer !== null) clearTimeout(inflight.timer);
      if (!inflight.expired)
        inflight.finish(
          inflight.inputs.map(() => this.errorResult('crashed', `its runtime ${description}`, 0)),
        );
    }
    this.currentState = 'restarting';
    for (const waiting of this.queue.splice(0)) waiting.finish(waiting.inputs.map(() => this.unavailable()));
    this.logger.warn(`strategy runtime lost: ${description}`, { reason });
    this.deps.onAlert({
      kind: 'crashed',
      strategy: this.instanceName,
      message: `strategy "${this.instanceName}" ${reason === 'crashed' ? 'crashed' : 'hung'}: ${description}`,
      at: Date.now(),
    });
    if (strike && this.addStrike(description)) return;
    if (this.currentState !== 'restarting') return;
    this.counters.restarts++;
    this.metrics?.restart(reason);
    this.scheduleRestart(this.backoff.next());
  }

  private scheduleRestart(delayMs: number): void {
    this.currentState = 'restarting';
    this.clearRestartTimer();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.relaunch();
    }, delayMs);
  }

  private async relaunch(): Promise<void> {
    if (this.currentState !== 'restarting') return;
    try {
      await this.launch(false);
    } catch (error) {
      if (this.currentState !== 'restarting') return;
      const text = error instanceof Error ? error.message : String(error);
      this.lastError = `restart failed: ${text}`;
      this.logger.warn(`strategy restart failed: ${text}`);
      if (this.addStrike(`restart failed: ${text}`)) return;
      this.counters.restarts++;
      this.metrics?.restart('restart_failed');
      this.scheduleRestart(this.backoff.next());
      return;
    }
    if (this.currentState !== 'restarting') {
      // Stopped or quarantined while starting: don't leave the new runtime behind.
      this.generation++;
      const transport = this.transport;
      this.transport = null;
      await transport?.terminate();
      return;
    }
    this.currentState = 'running';
    this.metrics?.setRunning(true);
    this.logger.info('strategy runtime restarted', { restarts: this.counters.restarts });
    this.deps.onAlert({
      kind: 'restarted',
      strategy: this.instanceName,
      message: `strategy "${this.instanceName}" restarted (restart ${this.counters.restarts})`,
      at: Date.now(),
    });
  }

  /** Records a strike; true when it quarantined the strategy. */
  private addStrike(why: string): boolean {
    // While starting for the first time, misbehaviour fails the load instead (see start()).
    if (this.currentState !== 'running' && this.currentState !== 'restarting') return false;
    if (!this.strikes.strike(performance.now())) return false;
    this.quarantine(why);
    return true;
  }

  private quarantine(why: string): void {
    const window = Math.round(this.options.strikeWindowMs / 1000);
    const message = `strategy "${this.instanceName}" quarantined after ${this.options.strikeLimit} strikes within ${window} s (last: ${why}); it gets no more events until released or the engine restarts`;
    this.currentState = 'quarantined';
    this.quarantinedAt = Date.now();
    this.lastError = message;
    this.clearRestartTimer();
    this.generation++;
    const transport = this.transport;
    this.transport = null;
    void transport?.terminate();
    this.failControl('quarantined while starting');
    const inflight = this.inflight;
    this.inflight = null;
    if (inflight !== null && inflight.timer !== null) clearTimeout(inflight.timer);
    if (inflight !== null && !inflight.expired)
      inflight.finish(inflight.inputs.map(() => this.unavailable()));
    for (const waiting of this.queue.splice(0)) waiting.finish(waiting.inputs.map(() => this.unavailable()));
    this.metrics?.setQuarantined(true);
    this.metrics?.setRunning(false);
    this.logger.error(message);
    this.deps.onAlert({ kind: 'quarantined', strategy: this.instanceName, message, at: Date.now() });
  }

  /** Ends a start-up request whose runtime is being discarded, so launch() does not wait for its timeout. */
  private failControl(reason: string): void {
    const control = this.control;
    this.control = null;
    if (control === null) return;
    clearTimeout(control.timer);
    control.reject(new ControlFailure('import', reason));
  }

  private abandonAll(reason: string): void {
    const inflight = this.inflight;
    this.inflight = null;
    if (inflight !== null) {
      if (inflight.timer !== null) clearTimeout(inflight.timer);
      if (!inflight.expired) inflight.finish(inflight.inputs.map(() => this.unavailable(reason)));
    }
    for (const waiting of this.queue.splice(0))
      waiting.finish(waiting.inputs.map(() => this.unavailable(reason)));
  }

  private clearRestartTimer(): void {
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  // ─── Spawning and the start-up handshake ───────────────────────────────────────────────

  private async launch(first: boolean): Promise<void> {
    const generation = ++this.generation;
    const started = performance.now();
    const remaining = (): number => Math.max(1, this.options.initTimeoutMs - (performance.now() - started));
    this.stderrTail = [];
    let transport: PluginTransport;
    try {
      transport = spawnTransport(this.options.isolation, {
        runtimeFile: this.options.runtimeFile,
        execArgv: this.options.execArgv,
        memoryMb: this.options.memoryMb,
        cwd: this.options.plugin.dir,
        name: `polybot-strategy:${this.instanceName}`,
      });
    } catch (error) {
      throw new ControlFailure(
        'config',
        `its ${this.options.isolation} could not be started: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    this.transport = transport;
    transport.onMessage((raw) => this.onMessage(generation, raw));
    transport.onExit((info) => this.onExit(generation, info));
    this.attachOutput(transport);
    try {
      const loaded = await this.request(
        {
          type: 'init',
          id: this.nextId++,
          protocol: PROTOCOL_VERSION,
          entry: this.options.plugin.entryUrl,
          apiVersion: this.options.plugin.manifest.apiVersion,
        },
        'loaded',
        remaining(),
      );
      if (loaded.type !== 'loaded') throw new ControlFailure('import', 'unexpected answer to init');
      if (first) this.adopt(loaded.meta);
      else if (loaded.meta.apiVersion !== this.meta?.apiVersion || loaded.meta.name !== this.meta.name)
        throw new ControlFailure('export', 'the strategy changed on disk since it was first loaded');
      await this.request(
        { type: 'start', id: this.nextId++, instance: this.instanceName, params: this.params },
        'started',
        remaining(),
      );
    } catch (error) {
      this.generation++;
      this.transport = null;
      await transport.terminate();
      throw error;
    }
  }

  /** First load: take the strategy's name, bind metrics, settle and validate params. */
  private adopt(meta: StrategyMeta): void {
    this.meta = meta;
    if (this.options.configuredName === undefined) {
      this.instanceName = meta.name;
      this.logger = this.deps.logger.child({ component: 'strategy', strategy: meta.name });
    }
    this.params = resolveParams(this.instanceName, meta, this.options.params);
  }

  /** Binds metrics once the name is final (the host checks names are unique first). */
  bindMetrics(): void {
    this.metrics ??= this.deps.metrics.forStrategy(this.instanceName);
    this.metrics.setRunning(this.currentState === 'running');
  }

  private request(
    message: HostMessage,
    expect: Control['expect'],
    timeoutMs: number,
  ): Promise<RuntimeMessage> {
    const transport = this.transport;
    if (transport === null) return Promise.reject(new ControlFailure('import', 'the runtime is not running'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.control?.id !== message.id) return;
        this.control = null;
        reject(
          new ControlFailure(
            'init_timeout',
            expect === 'loaded'
              ? `importing the plugin took longer than ${this.options.initTimeoutMs} ms`
              : `${expect === 'started' ? 'onStart' : 'onStop'} took longer than allowed`,
          ),
        );
      }, timeoutMs);
      this.control = { id: message.id, expect, resolve, reject, timer };
      try {
        transport.send(message);
      } catch (error) {
        clearTimeout(timer);
        this.control = null;
        reject(new ControlFailure('params', `could not send ${message.type}: ${String(error)}`));
      }
    });
  }

  private attachOutput(transport: PluginTransport): void {
    const fields = { source: 'plugin-output' };
    const dropped = (count: number): void => {
      this.metrics?.droppedLogLines(count);
      this.logger.warn(`dropped ${count} lines of strategy output (rate limit)`);
    };
    new OutputRelay((line) => this.logger.info(line, { ...fields, stream: 'stdout' }), dropped).attach(
      transport.stdout,
    );
    new OutputRelay((line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
      this.logger.warn(line, { ...fields, stream: 'stderr' });
    }, dropped).attach(transport.stderr);
  }

  private describeExit(info: ExitInfo): string {
    const code = (info.error as { code?: unknown } | null)?.code;
    let text: string;
    if (code === 'ERR_WORKER_OUT_OF_MEMORY')
      text = `ran out of memory (heap limit ${this.options.memoryMb} MiB)`;
    else if (info.signal !== null) text = `was killed by ${info.signal}`;
    else if (info.error !== null) text = `failed: ${info.error.message}`;
    else text = `exited with code ${String(info.code)}`;
    const lastLine = this.stderrTail.at(-1);
    return lastLine !== undefined && code !== 'ERR_WORKER_OUT_OF_MEMORY'
      ? `${text} (stderr: ${lastLine.slice(0, 300)})`
      : text;
  }

  private warnThrottled(key: string, message: string, fields: Record<string, unknown> = {}): void {
    const now = Date.now();
    const entry = this.throttled.get(key);
    if (entry !== undefined && now < entry.until) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.throttled.set(key, { until: now + THROTTLE_MS, suppressed: 0 });
    this.logger.warn(message, suppressed > 0 ? { ...fields, suppressedSimilar: suppressed } : fields);
  }

  private toLoadError(error: unknown): PluginLoadError {
    if (error instanceof PluginLoadError) return error;
    const label = this.options.configuredName ?? this.options.label;
    if (error instanceof ControlFailure) {
      const tail =
        this.stderrTail.length > 0 ? ` (stderr: ${this.stderrTail.slice(-3).join(' | ').slice(0, 500)})` : '';
      return new PluginLoadError(
        label,
        error.check,
        `${error.message}${error.check === 'import' ? tail : ''}`,
        HINTS[error.check] ?? HINTS['import']!,
        {
          cause: error,
        },
      );
    }
    return new PluginLoadError(
      label,
      'import',
      error instanceof Error ? error.message : String(error),
      HINTS['import']!,
      {
        cause: error,
      },
    );
  }
}

const HINTS: Partial<Record<PluginCheck, string>> = {
  import:
    'build the package and install its dependencies; a strategy runs with no environment and may read only its own package and @polybot/sdk',
  export: 'make the entry module `export default defineStrategy({ ... })` using @polybot/sdk',
  api_version: 'rebuild the strategy against the @polybot/sdk version its package.json declares',
  start: "fix the error thrown by the strategy's onStart hook",
  init_timeout: 'remove slow work from the module top level and onStart (or raise the start-up limit)',
  config: 'use isolation "process", or a Node version with per-worker permission flags (20.x)',
  params: 'check the context sent to the strategy',
};

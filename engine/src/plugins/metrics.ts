import { LATENCY_BUCKETS, type MetricsRegistry } from '../monitoring/metrics.js';

/** One strategy's metric handles, bound to its label once so the hot path does no label hashing. */
export interface InstanceMetrics {
  observeEval(seconds: number): void;
  observeBatch(seconds: number): void;
  evaluation(status: string): void;
  timeout(kind: 'budget' | 'hard'): void;
  restart(reason: string): void;
  invalidSignal(): void;
  error(kind: 'threw' | 'crashed' | 'protocol' | 'invalid_input'): void;
  lateResult(): void;
  droppedLogLines(count: number): void;
  setQuarantined(on: boolean): void;
  setRunning(on: boolean): void;
}

/** Declares the plugin host's metrics on a registry (once per registry) and binds them per strategy. */
export class PluginMetrics {
  private readonly evalSeconds;
  private readonly evaluations;
  private readonly timeouts;
  private readonly restarts;
  private readonly invalidSignals;
  private readonly errors;
  private readonly lateResults;
  private readonly droppedLines;
  private readonly quarantined;
  private readonly running;

  constructor(registry: MetricsRegistry) {
    this.evalSeconds = registry.histogram(
      'polybot_strategy_eval_seconds',
      'Round trip of one strategy evaluation (kind=batch: one whole batch message)',
      ['strategy', 'kind'],
      LATENCY_BUCKETS,
    );
    this.evaluations = registry.counter('polybot_strategy_evaluations_total', 'Evaluations by outcome', [
      'strategy',
      'status',
    ]);
    this.timeouts = registry.counter(
      'polybot_strategy_timeouts_total',
      'Evaluations over budget (kind=budget, counted as IGNORE) and runtimes killed at the hard limit (kind=hard)',
      ['strategy', 'kind'],
    );
    this.restarts = registry.counter('polybot_strategy_restarts_total', 'Strategy runtimes restarted', [
      'strategy',
      'reason',
    ]);
    this.invalidSignals = registry.counter(
      'polybot_strategy_invalid_signals_total',
      'Malformed signals dropped (never executed)',
      ['strategy'],
    );
    this.errors = registry.counter('polybot_strategy_errors_total', 'Strategy errors by kind', [
      'strategy',
      'kind',
    ]);
    this.lateResults = registry.counter(
      'polybot_strategy_late_results_total',
      'Answers that arrived after the host gave up on them (discarded)',
      ['strategy'],
    );
    this.droppedLines = registry.counter(
      'polybot_strategy_log_lines_dropped_total',
      'Lines of strategy output dropped by the rate limit',
      ['strategy'],
    );
    this.quarantined = registry.gauge('polybot_strategy_quarantined', '1 while the strategy is quarantined', [
      'strategy',
    ]);
    this.running = registry.gauge(
      'polybot_strategy_running',
      '1 while the strategy runtime is up and serving',
      ['strategy'],
    );
  }

  forStrategy(strategy: string): InstanceMetrics {
    const single = this.evalSeconds.labels(strategy, 'single');
    const batch = this.evalSeconds.labels(strategy, 'batch');
    const byStatus = new Map<string, ReturnType<typeof this.evaluations.labels>>();
    const invalid = this.invalidSignals.labels(strategy);
    const late = this.lateResults.labels(strategy);
    this.quarantined.labels(strategy).set(0);
    this.running.labels(strategy).set(0);
    return {
      observeEval: (seconds) => single.observe(seconds),
      observeBatch: (seconds) => batch.observe(seconds),
      evaluation: (status) => {
        let counter = byStatus.get(status);
        if (counter === undefined) {
          counter = this.evaluations.labels(strategy, status);
          byStatus.set(status, counter);
        }
        counter.inc();
      },
      timeout: (kind) => this.timeouts.labels(strategy, kind).inc(),
      restart: (reason) => this.restarts.labels(strategy, reason).inc(),
      invalidSignal: () => invalid.inc(),
      error: (kind) => this.errors.labels(strategy, kind).inc(),
      lateResult: () => late.inc(),
      droppedLogLines: (count) => this.droppedLines.labels(strategy).inc(count),
      setQuarantined: (on) => this.quarantined.labels(strategy).set(on ? 1 : 0),
      setRunning: (on) => this.running.labels(strategy).set(on ? 1 : 0),
    };
  }
}

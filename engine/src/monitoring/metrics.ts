import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The engine's Prometheus registry. Components declare their metrics through these helpers so a
 * metric is created once per registry even when several instances of a component exist (shards,
 * strategies), and so tests get a fresh registry per container.
 */
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor(options: { collectProcessMetrics?: boolean; prefix?: string } = {}) {
    if (options.collectProcessMetrics)
      collectDefaultMetrics({ register: this.registry, prefix: options.prefix ?? 'polybot_' });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return (
      this.existing<Counter<L>>(name, Counter, labelNames) ??
      new Counter<L>({ name, help, labelNames, registers: [this.registry] })
    );
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return (
      this.existing<Gauge<L>>(name, Gauge, labelNames) ??
      new Gauge<L>({ name, help, labelNames, registers: [this.registry] })
    );
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets?: number[],
  ): Histogram<L> {
    return (
      this.existing<Histogram<L>>(name, Histogram, labelNames) ??
      new Histogram<L>({
        name,
        help,
        labelNames,
        registers: [this.registry],
        ...(buckets ? { buckets } : {}),
      })
    );
  }

  /**
   * The metric already declared under `name`, after checking it is the same kind with the same
   * labels in the same order (positional `.labels(a, b)` calls depend on it). Two areas that
   * disagree fail at startup with both label lists, instead of at the first increment.
   */
  private existing<T>(
    name: string,
    kind: typeof Counter | typeof Gauge | typeof Histogram,
    labelNames: readonly string[],
  ): T | undefined {
    const existing = this.registry.getSingleMetric(name);
    if (!existing) return undefined;
    if (!(existing instanceof kind))
      throw new Error(`metric ${name} is already declared as another type (not a ${kind.name})`);
    const declared = (existing as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
    if (declared.join(',') !== labelNames.join(','))
      throw new Error(
        `metric ${name} is already declared with labels [${declared.join(', ')}]; this declaration asks for [${labelNames.join(', ')}]`,
      );
    return existing as T;
  }

  /** Current value of a counter or gauge (summed over label sets matching `labels`); for tests and the summary API. */
  async value(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = this.registry.getSingleMetric(name);
    if (!metric) return 0;
    const data = await metric.get();
    return data.values
      .filter((v) =>
        Object.entries(labels).every(
          ([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want,
        ),
      )
      .filter((v) => !('metricName' in v) || v.metricName === name || v.metricName === undefined)
      .reduce((sum, v) => sum + v.value, 0);
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Latency buckets in seconds, from 50 µs to 10 s: wide enough for a worker hop and a venue round trip. */
export const LATENCY_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

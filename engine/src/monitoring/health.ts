import { performance } from 'node:perf_hooks';
import { inject, injectable } from 'tsyringe';
import { Tokens } from '../di/tokens.js';
import { describeError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import type { EngineMetrics } from './engine-metrics.js';

export interface ComponentHealth {
  readonly healthy: boolean;
  /** Why it is unhealthy, or a short status ("12 connections"). Never a secret. */
  readonly detail?: string;
}

/** A component's probe. Returning `false` or throwing counts as unhealthy; so does not answering in time. */
export type HealthCheck = () => Promise<ComponentHealth | boolean> | ComponentHealth | boolean;

export interface ComponentReport extends ComponentHealth {
  readonly latencyMs: number;
}

export interface HealthReport {
  readonly healthy: boolean;
  readonly checkedAt: string;
  /** Names of the unhealthy components, sorted. */
  readonly failing: readonly string[];
  readonly components: Readonly<Record<string, ComponentReport>>;
}

export interface HealthCheckOptions {
  /** A probe that takes longer is reported unhealthy ("timed out"). */
  readonly timeoutMs?: number;
}

export const DEFAULT_HEALTH_TIMEOUT_MS = 2000;
const NAME = /^[a-z][a-z0-9_.:-]{0,63}$/;

/**
 * Components register a probe under a name (database, feed, exchange, strategies, …); /health
 * runs them all concurrently. Calls that arrive while a round is in flight share it, so a burst
 * of health requests costs one probe per component.
 */
@injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, { check: HealthCheck; timeoutMs: number }>();
  private inFlight: Promise<HealthReport> | null = null;

  constructor(
    @inject(Tokens.EngineMetrics) private readonly metrics: EngineMetrics,
    @inject(Tokens.Clock) private readonly clock: Clock,
  ) {}

  /** Adds a probe; returns a function that removes it. A name can be registered once. */
  register(name: string, check: HealthCheck, options: HealthCheckOptions = {}): () => void {
    if (!NAME.test(name)) throw new Error(`health check name "${name}" must match ${NAME}`);
    if (this.checks.has(name)) throw new Error(`a health check named "${name}" is already registered`);
    const entry = { check, timeoutMs: options.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS };
    this.checks.set(name, entry);
    return () => {
      if (this.checks.get(name) === entry) {
        this.checks.delete(name);
        this.metrics.componentHealthy.remove({ component: name });
      }
    };
  }

  names(): string[] {
    return [...this.checks.keys()].sort();
  }

  check(): Promise<HealthReport> {
    this.inFlight ??= this.runAll().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async runAll(): Promise<HealthReport> {
    const entries = [...this.checks.entries()].sort(([a], [b]) => a.localeCompare(b));
    const results = await Promise.all(entries.map(([, entry]) => runOne(entry.check, entry.timeoutMs)));
    const components: Record<string, ComponentReport> = {};
    const failing: string[] = [];
    entries.forEach(([name], i) => {
      const report = results[i] as ComponentReport;
      components[name] = report;
      if (!report.healthy) failing.push(name);
      this.metrics.componentHealthy.set({ component: name }, report.healthy ? 1 : 0);
    });
    return {
      healthy: failing.length === 0,
      checkedAt: new Date(this.clock.now()).toISOString(),
      failing,
      components,
    };
  }
}

async function runOne(check: HealthCheck, timeoutMs: number): Promise<ComponentReport> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ComponentHealth>((resolve) => {
    timer = setTimeout(
      () => resolve({ healthy: false, detail: `timed out after ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  let result: ComponentHealth;
  try {
    const answer = await Promise.race([Promise.resolve().then(check), timeout]);
    result = typeof answer === 'boolean' ? { healthy: answer } : normalize(answer);
  } catch (error) {
    result = { healthy: false, detail: describeError(error) };
  } finally {
    clearTimeout(timer);
  }
  return { ...result, latencyMs: Math.round((performance.now() - started) * 1000) / 1000 };
}

function normalize(answer: unknown): ComponentHealth {
  if (
    typeof answer !== 'object' ||
    answer === null ||
    typeof (answer as ComponentHealth).healthy !== 'boolean'
  )
    return { healthy: false, detail: 'health check returned an invalid result' };
  const { healthy, detail } = answer as ComponentHealth;
  return detail === undefined ? { healthy } : { healthy, detail: String(detail) };
}

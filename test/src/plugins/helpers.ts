import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createContext, type ContextOverrides } from '@polybot/sdk/testing';
import {
  createLogger,
  MetricsRegistry,
  StrategyHost,
  testConfig,
  type StrategyAlert,
  type StrategyConfig,
  type StrategyInput,
} from 'polybot';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (test/dist/plugins → ../../..). */
export const REPO_ROOT = resolve(here, '..', '..', '..');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'plugins');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** What core sends for one evaluation: a kit context without the per-strategy fields. */
export function input(overrides: ContextOverrides = {}): StrategyInput {
  const { strategy: _strategy, params: _params, ...rest } = createContext(overrides);
  return rest;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `polybot-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Log records a test can inspect. */
export interface CapturedLogs {
  readonly records: Record<string, unknown>[];
}

export interface TestHost {
  readonly host: StrategyHost;
  readonly metrics: MetricsRegistry;
  readonly alerts: StrategyAlert[];
  readonly logs: CapturedLogs;
}

/**
 * A StrategyHost over the real runtime with fast limits: 50 ms budget, a short hard limit and
 * restart backoff, three strikes per minute.
 */
export function createTestHost(
  strategies: StrategyConfig[],
  plugins: Record<string, unknown> = {},
): TestHost {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim().length > 0) records.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const config = testConfig({
    strategies,
    plugins: {
      dir: join(tmpdir(), 'polybot-test-no-plugins'),
      defaultBudgetMs: 50,
      hardLimitMs: 400,
      defaultMemoryMb: 64,
      strikeLimit: 3,
      strikeWindowSeconds: 60,
      restartBaseMs: 20,
      restartMaxMs: 100,
      initTimeoutMs: 10_000,
      ...plugins,
    },
  });
  const metrics = new MetricsRegistry();
  const host = new StrategyHost(config, createLogger({ json: true, level: 'debug', stream }), metrics);
  const alerts: StrategyAlert[] = [];
  host.onAlert((alert) => alerts.push(alert));
  return { host, metrics, alerts, logs: { records } };
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function stateOf(host: StrategyHost, name: string): string | undefined {
  return host.health().find((h) => h.name === name)?.state;
}

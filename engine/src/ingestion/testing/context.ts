import { testConfig } from '../../config/defaults.js';
import type { EngineConfig } from '../../config/types.js';
import { createSilentLogger, type Logger } from '../../monitoring/logger.js';
import { MetricsRegistry } from '../../monitoring/metrics.js';
import { systemClock, type Clock } from '../../util/clock.js';

export interface TestDeps {
  readonly config: EngineConfig;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly clock: Clock;
}

/** Config, a silent logger, a fresh metrics registry and the system clock, for unit tests. */
export function testDeps(overrides: unknown = {}, clock: Clock = systemClock): TestDeps {
  return {
    config: testConfig(overrides),
    logger: createSilentLogger(),
    metrics: new MetricsRegistry(),
    clock,
  };
}

/**
 * Helpers for tests that drive the engine from outside (the repository's integration suites,
 * or a deployment's own): a fresh, migrated PostgreSQL database per suite, and in-memory
 * stand-ins for core's ports. Never used by the engine itself.
 */
export {
  createTestDatabase,
  testBackends,
  testDatabaseUrl,
  DEFAULT_TEST_DATABASE_URL,
  type CreateTestDatabaseOptions,
  type TestDatabase,
} from '../storage/testing/index.js';
export * from '../core/testing/in-memory-ports.js';

export {
  createTestDatabase,
  testBackends,
  testDatabaseUrl,
  DEFAULT_TEST_DATABASE_URL,
  type CreateTestDatabaseOptions,
  type TestDatabase,
} from './test-database.js';

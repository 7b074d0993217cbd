/**
 * Storage: PostgreSQL (real, or embedded PGlite in a worker thread) over pg-promise, migrations,
 * typed repositories and the batching tape writer. Other areas import only from here; test
 * helpers (createTestDatabase) live in `./testing/index.js`.
 */
export * from './types.js';
export { openDatabase, DEFAULT_DATA_DIR, DEFAULT_POOL_SIZE } from './database.js';
export { runMigrations, loadMigrations, checksumOf, DEFAULT_MIGRATIONS_DIR } from './migrations.js';
export { StorageInputError, OrderStateError, PositionError } from './errors.js';
export { toDecimal, toDecimalOrNull, toTimestamp, toTimestampOrNull } from './values.js';
export {
  ORDER_TRANSITIONS,
  ORDER_STATES,
  OPEN_ORDER_STATES,
  TERMINAL_ORDER_STATES,
  UNRESOLVED_ORDER_STATES,
  canTransition,
  isTerminal,
} from './order-states.js';
export { MarketRepository } from './repositories/market-repository.js';
export { TapeRepository } from './repositories/tape-repository.js';
export { TriggerRepository } from './repositories/trigger-repository.js';
export { OrderRepository } from './repositories/order-repository.js';
export { FillRepository } from './repositories/fill-repository.js';
export { PositionRepository } from './repositories/position-repository.js';
export { BalanceRepository } from './repositories/balance-repository.js';
export { WatchlistRepository } from './repositories/watchlist-repository.js';
export { ApprovalRepository } from './repositories/approval-repository.js';
export { DecisionRepository } from './repositories/decision-repository.js';
export { TapeWriter, TAPE_BUFFER_BATCHES } from './tape-writer.js';

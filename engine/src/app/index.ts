export { Application, toTradeEvent, type ApplicationOptions } from './application.js';
export { engineActions, startRunning } from './cli-actions.js';
export { StoredDashboardData } from './dashboard-data.js';
export { DatabaseWatch } from './database-watch.js';
export { CatalogMarketLookup, toMarketInfo } from './market-lookup.js';
export {
  BatchedDecisionLog,
  StoredApprovals,
  StoredPositions,
  StoredTriggers,
  StoredWatchlist,
} from './storage-ports.js';
export { HostedStrategies, toEvaluationOutcome } from './strategy-runner.js';

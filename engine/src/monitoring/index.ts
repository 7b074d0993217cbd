export {
  createLogger,
  createSilentLogger,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from './logger.js';
export { processSecrets, SecretScrubber, serializeError } from './secret-scrubber.js';
export { LATENCY_BUCKETS, MetricsRegistry } from './metrics.js';
export { EngineMetrics, PIPELINE_STAGES, type PipelineStage } from './engine-metrics.js';
export {
  histogramSummary,
  summarizeEngineMetrics,
  type EngineMetricsSummary,
  type LatencySummary,
  type StrategyHealthSummary,
} from './metrics-summary.js';
export {
  DEFAULT_HEALTH_TIMEOUT_MS,
  HealthRegistry,
  type ComponentHealth,
  type ComponentReport,
  type HealthCheck,
  type HealthCheckOptions,
  type HealthReport,
} from './health.js';
export {
  createProgressReporter,
  LogProgress,
  silentProgress,
  TtyProgress,
  type ProgressReporter,
} from './progress.js';
export { ALERT_SEVERITIES, type Alert, type AlertSeverity, type AlertSink } from './alerts/types.js';
export { LogAlertSink } from './alerts/log-sink.js';
export { TelegramNotifier } from './alerts/telegram.js';
export { AlertFanout } from './alerts/fanout.js';
export { createAlertSink } from './alerts/factory.js';
export { DashboardServer, type DashboardAddress } from './http/server.js';
export { ApiKeyCheck } from './http/auth.js';
export type {
  ApiRecord,
  ApprovalDecision,
  DashboardDataSource,
  DecisionOutcome,
  OrderQuery,
} from './http/data-source.js';

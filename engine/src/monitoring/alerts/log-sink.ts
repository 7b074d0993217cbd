import { inject, injectable } from 'tsyringe';
import { Tokens } from '../../di/tokens.js';
import type { EngineMetrics } from '../engine-metrics.js';
import type { Logger } from '../logger.js';
import type { Alert, AlertSink } from './types.js';

/** Every alert lands in the log, whatever else is configured. */
@injectable()
export class LogAlertSink implements AlertSink {
  constructor(
    @inject(Tokens.Logger) private readonly logger: Logger,
    @inject(Tokens.EngineMetrics) private readonly metrics: EngineMetrics,
  ) {}

  alert(alert: Alert): Promise<void> {
    const level = alert.severity === 'critical' ? 'error' : alert.severity === 'warning' ? 'warn' : 'info';
    this.logger[level](`ALERT ${alert.title}`, {
      alert: true,
      severity: alert.severity,
      ...(alert.detail !== undefined ? { detail: alert.detail } : {}),
    });
    this.metrics.alertsSent.inc({ sink: 'log', severity: alert.severity });
    return Promise.resolve();
  }
}

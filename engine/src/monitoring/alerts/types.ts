import type { AlertSeverity } from '../../config/types.js';

export type { AlertSeverity };

export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

/** Something an operator should hear about: database lost, feed down, balance low, order failed. */
export interface Alert {
  readonly severity: AlertSeverity;
  /** One line: what happened. */
  readonly title: string;
  /** What it affects and what to do; plain text. */
  readonly detail?: string;
}

/** Delivers alerts. `alert` never rejects: a sink that cannot deliver logs and counts the failure. */
export interface AlertSink {
  alert(alert: Alert): Promise<void>;
}

export function severityRank(severity: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(severity);
}

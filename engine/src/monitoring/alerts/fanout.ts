import type { Alert, AlertSink } from './types.js';

/** Sends each alert to every sink; one sink failing never stops the others. */
export class AlertFanout implements AlertSink {
  constructor(private readonly sinks: readonly AlertSink[]) {}

  async alert(alert: Alert): Promise<void> {
    await Promise.allSettled(this.sinks.map((sink) => sink.alert(alert)));
  }
}

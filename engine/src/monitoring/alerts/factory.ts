import type { EngineConfig, Secrets } from '../../config/types.js';
import type { Clock } from '../../util/clock.js';
import type { EngineMetrics } from '../engine-metrics.js';
import type { Logger } from '../logger.js';
import { AlertFanout } from './fanout.js';
import { LogAlertSink } from './log-sink.js';
import { TelegramNotifier } from './telegram.js';
import type { AlertSink } from './types.js';

/** The engine's alert sink: always the log, plus Telegram when its token and chat are set. */
export function createAlertSink(deps: {
  readonly config: EngineConfig;
  readonly secrets: Secrets;
  readonly logger: Logger;
  readonly metrics: EngineMetrics;
  readonly clock: Clock;
}): AlertSink {
  const sinks: AlertSink[] = [new LogAlertSink(deps.logger, deps.metrics)];
  if (deps.secrets.telegramBotToken !== null && deps.secrets.telegramChatId !== null)
    sinks.push(new TelegramNotifier(deps.config, deps.secrets, deps.logger, deps.metrics, deps.clock));
  return new AlertFanout(sinks);
}

import { got } from 'got';
import { inject, injectable } from 'tsyringe';
import type { EngineConfig, Secrets } from '../../config/types.js';
import { Tokens } from '../../di/tokens.js';
import { describeError } from '../../errors.js';
import type { Clock } from '../../util/clock.js';
import type { EngineMetrics } from '../engine-metrics.js';
import type { Logger } from '../logger.js';
import { processSecrets } from '../secret-scrubber.js';
import { severityRank, type Alert, type AlertSink } from './types.js';

/** Telegram rejects longer texts. */
const MAX_MESSAGE_LENGTH = 4096;
/** Alerts waiting to be sent beyond this are dropped (and counted) rather than queued without bound. */
const MAX_BACKLOG = 50;
const REQUEST_TIMEOUT_MS = 5000;
const WINDOW_MS = 60_000;

const ICON: Record<Alert['severity'], string> = { info: 'ℹ️', warning: '⚠️', critical: '🚨' };

/**
 * Sends alerts through the Telegram Bot API (`sendMessage`). Delivery is best effort and never
 * throws: failures are logged (without the token) and counted. Messages are sent one at a time in
 * order, at most `alerts.telegramMaxPerMinute` per minute; alerts over the limit, or sent while
 * Telegram asks us to back off (429 retry_after), are dropped and reported as a count in the next
 * message that goes out.
 */
@injectable()
export class TelegramNotifier implements AlertSink {
  private readonly token: string;
  private readonly chatId: string;
  private readonly sentAt: number[] = [];
  private blockedUntil = 0;
  private suppressed = 0;
  private backlog = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    @inject(Tokens.Config) private readonly config: EngineConfig,
    @inject(Tokens.Secrets) secrets: Secrets,
    @inject(Tokens.Logger) private readonly logger: Logger,
    @inject(Tokens.EngineMetrics) private readonly metrics: EngineMetrics,
    @inject(Tokens.Clock) private readonly clock: Clock,
  ) {
    if (secrets.telegramBotToken === null || secrets.telegramChatId === null)
      throw new Error('TelegramNotifier needs TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID');
    this.token = secrets.telegramBotToken;
    this.chatId = secrets.telegramChatId;
  }

  alert(alert: Alert): Promise<void> {
    if (severityRank(alert.severity) < severityRank(this.config.alerts.telegramMinSeverity))
      return Promise.resolve();
    if (this.backlog >= MAX_BACKLOG) {
      this.drop('backlog');
      return Promise.resolve();
    }
    this.backlog++;
    const next = this.queue.then(() => this.deliver(alert)).finally(() => this.backlog--);
    this.queue = next;
    return next;
  }

  private async deliver(alert: Alert): Promise<void> {
    const now = this.clock.now();
    while (this.sentAt.length > 0 && (this.sentAt[0] as number) <= now - WINDOW_MS) this.sentAt.shift();
    if (now < this.blockedUntil || this.sentAt.length >= this.config.alerts.telegramMaxPerMinute) {
      this.drop('rate_limited');
      return;
    }
    this.sentAt.push(now);
    const suppressed = this.suppressed;
    this.suppressed = 0;
    try {
      const response = await got.post(this.url(), {
        json: { chat_id: this.chatId, text: this.render(alert, suppressed), disable_web_page_preview: true },
        timeout: { request: REQUEST_TIMEOUT_MS },
        retry: { limit: 0 },
        throwHttpErrors: false,
        responseType: 'text',
      });
      if (response.statusCode === 200) {
        this.metrics.alertsSent.inc({ sink: 'telegram', severity: alert.severity });
        return;
      }
      const body = parseBody(response.body);
      if (response.statusCode === 429) {
        const retryAfter = Number(body?.parameters?.retry_after);
        this.blockedUntil =
          this.clock.now() + (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 30) * 1000;
      }
      this.suppressed += suppressed + 1;
      this.metrics.alertsDropped.inc({ sink: 'telegram', reason: 'http_error' });
      this.logger.warn('telegram alert not delivered', {
        status: response.statusCode,
        description: this.clean(
          typeof body?.description === 'string' ? body.description : (response.statusMessage ?? ''),
        ),
        title: alert.title,
      });
    } catch (error) {
      this.suppressed += suppressed + 1;
      this.metrics.alertsDropped.inc({ sink: 'telegram', reason: 'network' });
      this.logger.warn('telegram alert not delivered', {
        error: this.clean(describeError(error)),
        title: alert.title,
      });
    }
  }

  private drop(reason: 'rate_limited' | 'backlog'): void {
    this.suppressed++;
    this.metrics.alertsDropped.inc({ sink: 'telegram', reason });
  }

  private url(): string {
    return `${this.config.alerts.telegramApiUrl.replace(/\/+$/, '')}/bot${this.token}/sendMessage`;
  }

  private render(alert: Alert, suppressed: number): string {
    const lines = [`${ICON[alert.severity]} ${alert.severity.toUpperCase()}: ${alert.title}`];
    if (alert.detail) lines.push(alert.detail);
    if (suppressed > 0)
      lines.push(`(${suppressed} earlier alert${suppressed === 1 ? ' was' : 's were'} not delivered)`);
    const text = processSecrets.scrubString(lines.join('\n'));
    return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
  }

  /** The token must never reach a log line, even when an error message quotes the URL. */
  private clean(text: string): string {
    return processSecrets.scrubString(text.split(this.token).join('[redacted]'));
  }
}

interface TelegramResponse {
  readonly description?: unknown;
  readonly parameters?: { readonly retry_after?: unknown };
}

function parseBody(text: string): TelegramResponse | null {
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === 'object' && body !== null ? (body as TelegramResponse) : null;
  } catch {
    return null;
  }
}

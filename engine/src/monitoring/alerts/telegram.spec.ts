import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { DEFAULT_CONFIG, NO_SECRETS, mergeConfig } from '../../config/defaults.js';
import type { EngineConfig, Secrets } from '../../config/types.js';
import { ManualClock } from '../../util/clock.js';
import { EngineMetrics } from '../engine-metrics.js';
import { createLogger } from '../logger.js';
import { MetricsRegistry } from '../metrics.js';
import { SecretScrubber } from '../secret-scrubber.js';
import { createAlertSink } from './factory.js';
import { AlertFanout } from './fanout.js';
import { LogAlertSink } from './log-sink.js';
import { TelegramNotifier } from './telegram.js';
import type { Alert, AlertSink } from './types.js';

const TOKEN = '123456789:AAH-test-bot-token_value';
const CHAT = '-1001234567';
const SECRETS: Secrets = { ...NO_SECRETS, telegramBotToken: TOKEN, telegramChatId: CHAT };

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

interface Received {
  url: string;
  body: { chat_id: string; text: string; disable_web_page_preview: boolean };
}

/** A local stand-in for the Telegram Bot API. */
class FakeTelegram {
  readonly received: Received[] = [];
  reply: (req: IncomingMessage) => { status: number; body: string } = () => ({
    status: 200,
    body: JSON.stringify({ ok: true, result: { message_id: 1 } }),
  });
  private server: Server | null = null;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        this.received.push({ url: req.url ?? '', body: JSON.parse(text) as Received['body'] });
        const { status, body } = this.reply(req);
        res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

describe('TelegramNotifier', () => {
  let telegram: FakeTelegram;
  let clock: ManualClock;
  let registry: MetricsRegistry;
  let log: Capture;

  beforeEach(() => {
    telegram = new FakeTelegram();
    clock = new ManualClock();
    registry = new MetricsRegistry();
    log = new Capture();
  });
  afterEach(() => telegram.stop());

  function notifier(apiUrl: string, alerts: Partial<EngineConfig['alerts']> = {}): TelegramNotifier {
    const config = mergeConfig(DEFAULT_CONFIG, { alerts: { telegramApiUrl: apiUrl, ...alerts } });
    const logger = createLogger({ json: true, stream: log, scrubber: new SecretScrubber() });
    return new TelegramNotifier(config, SECRETS, logger, new EngineMetrics(registry), clock);
  }

  const critical: Alert = {
    severity: 'critical',
    title: 'database connection lost',
    detail: 'processing paused',
  };

  it('sends a plain-text sendMessage to the configured chat', async () => {
    const sink = notifier(await telegram.start());
    await sink.alert(critical);
    expect(telegram.received).to.have.length(1);
    expect(telegram.received[0]?.url).to.equal(`/bot${TOKEN}/sendMessage`);
    expect(telegram.received[0]?.body).to.deep.equal({
      chat_id: CHAT,
      text: '🚨 CRITICAL: database connection lost\nprocessing paused',
      disable_web_page_preview: true,
    });
    expect(
      await registry.value('polybot_alerts_sent_total', { sink: 'telegram', severity: 'critical' }),
    ).to.equal(1);
  });

  it('keeps alerts below the minimum severity out of Telegram', async () => {
    const sink = notifier(await telegram.start(), { telegramMinSeverity: 'critical' });
    await sink.alert({ severity: 'warning', title: 'balance low' });
    await sink.alert({ severity: 'info', title: 'started' });
    expect(telegram.received).to.have.length(0);
  });

  it('sends in order and rate-limits, reporting what it dropped in the next message', async () => {
    const sink = notifier(await telegram.start(), { telegramMaxPerMinute: 2 });
    await Promise.all([1, 2, 3, 4].map((n) => sink.alert({ severity: 'warning', title: `alert ${n}` })));
    expect(telegram.received.map((r) => r.body.text)).to.deep.equal([
      '⚠️ WARNING: alert 1',
      '⚠️ WARNING: alert 2',
    ]);
    expect(await registry.value('polybot_alerts_dropped_total', { reason: 'rate_limited' })).to.equal(2);
    clock.advance(60_001);
    await sink.alert({ severity: 'warning', title: 'alert 5' });
    expect(telegram.received[2]?.body.text).to.equal(
      '⚠️ WARNING: alert 5\n(2 earlier alerts were not delivered)',
    );
  });

  it('backs off for retry_after on 429', async () => {
    const sink = notifier(await telegram.start());
    telegram.reply = () => ({
      status: 429,
      body: JSON.stringify({
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 30',
        parameters: { retry_after: 30 },
      }),
    });
    await sink.alert(critical);
    telegram.reply = () => ({ status: 200, body: '{"ok":true}' });
    clock.advance(10_000);
    await sink.alert(critical);
    expect(telegram.received).to.have.length(1);
    clock.advance(21_000);
    await sink.alert({ severity: 'critical', title: 'after back-off' });
    expect(telegram.received).to.have.length(2);
    expect(telegram.received[1]?.body.text).to.equal(
      '🚨 CRITICAL: after back-off\n(2 earlier alerts were not delivered)',
    );
  });

  it('logs a rejected message without the token and never throws', async () => {
    const sink = notifier(await telegram.start());
    telegram.reply = () => ({
      status: 400,
      body: JSON.stringify({
        ok: false,
        error_code: 400,
        description: `Bad Request: chat not found for bot${TOKEN}`,
      }),
    });
    await sink.alert(critical);
    telegram.reply = () => ({ status: 502, body: '<html>bad gateway</html>' });
    await sink.alert(critical);
    const lines = log.lines();
    expect(lines).to.have.length(2);
    expect(lines[0]).to.include({ level: 'warn', message: 'telegram alert not delivered', status: 400 });
    expect(lines[0]?.description).to.equal('Bad Request: chat not found for bot[redacted]');
    expect(lines[1]).to.include({ status: 502 });
    expect(log.text).not.to.include(TOKEN);
    expect(await registry.value('polybot_alerts_dropped_total', { reason: 'http_error' })).to.equal(2);
  });

  it('survives an unreachable API', async () => {
    const url = await telegram.start();
    await telegram.stop();
    const sink = notifier(url);
    await sink.alert(critical);
    expect(log.lines()[0]).to.include({ level: 'warn', message: 'telegram alert not delivered' });
    expect(log.text).not.to.include(TOKEN);
    expect(await registry.value('polybot_alerts_dropped_total', { reason: 'network' })).to.equal(1);
  });

  it('truncates long texts to what Telegram accepts', async () => {
    const sink = notifier(await telegram.start());
    await sink.alert({ severity: 'info', title: 'long', detail: 'x'.repeat(10_000) });
    // info is below the default minimum (warning): nothing sent.
    expect(telegram.received).to.have.length(0);
    await sink.alert({ severity: 'warning', title: 'long', detail: 'x'.repeat(10_000) });
    expect(telegram.received[0]?.body.text).to.have.length(4096);
  });

  it('drops alerts beyond the backlog instead of queueing without bound', async () => {
    const sink = notifier(await telegram.start(), { telegramMaxPerMinute: 600 });
    // 60 alerts raised at once: 50 wait their turn, the rest are dropped and counted.
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => sink.alert({ severity: 'warning', title: `n${i}` })),
    );
    expect(await registry.value('polybot_alerts_dropped_total', { reason: 'backlog' })).to.equal(10);
    expect(telegram.received).to.have.length(50);
  });

  it('needs the token and the chat', () => {
    const logger = createLogger({ silent: true });
    expect(
      () => new TelegramNotifier(DEFAULT_CONFIG, NO_SECRETS, logger, new EngineMetrics(registry), clock),
    ).to.throw(/TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID/);
  });
});

describe('alert sinks', () => {
  it('logs alerts at a level matching their severity', async () => {
    const log = new Capture();
    const registry = new MetricsRegistry();
    const sink = new LogAlertSink(
      createLogger({ json: true, stream: log, level: 'debug' }),
      new EngineMetrics(registry),
    );
    await sink.alert({ severity: 'critical', title: 'a', detail: 'd' });
    await sink.alert({ severity: 'warning', title: 'b' });
    await sink.alert({ severity: 'info', title: 'c' });
    expect(log.lines().map((l) => [l.level, l.message, l.severity])).to.deep.equal([
      ['error', 'ALERT a', 'critical'],
      ['warn', 'ALERT b', 'warning'],
      ['info', 'ALERT c', 'info'],
    ]);
    expect(log.lines()[0]).to.include({ detail: 'd', alert: true });
    expect(await registry.value('polybot_alerts_sent_total', { sink: 'log' })).to.equal(3);
  });

  it('fans out to every sink even when one fails', async () => {
    const got: string[] = [];
    const failing: AlertSink = { alert: () => Promise.reject(new Error('down')) };
    const recording: AlertSink = { alert: async (a) => void got.push(a.title) };
    await new AlertFanout([failing, recording]).alert({ severity: 'info', title: 'x' });
    expect(got).to.deep.equal(['x']);
  });

  it('adds Telegram only when its token and chat are set', async () => {
    const telegram = new FakeTelegram();
    const url = await telegram.start();
    try {
      const deps = {
        config: mergeConfig(DEFAULT_CONFIG, { alerts: { telegramApiUrl: url } }),
        logger: createLogger({ silent: true }),
        metrics: new EngineMetrics(new MetricsRegistry()),
        clock: new ManualClock(),
      };
      await createAlertSink({ ...deps, secrets: NO_SECRETS }).alert({ severity: 'critical', title: 'x' });
      expect(telegram.received).to.have.length(0);
      await createAlertSink({ ...deps, secrets: SECRETS }).alert({ severity: 'critical', title: 'y' });
      expect(telegram.received.map((r) => r.body.text)).to.deep.equal(['🚨 CRITICAL: y']);
    } finally {
      await telegram.stop();
    }
  });
});

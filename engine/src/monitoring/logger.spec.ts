import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger, createSilentLogger } from './logger.js';
import { SecretScrubber } from './secret-scrubber.js';

class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const API_SECRET = 'YXBpLXNlY3JldC1iYXNlNjQtdmFsdWU=';
const PASSPHRASE = 'passphrase-for-the-api-77';
const PRIVATE_KEY = `0x${'4f'.repeat(32)}`;
const DASHBOARD_KEY = 'dashboard-api-key-0123456789';
const TELEGRAM_TOKEN = '123456789:AAH-telegram-bot-token-xyz';
const DB_PASSWORD = 'db-pa55word-XYZ';
const DB_URL = `postgres://polybot:${DB_PASSWORD}@db.internal:5432/polybot`;
const ALL = [
  API_SECRET,
  PASSPHRASE,
  PRIVATE_KEY,
  PRIVATE_KEY.slice(2),
  DASHBOARD_KEY,
  TELEGRAM_TOKEN,
  DB_PASSWORD,
];

describe('logger', () => {
  it('never writes a secret, whatever key or message carries it', () => {
    const scrubber = new SecretScrubber();
    scrubber.add(ALL);
    for (const json of [true, false]) {
      const out = new Capture();
      const logger = createLogger({ level: 'debug', json, stream: out, scrubber });
      // Under the names they have in config and creds…
      logger.info('loaded credentials', {
        creds: { api_key: 'k', api_secret: API_SECRET, api_passphrase: PASSPHRASE, private_key: PRIVATE_KEY },
        dashboardApiKey: DASHBOARD_KEY,
        telegramBotToken: TELEGRAM_TOKEN,
        databaseUrl: DB_URL,
      });
      // …under innocent names, in messages, in errors and their causes, in arrays and children.
      logger.warn(`connecting to ${DB_URL} with ${PRIVATE_KEY}`, {
        note: `token=${TELEGRAM_TOKEN}`,
        list: [API_SECRET],
      });
      logger.error('request failed', {
        error: new Error(`401 for https://api.telegram.org/bot${TELEGRAM_TOKEN}/sendMessage`, {
          cause: new Error(`passphrase ${PASSPHRASE} rejected`),
        }),
      });
      logger
        .child({ component: 'exec' })
        .debug('signing', { raw: PRIVATE_KEY.slice(2), encoded: encodeURIComponent(API_SECRET) });
      logger.error(new Error(`boom ${DASHBOARD_KEY}`));
      for (const secret of ALL)
        expect(out.text, `${json ? 'json' : 'text'} output leaks ${secret}`).not.to.include(secret);
      expect(out.text).to.include('[redacted]');
      if (json) expect(out.text.split('\n').filter(Boolean)).to.have.length(5);
    }
  });

  it('masks secret-looking keys and URL passwords even before any secret is registered', () => {
    const out = new Capture();
    const logger = createLogger({ json: true, stream: out, scrubber: new SecretScrubber() });
    logger.info('x', {
      api_secret: API_SECRET,
      api_passphrase: PASSPHRASE,
      private_key: PRIVATE_KEY,
      url: DB_URL,
    });
    for (const secret of [API_SECRET, PASSPHRASE, PRIVATE_KEY, DB_PASSWORD])
      expect(out.text).not.to.include(secret);
  });

  it('writes JSON lines when the stream is not a TTY', () => {
    const out = new Capture();
    createLogger({ stream: out }).info('hello', { component: 'core', count: 3 });
    const line = JSON.parse(out.text) as Record<string, unknown>;
    expect(line).to.include({ level: 'info', message: 'hello', component: 'core', count: 3 });
    expect(line.timestamp).to.be.a('string');
  });

  it('writes readable lines on a TTY', () => {
    const out = new Capture();
    out.isTTY = true;
    createLogger({ stream: out }).warn('disk low', { component: 'storage', freeMb: 12 });
    expect(out.text).to.match(/^\d\d:\d\d:\d\d\.\d{3} .*warn.* \[storage\] disk low \{"freeMb":12\}\n$/);
  });

  it('honours the level', () => {
    const out = new Capture();
    const logger = createLogger({ level: 'warn', stream: out });
    logger.info('hidden');
    logger.debug('hidden');
    logger.warn('shown');
    expect(out.text).to.include('shown').and.not.include('hidden');
  });

  it('keeps stacks for debug only, and never copies an error’s own properties', () => {
    const error = Object.assign(new Error('failed'), {
      code: 'E_X',
      options: { headers: { authorization: 'x' } },
    });
    const info = new Capture();
    createLogger({ level: 'info', stream: info }).error('oops', { error });
    const parsed = JSON.parse(info.text) as { error: Record<string, unknown> };
    expect(parsed.error).to.deep.equal({ name: 'Error', message: 'failed', code: 'E_X' });
    const debug = new Capture();
    createLogger({ level: 'debug', stream: debug }).error('oops', { error });
    expect((JSON.parse(debug.text) as { error: { stack: string } }).error.stack).to.match(/^Error: failed\n/);
  });

  it('has a silent variant', () => {
    expect(() => createSilentLogger().error('nothing')).not.to.throw();
  });
});

describe('SecretScrubber', () => {
  it('ignores values too short to be secrets and can be cleared', () => {
    const scrubber = new SecretScrubber();
    scrubber.add(['abc', 'long-enough-secret']);
    expect(scrubber.size).to.equal(1);
    expect(scrubber.scrubString('abc long-enough-secret')).to.equal('abc [redacted]');
    scrubber.clear();
    expect(scrubber.scrubString('long-enough-secret')).to.equal('long-enough-secret');
  });

  it('scrubs deeply and survives cycles', () => {
    const scrubber = new SecretScrubber();
    scrubber.add(['s3cret-value']);
    const cyclic: Record<string, unknown> = { a: ['x s3cret-value'] };
    cyclic.self = cyclic;
    expect(scrubber.scrub(cyclic)).to.deep.equal({ a: ['x [redacted]'], self: '[circular]' });
  });
});

describe('secret field names', () => {
  it('mask secrets but leave identifiers such as tokenId alone', async () => {
    const { isSecretField } = await import('./secret-fields.js');
    for (const name of [
      'api_secret',
      'apiSecret',
      'api_passphrase',
      'password',
      'private_key',
      'privateKey',
      'dashboardApiKey',
      'api_key',
      'telegramBotToken',
      'token',
      'authorization',
      'key',
    ])
      expect(isSecretField(name), name).to.equal(true);
    for (const name of ['tokenId', 'token_id', 'tokenIds', 'conditionId', 'keyword', 'market', 'funder'])
      expect(isSecretField(name), name).to.equal(false);
    const out = new Capture();
    createLogger({ stream: out, scrubber: new SecretScrubber() }).info('order', {
      tokenId: '1234567890123',
      nested: { tokenId: '987654321' },
    });
    expect(out.text).to.include('"tokenId":"1234567890123"').and.include('"tokenId":"987654321"');
  });
});

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError } from '../errors.js';
import { DEFAULT_CONFIG } from './defaults.js';
import { loadConfig, type LoadConfigOptions } from './load.js';

const PRIVATE_KEY = `0x${'ab'.repeat(32)}`;
const CREDS = {
  api_key: '11111111-2222-3333-4444-555555555555',
  api_secret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ=',
  api_passphrase: 'passphrase-passphrase',
  private_key: PRIVATE_KEY,
  funder: `0x${'12'.repeat(20)}`,
  signature_type: 2,
  host: 'https://clob.polymarket.com',
  chain_id: 137,
};

describe('loadConfig', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'polybot-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, content: unknown): string {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    chmodSync(path, 0o600);
    return path;
  }

  function load(options: LoadConfigOptions = {}) {
    return loadConfig({ env: {}, cwd: dir, ...options });
  }

  function problemsOf(options: LoadConfigOptions): readonly string[] {
    try {
      load(options);
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    expect.fail('loadConfig should have thrown a ConfigError');
  }

  describe('defaults', () => {
    it('gives the seed defaults with no file, no environment and no flags', () => {
      const { config, secrets, sources } = load();
      expect(config.mode).to.equal('dry-run');
      expect(config.risk).to.deep.equal(DEFAULT_CONFIG.risk);
      expect(config.exits).to.deep.equal({ profitTarget: 0.99, stopLoss: 0.9, minHoldDays: 7 });
      expect(config.dashboard).to.deep.equal({ enabled: true, host: '127.0.0.1', port: 9050 });
      expect(config.database.url).to.equal(null);
      expect(config.polymarket.credsFile).to.equal('./polymarket_api_creds.json');
      expect(config.strategies).to.deep.equal([
        { package: 'high_prob_yes', params: { priceThreshold: 0.95, positionSize: 20 } },
      ]);
      expect(secrets).to.deep.equal({
        dashboardApiKey: null,
        telegramBotToken: null,
        telegramChatId: null,
        privateKey: null,
        polymarketCreds: null,
      });
      expect(sources.values).to.deep.equal({});
      expect(sources.credsFile.status).to.equal('missing');
    });

    it('returns a frozen config', () => {
      const { config } = load();
      expect(Object.isFrozen(config)).to.equal(true);
      expect(Object.isFrozen(config.risk)).to.equal(true);
    });
  });

  describe('precedence: defaults < file < environment < flags', () => {
    it('lets each layer override the one below and records where every value came from', () => {
      const path = file('deploy.json', {
        logLevel: 'warn',
        risk: { priceThreshold: 0.9, positionSize: 5, maxPositions: 3 },
        dashboard: { port: 9100 },
      });
      const { config, sources } = load({
        flags: { config: path, logLevel: 'debug' },
        env: { PRICE_THRESHOLD: '0.93', LOG_LEVEL: 'error', DASHBOARD_PORT: '9200' },
      });
      expect(config.risk.maxPositions).to.equal(3); // file only
      expect(config.risk.positionSize).to.equal(5); // file only
      expect(config.risk.priceThreshold).to.equal(0.93); // env over file
      expect(config.dashboard.port).to.equal(9200); // env over file
      expect(config.logLevel).to.equal('debug'); // flag over env over file
      expect(config.risk.minBalanceReserve).to.equal(100); // default
      expect(sources.configFile).to.equal(path);
      expect(sources.values).to.include({
        'risk.maxPositions': `file:${path}`,
        'risk.priceThreshold': 'env:PRICE_THRESHOLD',
        'dashboard.port': 'env:DASHBOARD_PORT',
        logLevel: 'flag:--log-level',
      });
      expect(sources.values).not.to.have.property('risk.minBalanceReserve');
    });

    it('maps DRY_RUN to the mode and lets --dry-run override DRY_RUN=false', () => {
      file('polymarket_api_creds.json', CREDS);
      expect(load({ env: { DRY_RUN: 'false' } }).config.mode).to.equal('live');
      expect(load({ env: { DRY_RUN: 'no' } }).config.mode).to.equal('live');
      expect(load({ env: { DRY_RUN: 'TRUE' } }).config.mode).to.equal('dry-run');
      const flagged = load({ env: { DRY_RUN: 'false' }, flags: { dryRun: true } });
      expect(flagged.config.mode).to.equal('dry-run');
      expect(flagged.sources.values.mode).to.equal('flag:--dry-run');
      expect(load({ flags: { live: true } }).config.mode).to.equal('live');
    });

    it('reads every variable of the seed table into its key', () => {
      const { config } = load({
        env: {
          DATABASE_URL: 'postgres://bot:pw@db.internal:5432/polybot',
          POLYBOT_DATA_DIR: '/var/lib/polybot',
          PRICE_THRESHOLD: '0.96',
          POSITION_SIZE: '25.5',
          MAX_POSITIONS: '7',
          MIN_BALANCE_RESERVE: '0',
          PROFIT_TARGET: '0.98',
          STOP_LOSS: '0.8',
          MIN_HOLD_DAYS: '2.5',
          LOG_LEVEL: 'WARNING',
          DASHBOARD_ENABLED: 'off',
          DASHBOARD_HOST: 'localhost',
          DASHBOARD_PORT: '0',
          REQUIRE_APPROVAL: '1',
          POLYMARKET_CLOB_URL: 'http://127.0.0.1:1/',
          POLYMARKET_WS_URL: 'ws://127.0.0.1:1/ws/market',
          POLYMARKET_GAMMA_URL: 'http://127.0.0.1:2',
          POLYMARKET_DATA_URL: 'http://127.0.0.1:3',
          POLYMARKET_CREDS_FILE: 'elsewhere/creds.json',
        },
      });
      expect(config.database).to.include({
        url: 'postgres://bot:pw@db.internal:5432/polybot',
        dataDir: '/var/lib/polybot',
      });
      expect(config.risk).to.include({
        priceThreshold: 0.96,
        positionSize: 25.5,
        maxPositions: 7,
        minBalanceReserve: 0,
      });
      expect(config.exits).to.deep.equal({ profitTarget: 0.98, stopLoss: 0.8, minHoldDays: 2.5 });
      expect(config.logLevel).to.equal('warn');
      expect(config.dashboard).to.deep.equal({ enabled: false, host: 'localhost', port: 0 });
      expect(config.approval.required).to.equal(true);
      expect(config.polymarket).to.include({
        clobUrl: 'http://127.0.0.1:1/',
        wsUrl: 'ws://127.0.0.1:1/ws/market',
        gammaUrl: 'http://127.0.0.1:2',
        dataUrl: 'http://127.0.0.1:3',
        credsFile: 'elsewhere/creds.json',
      });
    });

    it('treats blank variables as unset', () => {
      const { config } = load({ env: { PRICE_THRESHOLD: '  ', DASHBOARD_API_KEY: '', LOG_LEVEL: '' } });
      expect(config.risk.priceThreshold).to.equal(0.95);
      expect(config.logLevel).to.equal('info');
    });

    it('reads the config file named by POLYBOT_CONFIG, unless --config names another', () => {
      const a = file('a.json', { risk: { maxPositions: 1 } });
      const b = file('b.json', { risk: { maxPositions: 2 } });
      expect(load({ env: { POLYBOT_CONFIG: a } }).config.risk.maxPositions).to.equal(1);
      expect(load({ env: { POLYBOT_CONFIG: a }, flags: { config: b } }).config.risk.maxPositions).to.equal(2);
    });

    it('resolves a relative config path against cwd', () => {
      file('rel.json', { risk: { maxPositions: 4 } });
      expect(load({ flags: { config: 'rel.json' } }).config.risk.maxPositions).to.equal(4);
    });

    it('lets the caller force the mode over every layer (the demo)', () => {
      expect(load({ env: { DRY_RUN: 'false' }, mode: 'dry-run' }).config.mode).to.equal('dry-run');
    });
  });

  describe('strategies', () => {
    it('feeds PRICE_THRESHOLD and POSITION_SIZE into the default strategy unless its params set them', () => {
      expect(load({ env: { PRICE_THRESHOLD: '0.9', POSITION_SIZE: '30' } }).config.strategies).to.deep.equal([
        { package: 'high_prob_yes', params: { priceThreshold: 0.9, positionSize: 30 } },
      ]);
      const path = file('s.json', {
        strategies: [{ package: 'high_prob_yes', params: { priceThreshold: 0.97, maxPrice: 0.985 } }],
      });
      expect(
        load({ flags: { config: path }, env: { PRICE_THRESHOLD: '0.9', POSITION_SIZE: '30' } }).config
          .strategies,
      ).to.deep.equal([
        { package: 'high_prob_yes', params: { priceThreshold: 0.97, positionSize: 30, maxPrice: 0.985 } },
      ]);
    });

    it('leaves the params of other strategies alone', () => {
      const { config } = load({ flags: { strategies: ['@acme/strategy-x'] } });
      expect(config.strategies).to.deep.equal([{ package: '@acme/strategy-x' }]);
    });

    it('replaces the configured list with STRATEGY_NAME, keeping a matching entry', () => {
      const path = file('s.json', {
        strategies: [
          { package: 'high_prob_yes', params: { maxPrice: 0.98 } },
          { package: '@acme/strategy-x', name: 'x', budgetMs: 20 },
        ],
      });
      const byName = load({ flags: { config: path }, env: { STRATEGY_NAME: 'x' } });
      expect(byName.config.strategies).to.deep.equal([
        { package: '@acme/strategy-x', name: 'x', budgetMs: 20 },
      ]);
      expect(byName.sources.values.strategies).to.equal('env:STRATEGY_NAME');
      const other = load({ flags: { config: path }, env: { STRATEGY_NAME: 'other_one' } });
      expect(other.config.strategies).to.deep.equal([{ package: 'other_one' }]);
    });

    it('lets repeated --strategy flags replace STRATEGY_NAME and the file', () => {
      const path = file('s.json', { strategies: [{ package: '@acme/strategy-x', params: { k: 1 } }] });
      const { config, sources } = load({
        flags: { config: path, strategies: ['@acme/strategy-x', './local/strategy'] },
        env: { STRATEGY_NAME: 'high_prob_yes' },
      });
      expect(config.strategies).to.deep.equal([
        { package: '@acme/strategy-x', params: { k: 1 } },
        { package: './local/strategy' },
      ]);
      expect(sources.values.strategies).to.equal('flag:--strategy');
    });

    it('rejects the same strategy instance twice', () => {
      const problems = problemsOf({ flags: { strategies: ['a', 'a'] } });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/instance name "a" is used twice/);
    });
  });

  describe('validation', () => {
    it('reports every problem of a config file at once, each with its JSON path', () => {
      const path = file('bad.json', {
        mode: 'paper',
        risk: { priceThreshold: 1.5, positonSize: 3 },
        dashboard: { port: 'x' },
        strategies: [{ params: {} }],
        extra: true,
      });
      const problems = problemsOf({ flags: { config: path } });
      expect(problems).to.have.length(6);
      expect(problems).to.include(`${path} /mode: must be one of "dry-run", "live"`);
      expect(problems).to.include(`${path} /risk/priceThreshold: must be < 1`);
      expect(problems).to.include(`${path} /dashboard/port: must be integer`);
      expect(problems).to.include(`${path} /strategies/0: missing required key "package"`);
      expect(
        problems.find((p) => p.startsWith(`${path} /risk/positonSize: unknown key "positonSize"`)),
      ).to.match(/did you mean "positionSize"/);
      expect(problems.find((p) => p.startsWith(`${path} /extra: unknown key "extra"`))).to.be.a('string');
    });

    it('puts the problem count and every problem in the error message', () => {
      const path = file('bad.json', { mode: 'paper', logLevel: 'loud' });
      expect(() => load({ flags: { config: path } }))
        .to.throw(ConfigError, /invalid configuration \(2 problems\)/)
        .with.property('message')
        .that.matches(/\/mode/)
        .and.matches(/\/logLevel/);
    });

    it('rejects unknown keys at every level, including inside a strategy entry', () => {
      const path = file('bad.json', { strategies: [{ package: 'x', parms: {} }], filters: { weather: [] } });
      const problems = problemsOf({ flags: { config: path } });
      expect(problems).to.have.length(2);
      expect(problems[0]).to.match(/\/strategies\/0\/parms: unknown key "parms" \(did you mean "params"\?\)/);
      expect(problems[1]).to.match(/\/filters\/weather: unknown key "weather"/);
    });

    it('accepts the $schema key editors use', () => {
      const path = file('ok.json', { $schema: './schema.json', risk: { maxPositions: 9 } });
      expect(load({ flags: { config: path } }).config.risk.maxPositions).to.equal(9);
    });

    it('names a missing, unreadable or malformed config file', () => {
      expect(problemsOf({ flags: { config: 'nope.json' } })).to.deep.equal([
        'config file nope.json does not exist',
      ]);
      const broken = file('broken.json', '{ "mode": "live",\n  "risk": { ] }');
      expect(problemsOf({ flags: { config: broken } })[0]).to.match(
        /^config file .*broken\.json is not valid JSON/,
      );
      const list = file('list.json', '[1, 2]');
      expect(problemsOf({ flags: { config: list } })).to.deep.equal([
        `config file ${list} must hold a JSON object`,
      ]);
    });

    it('refuses a database password in a config file', () => {
      const path = file('db.json', { database: { url: 'postgres://bot:hunter2hunter2@db/polybot' } });
      const problems = problemsOf({ flags: { config: path } });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/\/database\/url: must not contain a password/);
      expect(problems[0]).not.to.include('hunter2');
      // Without a password (PGPASSWORD or .pgpass supply it) the URL is fine.
      const ok = file('db-ok.json', { database: { url: 'postgres://bot@db/polybot' } });
      expect(load({ flags: { config: ok } }).config.database.url).to.equal('postgres://bot@db/polybot');
    });

    it('validates environment values and names the variable', () => {
      const problems = problemsOf({
        env: {
          PRICE_THRESHOLD: 'abc',
          POSITION_SIZE: '-5',
          MAX_POSITIONS: '2.5',
          DASHBOARD_PORT: '70000',
          DRY_RUN: 'maybe',
          LOG_LEVEL: 'verbose',
          POLYMARKET_CLOB_URL: 'not a url',
          POLYMARKET_WS_URL: 'https://x',
          DATABASE_URL: 'mysql://u:secretpw@h/db',
        },
      });
      expect(problems).to.have.members([
        'environment DRY_RUN="maybe": must be true or false (also 1/0, yes/no, on/off)',
        'environment PRICE_THRESHOLD="abc": must be a number',
        'environment POSITION_SIZE="-5": must be > 0',
        'environment MAX_POSITIONS="2.5": must be integer',
        'environment LOG_LEVEL="verbose": must be one of "error", "warn", "info", "debug"',
        'environment DASHBOARD_PORT="70000": must be <= 65535',
        'environment POLYMARKET_CLOB_URL="not a url": must be a valid URL',
        'environment POLYMARKET_WS_URL="https://x": must be a URL starting with wss:// or ws://',
        'environment DATABASE_URL="mysql://u:****@h/db": must be a URL starting with postgres:// or postgresql://',
      ]);
    });

    it('reports file, environment and flag problems together', () => {
      const path = file('bad.json', { mode: 'paper' });
      const problems = problemsOf({
        flags: { config: path, dryRun: true, live: true, logLevel: 'loud' },
        env: { STOP_LOSS: 'x' },
      });
      expect(problems).to.have.length(4);
      expect(problems).to.include('flags --dry-run and --live cannot be combined');
      expect(problems).to.include('flag --log-level "loud": must be one of error, warn, info, debug');
    });

    it('checks rules that span keys, naming where each value came from', () => {
      const problems = problemsOf({ env: { STOP_LOSS: '0.99', PROFIT_TARGET: '0.95' } });
      expect(problems).to.deep.equal([
        'exits.stopLoss (0.99, from STOP_LOSS) must be below exits.profitTarget (0.95, from PROFIT_TARGET)',
      ]);
      const path = file('p.json', {
        plugins: { defaultBudgetMs: 500, hardLimitMs: 100 },
        ingestion: { pingIntervalSeconds: 30, silentFeedSeconds: 20 },
        strategies: [{ package: 'x', budgetMs: 200 }],
      });
      const more = problemsOf({ flags: { config: path } });
      expect(more).to.have.length(3);
      expect(more.join('\n'))
        .to.match(/hardLimitMs/)
        .and.match(/pingIntervalSeconds/)
        .and.match(/budgetMs \(200\)/);
    });

    it('refuses a non-loopback dashboard without DASHBOARD_API_KEY', () => {
      const problems = problemsOf({ env: { DASHBOARD_HOST: '0.0.0.0' } });
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(
        /dashboard\.host 0\.0\.0\.0 \(from DASHBOARD_HOST\) is not a loopback address/,
      );
      const key = 'k'.repeat(32);
      expect(
        load({ env: { DASHBOARD_HOST: '0.0.0.0', DASHBOARD_API_KEY: key } }).secrets.dashboardApiKey,
      ).to.equal(key);
      // Disabled dashboard: nothing is bound, nothing to refuse.
      expect(() => load({ env: { DASHBOARD_HOST: '0.0.0.0', DASHBOARD_ENABLED: 'false' } })).not.to.throw();
    });
  });

  describe('secrets', () => {
    it('come from the environment and never from the config file', () => {
      const path = file('s.json', { dashboard: { apiKey: 'x'.repeat(20) } });
      expect(problemsOf({ flags: { config: path } })[0]).to.match(/\/dashboard\/apiKey: unknown key/);
      const { secrets } = load({
        env: {
          DASHBOARD_API_KEY: 'dashboard-key-0123456789',
          TELEGRAM_BOT_TOKEN: '123456:ABCdef_ghi-JKL',
          TELEGRAM_CHAT_ID: '-1001234',
          PRIVATE_KEY: 'cd'.repeat(32),
        },
      });
      expect(secrets).to.deep.equal({
        dashboardApiKey: 'dashboard-key-0123456789',
        telegramBotToken: '123456:ABCdef_ghi-JKL',
        telegramChatId: '-1001234',
        privateKey: `0x${'cd'.repeat(32)}`,
        polymarketCreds: null,
      });
    });

    it('are validated without quoting their values', () => {
      const problems = problemsOf({
        env: {
          DASHBOARD_API_KEY: 'short-key',
          TELEGRAM_BOT_TOKEN: 'not-a-token',
          PRIVATE_KEY: 'zz-not-a-key',
        },
      });
      expect(problems).to.have.members([
        'environment DASHBOARD_API_KEY: must be at least 16 characters',
        'environment TELEGRAM_BOT_TOKEN: must look like <bot id>:<secret> as issued by @BotFather',
        'environment TELEGRAM_BOT_TOKEN is set but TELEGRAM_CHAT_ID is not; Telegram alerts need both',
        'environment PRIVATE_KEY: must be 64 hex digits, optionally 0x-prefixed',
      ]);
      for (const problem of problems) expect(problem).not.to.match(/short-key|not-a-token|zz-not-a-key/);
    });

    it('load the creds file and take the private key from it unless PRIVATE_KEY is set', () => {
      file('polymarket_api_creds.json', CREDS);
      const fromFile = load();
      expect(fromFile.secrets.polymarketCreds).to.deep.equal(CREDS);
      expect(fromFile.secrets.privateKey).to.equal(PRIVATE_KEY);
      expect(fromFile.sources.credsFile).to.deep.equal({
        path: join(dir, 'polymarket_api_creds.json'),
        status: 'loaded',
      });
      const fromEnv = load({ env: { PRIVATE_KEY: `0x${'ef'.repeat(32)}` } });
      expect(fromEnv.secrets.privateKey).to.equal(`0x${'ef'.repeat(32)}`);
    });

    it('read the creds file named by POLYMARKET_CREDS_FILE', () => {
      file('other-creds.json', { ...CREDS, private_key: undefined });
      const { secrets } = load({ env: { POLYMARKET_CREDS_FILE: 'other-creds.json' } });
      expect(secrets.polymarketCreds?.api_key).to.equal(CREDS.api_key);
      expect(secrets.privateKey).to.equal(null);
    });

    it('report a malformed creds file even in dry-run', () => {
      file('polymarket_api_creds.json', { api_key: 'k' });
      const problems = problemsOf({});
      expect(problems).to.have.length(2);
      expect(problems[0]).to.match(
        /creds file .*polymarket_api_creds\.json \/: missing required key "api_secret"/,
      );
    });

    it('warn when the creds file is readable by other users, and when its chain differs', () => {
      const path = file('polymarket_api_creds.json', { ...CREDS, chain_id: 80002 });
      chmodSync(path, 0o644);
      const { warnings } = load();
      expect(warnings).to.have.length(2);
      expect(warnings[0]).to.match(/readable by other users \(mode 644\); run chmod 600/);
      expect(warnings[1]).to.match(/chain_id 80002 but polymarket.chainId is 137/);
    });
  });

  describe('live mode', () => {
    it('needs the creds file and a signing key', () => {
      const problems = problemsOf({ flags: { live: true } });
      expect(problems).to.have.length(2);
      expect(problems[0]).to.match(
        /^live mode needs Polymarket API credentials: creds file .* does not exist/,
      );
      expect(problems[1]).to.match(/^live mode needs a signing key: set PRIVATE_KEY or private_key in/);
    });

    it('accepts a valid creds file with a private key', () => {
      file('polymarket_api_creds.json', CREDS);
      expect(load({ env: { DRY_RUN: 'false' } }).config.mode).to.equal('live');
    });

    it('accepts creds without a private key when PRIVATE_KEY is set', () => {
      file('polymarket_api_creds.json', { api_key: 'a', api_secret: 'b', api_passphrase: 'c' });
      expect(() => load({ flags: { live: true } })).to.throw(ConfigError, /signing key/);
      expect(load({ flags: { live: true }, env: { PRIVATE_KEY: PRIVATE_KEY } }).secrets.privateKey).to.equal(
        PRIVATE_KEY,
      );
    });
  });
});

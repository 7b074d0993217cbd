import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import type { EngineConfig, Secrets } from '../config/index.js';
import { FatalError } from '../errors.js';
import { processSecrets } from '../monitoring/index.js';
import type { CliActions, CommandContext, DemoOptions, RunningCommand } from './actions.js';
import { pendingActions } from './pending-actions.js';
import { ExitCode, runCli, type CliIo } from './program.js';
import { FORCED_EXIT_CODES, ShutdownSignals, type ShutdownSignal } from './signals.js';

class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

class FakeIo implements CliIo {
  readonly stdout = new Capture();
  readonly stderr = new Capture();
  readonly signals = new EventEmitter();
  readonly exits: number[] = [];
  constructor(
    readonly cwd: string,
    readonly env: Record<string, string | undefined> = {},
  ) {}
  exit = (code: number): void => void this.exits.push(code);
  send(signal: ShutdownSignal): void {
    this.signals.emit(signal);
  }
}

/** A controllable long-running command. */
class FakeRun implements RunningCommand {
  stops = 0;
  private resolveFinished: () => void = () => undefined;
  private rejectFinished: (e: Error) => void = () => undefined;
  readonly finished = new Promise<void>((resolve, reject) => {
    this.resolveFinished = resolve;
    this.rejectFinished = reject;
  });
  constructor(private readonly stopResult: 'ok' | 'fail' = 'ok') {}
  stop(): Promise<void> {
    this.stops++;
    if (this.stopResult === 'fail') return Promise.reject(new Error('flush failed'));
    this.resolveFinished();
    return Promise.resolve();
  }
  endByItself(): void {
    this.resolveFinished();
  }
  crash(error: Error): void {
    this.rejectFinished(error);
  }
}

/** Records what each action was asked; the engine behind them is the lead's composition root. */
class RecordingActions implements CliActions {
  calls: { name: string; args: unknown[] }[] = [];
  handle = new FakeRun();
  runImpl: (ctx: CommandContext) => Promise<RunningCommand> = () => Promise.resolve(this.handle);

  run(config: EngineConfig, secrets: Secrets, ctx: CommandContext): Promise<RunningCommand> {
    this.calls.push({ name: 'run', args: [config, secrets] });
    return this.runImpl(ctx);
  }
  async migrate(config: EngineConfig) {
    this.calls.push({ name: 'migrate', args: [config] });
    return { applied: ['0001_init.sql', '0002_orders.sql'] };
  }
  async listStrategies(config: EngineConfig) {
    this.calls.push({ name: 'listStrategies', args: [config] });
    return [
      {
        name: 'high_prob_yes',
        version: '1.0.0',
        package: '@polybot/strategy-high-prob-yes',
        source: 'first-party' as const,
        apiVersion: 1,
        loadable: true,
      },
      {
        name: '@acme/x',
        package: '@acme/x',
        source: 'plugins-dir' as const,
        loadable: false,
        problem: 'targets SDK API 2',
      },
    ];
  }
  async addPlugin(spec: string, config: EngineConfig) {
    this.calls.push({ name: 'addPlugin', args: [spec, config] });
    return { name: '@acme/x', version: '1.2.3', dir: config.plugins.dir };
  }
  async initStrategy(dir: string, opts: object) {
    this.calls.push({ name: 'initStrategy', args: [dir, opts] });
    return { dir, files: ['package.json', 'src/index.ts'] };
  }
  async demo(opts: DemoOptions) {
    this.calls.push({ name: 'demo', args: [opts] });
    return this.handle;
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('polybot CLI (in-process)', () => {
  let dir: string;
  let io: FakeIo;
  let actions: RecordingActions;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'polybot-cli-'));
    io = new FakeIo(dir);
    actions = new RecordingActions();
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    processSecrets.clear();
  });

  describe('run', () => {
    it('is the default command and hands the effective config and secrets to the engine', async () => {
      io.env.PRICE_THRESHOLD = '0.9';
      io.env.DASHBOARD_API_KEY = 'a-dashboard-key-of-20';
      actions.handle.endByItself();
      const code = await runCli(['--strategy', 'high_prob_yes', '--log-level', 'error'], actions, io);
      expect(code).to.equal(ExitCode.Ok);
      const [config, secrets] = actions.calls[0]?.args as [EngineConfig, Secrets];
      expect(actions.calls[0]?.name).to.equal('run');
      expect(config.risk.priceThreshold).to.equal(0.9);
      expect(config.logLevel).to.equal('error');
      expect(secrets.dashboardApiKey).to.equal('a-dashboard-key-of-20');
      expect(await runCli(['run'], actions, io)).to.equal(ExitCode.Ok);
    });

    it('stops gracefully on the first signal and exits 0', async () => {
      const done = runCli([], actions, io);
      await flush();
      io.send('SIGTERM');
      expect(await done).to.equal(ExitCode.Ok);
      expect(actions.handle.stops).to.equal(1);
      expect(io.exits).to.deep.equal([]);
      expect(io.stderr.text).to.match(/received SIGTERM: stopping gracefully/);
      expect(io.signals.listenerCount('SIGTERM')).to.equal(0);
    });

    it('exits at once on the second signal with 128 + the signal number', async () => {
      let finishStop: () => void = () => undefined;
      actions.handle.stop = () => {
        actions.handle.stops++;
        return new Promise<void>((resolve) => (finishStop = resolve)); // a stop still flushing
      };
      const done = runCli([], actions, io);
      await flush();
      io.send('SIGINT');
      io.send('SIGINT');
      expect(io.exits).to.deep.equal([FORCED_EXIT_CODES.SIGINT]);
      expect(io.exits).to.deep.equal([130]);
      expect(actions.handle.stops).to.equal(1);
      finishStop();
      actions.handle.endByItself();
      expect(await done).to.equal(ExitCode.Ok);
    });

    it('stops right after startup when the signal came during startup', async () => {
      let release: () => void = () => undefined;
      actions.runImpl = () => new Promise((resolve) => (release = () => resolve(actions.handle)));
      const done = runCli([], actions, io);
      await flush();
      io.send('SIGINT');
      release();
      expect(await done).to.equal(ExitCode.Ok);
      expect(actions.handle.stops).to.equal(1);
    });

    it('exits 0 when a startup gives up because of the signal', async () => {
      actions.runImpl = (ctx) =>
        new Promise((_resolve, reject) =>
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)),
        );
      const done = runCli([], actions, io);
      await flush();
      io.send('SIGTERM');
      expect(await done).to.equal(ExitCode.Ok);
      expect(io.stderr.text).to.match(/stopped during startup after SIGTERM/);
    });

    it('exits 1 when the engine fails to start, fails while running, or fails to stop', async () => {
      actions.runImpl = () => Promise.reject(new FatalError('db', 'cannot reach postgres://u:****@h/db'));
      expect(await runCli([], actions, io)).to.equal(ExitCode.Failure);
      expect(io.stderr.text).to.match(/polybot failed: cannot reach postgres/);

      actions = new RecordingActions();
      const crashing = runCli([], actions, io);
      await flush();
      actions.handle.crash(new Error('feed down for good'));
      expect(await crashing).to.equal(ExitCode.Failure);

      actions = new RecordingActions();
      actions.handle = new FakeRun('fail');
      const stopping = runCli([], actions, io);
      await flush();
      io.send('SIGTERM');
      actions.handle.endByItself();
      expect(await stopping).to.equal(ExitCode.Failure);
      expect(io.stderr.text).to.match(/flush failed/);
    });

    it('exits 2 on a bad config, listing every problem, before starting anything', async () => {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ mode: 'paper', risk: { positonSize: 1 } }));
      io.env.PRICE_THRESHOLD = 'high';
      const code = await runCli(['--config', 'bad.json'], actions, io);
      expect(code).to.equal(ExitCode.Usage);
      expect(io.stderr.text).to.match(/invalid configuration \(3 problems\)/);
      expect(io.stderr.text).to.include('bad.json /mode: must be one of "dry-run", "live"');
      expect(io.stderr.text).to.include('environment PRICE_THRESHOLD="high": must be a number');
      expect(actions.calls).to.deep.equal([]);
    });
  });

  describe('usage', () => {
    it('exits 2 on commander errors', async () => {
      for (const argv of [
        ['--bogus'],
        ['--live', '--dry-run'],
        ['--log-level', 'loud'],
        ['run', 'extra'],
        ['plugins'],
        ['config', 'nope'],
        ['demo', '--duration', '-1'],
      ]) {
        const io2 = new FakeIo(dir);
        expect(await runCli(argv, actions, io2), argv.join(' ')).to.equal(ExitCode.Usage);
        expect(io2.stderr.text, argv.join(' ')).not.to.equal('');
      }
      expect(actions.calls).to.deep.equal([]);
    });

    it('documents every command and flag in --help, and exits 0', async () => {
      expect(await runCli(['--help'], actions, io)).to.equal(ExitCode.Ok);
      for (const word of [
        'run',
        'migrate',
        'strategies',
        'plugins',
        'init-strategy',
        'config',
        'demo',
        '--config <file>',
        '--strategy <spec>',
        '--dry-run',
        '--live',
        '--log-level <level>',
        'DASHBOARD_API_KEY',
        'Exit codes',
      ])
        expect(io.stdout.text).to.include(word);
      const sub = new FakeIo(dir);
      expect(await runCli(['plugins', 'add', '--help'], actions, sub)).to.equal(ExitCode.Ok);
      expect(sub.stdout.text)
        .to.match(/Usage: polybot plugins add \[options\] <spec>/)
        .and.include('--strategy <spec>');
    });

    it('prints the version', async () => {
      expect(await runCli(['--version'], actions, io)).to.equal(ExitCode.Ok);
      expect(io.stdout.text).to.match(/^\d+\.\d+\.\d+\n$/);
    });
  });

  describe('commands', () => {
    it('migrate reports what it applied', async () => {
      expect(await runCli(['migrate'], actions, io)).to.equal(ExitCode.Ok);
      expect(io.stdout.text).to.equal('applied 2 migrations:\n  0001_init.sql\n  0002_orders.sql\n');
    });

    it('strategies prints a table or JSON', async () => {
      expect(await runCli(['strategies'], actions, io)).to.equal(ExitCode.Ok);
      expect(io.stdout.text.split('\n')[0]).to.match(/^NAME +VERSION +SOURCE +PACKAGE +STATUS$/);
      expect(io.stdout.text).to.include('not loadable: targets SDK API 2');
      const json = new FakeIo(dir);
      await runCli(['strategies', '--json'], actions, json);
      expect(JSON.parse(json.stdout.text)).to.have.length(2);
    });

    it('plugins add installs into the configured plugins folder', async () => {
      expect(await runCli(['plugins', 'add', '@acme/x@^1'], actions, io)).to.equal(ExitCode.Ok);
      expect(actions.calls[0]?.args[0]).to.equal('@acme/x@^1');
      expect(io.stdout.text).to.equal('installed @acme/x@1.2.3 into ./.polybot/plugins\n');
    });

    it('init-strategy does not need a valid deployment config', async () => {
      io.env.PRICE_THRESHOLD = 'not a number';
      expect(
        await runCli(['init-strategy', 'my-strategy', '--name', '@me/s', '--force'], actions, io),
      ).to.equal(ExitCode.Ok);
      expect(actions.calls[0]?.args).to.deep.equal(['my-strategy', { name: '@me/s', force: true }]);
      expect(io.stdout.text).to.include('created a strategy package in my-strategy');
    });

    it('demo runs the bundled demo config in dry-run, whatever DRY_RUN says', async () => {
      io.env.DRY_RUN = 'false';
      actions.handle.endByItself();
      expect(await runCli(['demo', '--duration', '30'], actions, io)).to.equal(ExitCode.Ok);
      const opts = actions.calls[0]?.args[0] as DemoOptions;
      expect(opts.config.mode).to.equal('dry-run');
      expect(opts.config.database.dataDir).to.equal('./.polybot/demo');
      expect(opts.durationSeconds).to.equal(30);
      expect(await runCli(['demo', '--live'], actions, new FakeIo(dir))).to.equal(ExitCode.Usage);
    });

    it('the pending actions fail loudly with exit 1 until the engine is wired', async () => {
      expect(await runCli(['migrate'], pendingActions, io)).to.equal(ExitCode.Failure);
      expect(io.stderr.text).to.include('`polybot migrate` is not wired to the engine in this build');
    });
  });

  describe('config show', () => {
    it('prints the effective config with secrets masked and their sources', async () => {
      writeFileSync(
        join(dir, 'deploy.json'),
        JSON.stringify({ risk: { maxPositions: 3, priceThreshold: 0.9 } }),
      );
      writeFileSync(
        join(dir, 'polymarket_api_creds.json'),
        JSON.stringify({
          api_key: 'api-key-1234567',
          api_secret: 'api-secret-abcdefg',
          api_passphrase: 'passphrase-hijklmn',
        }),
      );
      io.env.PRICE_THRESHOLD = '0.92';
      io.env.DATABASE_URL = 'postgres://bot:db-secret-pw@db/polybot';
      io.env.TELEGRAM_BOT_TOKEN = '42:telegram-token-value';
      io.env.TELEGRAM_CHAT_ID = '4242';
      io.env.PRIVATE_KEY = 'ab'.repeat(32);
      expect(await runCli(['config', 'show', '--config', 'deploy.json', '--live'], actions, io)).to.equal(
        ExitCode.Ok,
      );
      const shown = JSON.parse(io.stdout.text) as {
        config: EngineConfig;
        secrets: Record<string, unknown>;
        sources: { values: Record<string, string> };
      };
      expect(shown.config.mode).to.equal('live');
      expect(shown.config.risk).to.include({ maxPositions: 3, priceThreshold: 0.92 });
      expect(shown.config.database.url).to.equal('postgres://bot:****@db/polybot');
      expect(shown.sources.values).to.include({
        mode: 'flag:--live',
        'risk.priceThreshold': 'env:PRICE_THRESHOLD',
        'risk.maxPositions': 'file:deploy.json',
      });
      for (const secret of [
        'db-secret-pw',
        'telegram-token-value',
        'ab'.repeat(32),
        'api-secret-abcdefg',
        'passphrase-hijklmn',
        'api-key-1234567',
      ])
        expect(io.stdout.text).not.to.include(secret);
      expect(shown.secrets.telegramChatId).to.equal('4242');
      expect(actions.calls).to.deep.equal([]);
    });
  });
});

describe('ShutdownSignals', () => {
  it('runs the stop handlers on the first signal and force-exits on the second', () => {
    const source = new EventEmitter();
    const exits: number[] = [];
    const notes: string[] = [];
    const signals = new ShutdownSignals(
      source,
      (c) => void exits.push(c),
      (m) => void notes.push(m),
    ).install();
    const seen: string[] = [];
    signals.onFirst((s) => seen.push(s));
    source.emit('SIGTERM');
    expect(signals.signal.aborted).to.equal(true);
    expect(signals.first).to.equal('SIGTERM');
    expect(seen).to.deep.equal(['SIGTERM']);
    signals.onFirst((s) => seen.push(`late ${s}`));
    expect(seen).to.deep.equal(['SIGTERM', 'late SIGTERM']);
    source.emit('SIGTERM');
    expect(exits).to.deep.equal([FORCED_EXIT_CODES.SIGTERM]);
    signals.uninstall();
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).to.equal(0);
    expect(notes).to.have.length(2);
  });
});

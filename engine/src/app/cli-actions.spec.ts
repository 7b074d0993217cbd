import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CommandContext } from '../cli/actions.js';
import { NO_SECRETS, testConfig, type EngineConfig } from '../config/index.js';
import { ConfigError, DatabaseError } from '../errors.js';
import { createSilentLogger, MetricsRegistry, type ProgressReporter } from '../monitoring/index.js';
import { createTestDatabase, type TestDatabase } from '../storage/testing/index.js';
import { engineActions, startRunning } from './cli-actions.js';

class RecordingProgress implements ProgressReporter {
  readonly steps: string[] = [];
  step(name: string, detail?: string): void {
    this.steps.push(detail === undefined ? name : `${name}: ${detail}`);
  }
  done(summary?: string): void {
    this.steps.push(`done${summary === undefined ? '' : `: ${summary}`}`);
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('app: engineActions (what the CLI commands do)', function () {
  this.timeout(30_000);
  let root: string;
  let progress: RecordingProgress;
  let ctx: CommandContext;
  let config: EngineConfig;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'polybot-app-cli-'));
    progress = new RecordingProgress();
    ctx = { logger: createSilentLogger(), progress, signal: new AbortController().signal };
    config = testConfig({ plugins: { dir: join(root, 'plugins') } });
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  describe('initStrategy', () => {
    it('scaffolds a strategy package, its name derived from the folder', async () => {
      const dir = join(root, 'polybot-strategy-Momentum.Fade');
      const result = await engineActions.initStrategy(dir, {}, ctx);
      expect(result.dir).to.equal(dir);
      expect(result.files).to.include('package.json');
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string };
      expect(pkg.name).to.equal('polybot-strategy-momentum-fade');
      const sources = result.files.map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
      expect(sources).to.include("name: 'momentum_fade'");
    });

    it('takes the name it is given over the folder name', async () => {
      const dir = join(root, 'anything');
      await engineActions.initStrategy(dir, { name: 'late_entry' }, ctx);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string };
      expect(pkg.name).to.equal('polybot-strategy-late-entry');
    });

    it('refuses a non-empty folder as a configuration error unless forced', async () => {
      const dir = join(root, 'busy');
      mkdirSync(dir);
      writeFileSync(join(dir, 'notes.txt'), 'mine');
      const error = await rejection(engineActions.initStrategy(dir, {}, ctx));
      expect(error).to.be.an.instanceOf(ConfigError);
      expect((error as ConfigError).message).to.match(/is not empty/);
      expect((error as ConfigError).problems).to.have.length(1);
      const forced = await engineActions.initStrategy(dir, { force: true }, ctx);
      expect(forced.files).to.include('package.json');
      expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).to.equal('mine');
    });

    it('reports a folder name that makes no valid strategy name as a configuration error', async () => {
      const error = await rejection(engineActions.initStrategy(join(root, '.hidden'), {}, ctx));
      expect(error).to.be.an.instanceOf(ConfigError);
      expect(String((error as Error).message)).to.match(/_hidden/);
    });
  });

  describe('listStrategies', () => {
    it('lists the first-party default strategy as loadable', async () => {
      const listed = await engineActions.listStrategies(config, ctx);
      expect(listed.find((s) => s.name === 'high_prob_yes')).to.deep.include({
        package: '@polybot/strategy-high-prob-yes',
        source: 'first-party',
        loadable: true,
        version: '1.0.0',
      });
      for (const entry of listed) if (entry.loadable) expect(entry).to.not.have.property('problem');
    });
  });

  describe('addPlugin', () => {
    it('reports a local path that does not exist as a configuration error, naming it', async () => {
      const missing = join(root, 'no-such-strategy');
      const error = await rejection(engineActions.addPlugin(missing, config, ctx));
      expect(error).to.be.an.instanceOf(ConfigError);
      expect((error as ConfigError).message).to.include(missing);
      expect((error as ConfigError).problems).to.deep.equal([(error as ConfigError).message]);
      expect(progress.steps[0]).to.match(/^install: /);
    });
  });

  describe('migrate', () => {
    let fresh: TestDatabase;

    beforeEach(async () => {
      fresh = await createTestDatabase({ backend: 'postgres', migrate: false });
    });

    afterEach(async () => {
      await fresh.dispose();
    });

    it('applies the migrations to the configured database once', async () => {
      const target = testConfig({ database: { url: fresh.url } });
      const first = await engineActions.migrate(target, ctx);
      expect(first.applied).to.have.length.greaterThan(0);
      expect(first.applied[0]).to.match(/^0001_.*\.sql$/);
      expect(await engineActions.migrate(target, ctx)).to.deep.equal({ applied: [] });
      expect(progress.steps[0]).to.equal('database: PostgreSQL');
      const tables = await fresh.database.db.many<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      expect(tables.map((t) => t.name)).to.include.members(['orders', 'triggers', 'strategy_decisions']);
    });

    it('fails with a database error naming the (masked) URL when the database cannot be reached', async () => {
      const target = testConfig({ database: { url: 'postgres://polybot:hunter2@127.0.0.1:1/none' } });
      const error = await rejection(engineActions.migrate(target, ctx));
      expect(error).to.be.an.instanceOf(DatabaseError);
      expect(String((error as Error).message))
        .to.include('127.0.0.1:1')
        .and.not.include('hunter2');
    });
  });

  describe('startRunning', () => {
    let testDb: TestDatabase;

    before(async () => {
      testDb = await createTestDatabase({ backend: 'postgres' });
    });

    after(async () => {
      await testDb?.dispose();
    });

    it('reports strategies that cannot load as one configuration error listing each, and leaves nothing running', async () => {
      const broken = testConfig({
        plugins: { dir: join(root, 'plugins') },
        strategies: [{ package: join(root, 'missing-one') }, { package: join(root, 'missing-two') }],
        dashboard: { enabled: false },
        polymarket: {
          clobUrl: 'http://127.0.0.1:9',
          gammaUrl: 'http://127.0.0.1:9',
          dataUrl: 'http://127.0.0.1:9',
          wsUrl: 'ws://127.0.0.1:9/ws/market',
        },
      });
      const error = await rejection(
        startRunning({
          config: broken,
          secrets: NO_SECRETS,
          logger: createSilentLogger(),
          metrics: new MetricsRegistry(),
          database: testDb.database,
          deploymentDir: root,
        }),
      );
      expect(error).to.be.an.instanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).to.have.length(2);
      expect(problems.join('\n')).to.include('missing-one').and.include('missing-two');
      // The database it was handed is still open: the application only closes what it opened.
      expect((await testDb.database.ping()).ok).to.equal(true);
    });
  });
});

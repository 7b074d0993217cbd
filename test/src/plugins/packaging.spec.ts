import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { installPlugin, listStrategies, PluginLoadError } from 'polybot';
import { createTestHost, input, REPO_ROOT, removeDir, tempDir, type TestHost } from './helpers.js';

const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Runs a command with a minimal environment; returns its exit status and output. */
function run(command: string, args: string[], cwd: string): { status: number; output: string } {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? cwd },
  });
  return { status: result.status ?? 1, output: `${result.stdout}\n${result.stderr}` };
}

function ok(command: string, args: string[], cwd: string): string {
  const result = run(command, args, cwd);
  expect(result.status, `${command} ${args.join(' ')}\n${result.output}`).to.equal(0);
  return result.output;
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

const TEN_LINE_STRATEGY = `import { buy, defineStrategy, ignore } from '@polybot/sdk';
export default defineStrategy({
  name: 'ten_liner',
  version: '1.0.0',
  defaultParams: { limit: 0.9 },
  evaluate(ctx) {
    if (ctx.trigger.price >= ctx.params.limit) return buy('at or over the limit', { notional: 10 });
    return ignore(\`below \${ctx.params.limit}\`);
  },
});
`;

const KIT_TEST = `import { test } from 'node:test';
import { expectSignal, StrategyHarness } from '@polybot/sdk/testing';
import strategy from './strategy.js';

const harness = new StrategyHarness(strategy);
test('buys at the limit', async () => expectSignal(await harness.evaluate({ trigger: { price: 0.95 } }), { action: 'BUY', notional: 10 }));
test('ignores below it', async () => expectSignal(await harness.evaluate({ trigger: { price: 0.5 } }), { action: 'IGNORE', reason: 'below 0.9' }));
`;

/**
 * The SDK and strategies as npm packages: `npm pack`, install offline into empty folders, use
 * them the way a third party would. Runs on every build, so it stays small.
 */
describe('plugin packaging: the SDK and strategies as npm packages', function () {
  this.timeout(120_000);
  let work = '';
  const packs: Record<string, string> = {};
  let running: TestHost | null = null;

  before(() => {
    work = tempDir('packaging');
    const packDir = join(work, 'packs');
    mkdirSync(packDir);
    writeFiles(join(work, 'src', 'helper'), {
      'package.json': JSON.stringify({
        name: 'polybot-test-helper',
        version: '1.0.0',
        type: 'module',
        main: 'index.js',
      }),
      'index.js': 'export const double = (x) => x * 2;\n',
    });
    writeFiles(join(work, 'src', 'with-dep'), {
      'package.json': JSON.stringify({
        name: 'polybot-strategy-with-dep',
        version: '2.1.0',
        type: 'module',
        keywords: ['polybot-strategy'],
        peerDependencies: { '@polybot/sdk': '^1.0.0' },
        dependencies: { 'polybot-test-helper': '1.0.0' },
        polybot: { apiVersion: 1, entry: './index.js' },
      }),
      'index.js': `import { buy, defineStrategy } from '@polybot/sdk';
import { double } from 'polybot-test-helper';
export default defineStrategy({ name: 'with_dep', version: '2.1.0', evaluate: (ctx) => buy(\`doubled \${double(ctx.trigger.price)}\`, { notional: 1 }) });
`,
    });
    writeFiles(join(work, 'src', 'not-a-strategy'), {
      'package.json': JSON.stringify({
        name: 'not-a-strategy',
        version: '1.0.0',
        type: 'module',
        main: 'index.js',
      }),
      'index.js': 'export default 42;\n',
    });
    ok(
      'npm',
      [
        'pack',
        '--ignore-scripts',
        '--pack-destination',
        packDir,
        join(REPO_ROOT, 'sdk'),
        join(REPO_ROOT, 'plugins', 'high_prob_yes'),
        join(work, 'src', 'helper'),
        join(work, 'src', 'with-dep'),
        join(work, 'src', 'not-a-strategy'),
      ],
      work,
    );
    for (const file of readdirSync(packDir))
      packs[file.replace(/-\d+\.\d+\.\d+\.tgz$/, '')] = join(packDir, file);
    expect(Object.keys(packs).sort()).to.deep.equal([
      'not-a-strategy',
      'polybot-sdk',
      'polybot-strategy-high-prob-yes',
      'polybot-strategy-with-dep',
      'polybot-test-helper',
    ]);
  });

  after(() => removeDir(work));

  afterEach(async () => {
    await running?.host.stop();
    running = null;
  });

  describe('the packed SDK in an empty folder', () => {
    let consumer = '';

    before(() => {
      consumer = join(work, 'consumer');
      mkdirSync(consumer);
      writeFileSync(
        join(consumer, 'package.json'),
        JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
      );
      ok(
        'npm',
        ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', packs['polybot-sdk']!],
        consumer,
      );
      const installed = readdirSync(join(consumer, 'node_modules', '@polybot', 'sdk', 'dist'));
      expect(installed).to.include.members(['index.js', 'index.d.ts', 'testing']);
      expect(installed.some((file) => file.includes('.spec.'))).to.equal(false);
      const manifest = JSON.parse(
        readFileSync(join(consumer, 'node_modules', '@polybot', 'sdk', 'package.json'), 'utf8'),
      ) as Record<string, unknown>;
      expect(manifest['dependencies'], 'the SDK has no runtime dependencies').to.equal(undefined);
      expect(readdirSync(join(consumer, 'node_modules'))).to.deep.equal(['.package-lock.json', '@polybot']);
    });

    it('runs a ten-line JS strategy through a kit test with node:test', () => {
      writeFiles(consumer, { 'js/strategy.js': TEN_LINE_STRATEGY, 'js/strategy.test.js': KIT_TEST });
      const output = ok(process.execPath, ['--test', 'js/'], consumer);
      expect(output).to.match(/# pass 2/);
      writeFiles(consumer, {
        'js-failing/strategy.js': TEN_LINE_STRATEGY,
        'js-failing/strategy.test.js': KIT_TEST.replace("action: 'IGNORE'", "action: 'BUY'"),
      });
      const failing = run(process.execPath, ['--test', 'js-failing/'], consumer);
      expect(failing.status, 'the kit makes a wrong expectation fail').to.not.equal(0);
      expect(failing.output).to.include('unexpected signal: action IGNORE, expected BUY');
    });

    it('type-checks a TS strategy with the repo tsc (SDK declarations included) and passes a kit check', () => {
      // No @types/node and skipLibCheck off: the SDK's own .d.ts files are checked too, quickly.
      const tsconfig = {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          types: [],
          outDir: 'dist',
          rootDir: 'src',
        },
        include: ['src'],
      };
      const typed = TEN_LINE_STRATEGY.replace(
        "import { buy, defineStrategy, ignore } from '@polybot/sdk';",
        "import { buy, defineStrategy, ignore } from '@polybot/sdk';\ninterface Params { readonly limit: number }",
      ).replace('defineStrategy({', 'defineStrategy<Params>({');
      writeFiles(join(consumer, 'ts'), {
        'tsconfig.json': JSON.stringify(tsconfig),
        'package.json': JSON.stringify({ type: 'module' }),
        'src/strategy.ts': typed,
        'src/check.ts': `import { expectSignal, StrategyHarness } from '@polybot/sdk/testing';
import strategy from './strategy.js';
const harness = new StrategyHarness(strategy);
expectSignal(await harness.evaluate({ trigger: { price: 0.95 } }), { action: 'BUY', notional: 10 });
expectSignal(await harness.evaluate({ trigger: { price: 0.5 } }), { action: 'IGNORE', reason: 'below 0.9' });
`,
        // If the SDK's types accepted this, the directive would be unused and tsc would fail.
        'src/misuse.ts': `import { defineStrategy } from '@polybot/sdk';
export const wrong = defineStrategy({
  name: 'wrong',
  version: '1.0.0',
  // @ts-expect-error HOLD is not a signal action
  evaluate: () => ({ action: 'HOLD', reason: 'no such action' }),
});
`,
      });
      ok(process.execPath, [TSC, '-p', 'ts'], consumer);
      ok(process.execPath, ['ts/dist/check.js'], consumer);
      writeFileSync(
        join(consumer, 'ts', 'dist', 'check-fails.js'),
        readFileSync(join(consumer, 'ts', 'dist', 'check.js'), 'utf8').replace(
          "action: 'IGNORE'",
          "action: 'BUY'",
        ),
      );
      const failing = run(process.execPath, ['ts/dist/check-fails.js'], consumer);
      expect(failing.status, 'a wrong expectation fails').to.not.equal(0);
    });
  });

  describe('strategy tarballs installed into a deployment', () => {
    let deploy = '';
    let pluginsDir = '';

    before(() => {
      deploy = join(work, 'deploy');
      pluginsDir = join(deploy, '.polybot', 'plugins');
      mkdirSync(pluginsDir, { recursive: true });
      // Online, npm installs the SDK peer and the helper itself; offline, they come from tarballs.
      ok(
        'npm',
        [
          'install',
          '--offline',
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          '--prefix',
          pluginsDir,
          packs['polybot-sdk']!,
          packs['polybot-test-helper']!,
        ],
        deploy,
      );
    });

    it('installs with scripts disabled, pins the exact version, then loads by package name', async () => {
      const hpy = await installPlugin(packs['polybot-strategy-high-prob-yes']!, {
        dir: '.polybot/plugins',
        cwd: deploy,
        offline: true,
      });
      expect(hpy).to.include({
        name: '@polybot/strategy-high-prob-yes',
        version: '1.0.0',
        configSpec: '@polybot/strategy-high-prob-yes',
      });
      const withDep = await installPlugin(packs['polybot-strategy-with-dep']!, {
        dir: pluginsDir,
        offline: true,
      });
      expect(withDep.version).to.equal('2.1.0');
      const pinned = JSON.parse(readFileSync(join(pluginsDir, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      };
      expect(pinned.dependencies).to.have.keys(
        '@polybot/sdk',
        'polybot-test-helper',
        '@polybot/strategy-high-prob-yes',
        'polybot-strategy-with-dep',
      );

      running = createTestHost(
        [{ package: '@polybot/strategy-high-prob-yes' }, { package: 'polybot-strategy-with-dep@^2.1.0' }],
        { dir: '.polybot/plugins' },
      );
      await running.host.start(deploy);
      const health = running.host.health();
      expect(health.map((h) => h.source)).to.deep.equal(['npm', 'npm']);
      for (const h of health) expect(h.dir.startsWith(pluginsDir), h.dir).to.equal(true);
      const [buy, doubled] = await running.host.evaluateAll(input({ trigger: { price: 0.96 } }));
      expect(buy?.status === 'ok' && buy.signal.action).to.equal('BUY');
      // The helper is hoisted next to the plugin, not inside it: the runtime may still read it.
      expect(doubled?.status === 'ok' && doubled.signal.reason).to.equal('doubled 1.92');

      const listed = listStrategies({ deploymentDir: deploy, pluginsDir: '.polybot/plugins' });
      expect(
        listed.filter((l) => l.source === 'npm').map((l) => [l.spec, l.version, l.loadable]),
      ).to.deep.equal([
        ['@polybot/strategy-high-prob-yes', '1.0.0', true],
        ['polybot-strategy-with-dep', '2.1.0', true],
      ]);
      expect(listed.find((l) => l.spec === 'high_prob_yes')?.source).to.equal('first-party');
    });

    it('uninstalls a package that is not a strategy and says why', async () => {
      let failure: unknown;
      try {
        await installPlugin(packs['not-a-strategy']!, { dir: pluginsDir, offline: true });
      } catch (error) {
        failure = error;
      }
      expect(failure).to.be.instanceOf(PluginLoadError);
      expect((failure as PluginLoadError).check).to.equal('manifest');
      expect(existsSync(join(pluginsDir, 'node_modules', 'not-a-strategy'))).to.equal(false);
    });

    it('reports an npm failure with its reason', async () => {
      let failure: unknown;
      try {
        await installPlugin('@polybot-tests/does-not-exist@^1', { dir: pluginsDir, offline: true });
      } catch (error) {
        failure = error;
      }
      expect((failure as PluginLoadError).check).to.equal('install');
      expect((failure as PluginLoadError).message).to.match(/npm install failed \(exit \d+\)/);
    });
  });
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { scaffoldStrategy } from 'polybot';
import { createTestHost, input, REPO_ROOT, removeDir, tempDir, type TestHost } from './helpers.js';

function run(args: string[], cwd: string): { status: number; output: string } {
  const result = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { PATH: process.env['PATH'] ?? '' },
  });
  return { status: result.status ?? 1, output: `${result.stdout}\n${result.stderr}` };
}

/** `polybot init-strategy`: the package it writes builds, passes its own tests and loads. */
describe('plugin scaffolder: a new strategy package end to end', function () {
  this.timeout(120_000);
  let work = '';
  let running: TestHost | null = null;

  before(() => {
    work = tempDir('scaffold');
  });

  after(async () => {
    await running?.host.stop();
    removeDir(work);
  });

  it('writes a package that builds with tsc, passes its node:test suite and runs in the host', async () => {
    const dir = join(work, 'my-strategy');
    const result = scaffoldStrategy(dir, { name: 'my_strategy' });
    expect(result.packageName).to.equal('polybot-strategy-my-strategy');
    expect([...result.files].sort()).to.deep.equal([
      '.gitignore',
      'README.md',
      'package.json',
      'src/index.test.ts',
      'src/index.ts',
      'tsconfig.json',
    ]);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).to.deep.include({
      keywords: ['polybot-strategy', 'polybot', 'polymarket', 'trading-strategy'],
      polybot: { apiVersion: 1, entry: './dist/index.js' },
      peerDependencies: { '@polybot/sdk': '^1.0.0' },
    });
    expect(pkg['scripts']).to.include({
      build: 'tsc -p tsconfig.json',
      test: 'npm run build && node --test dist/',
    });

    // What `npm install` would provide: the SDK and the Node types (TypeScript is the repo's).
    mkdirSync(join(dir, 'node_modules', '@polybot'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'sdk'), join(dir, 'node_modules', '@polybot', 'sdk'));
    symlinkSync(
      join(REPO_ROOT, 'node_modules', '@types', 'node'),
      join(dir, 'node_modules', '@types', 'node'),
    );
    const build = run(
      [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
      dir,
    );
    expect(build.status, build.output).to.equal(0);
    const tests = run(['--test', 'dist/'], dir);
    expect(tests.status, tests.output).to.equal(0);
    expect(tests.output).to.match(/# pass 4/);

    running = createTestHost([{ package: dir, params: { minPrice: 0.93 } }]);
    await running.host.start();
    const signal = await running.host.evaluate('my_strategy', input({ trigger: { price: 0.95 } }));
    expect(signal.status === 'ok' && signal.signal).to.deep.equal({
      action: 'BUY',
      reason: 'trade at 0.95 is within [0.93, 0.98)',
      price: 0.95,
      notional: 10,
    });
  });
});

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from 'polybot/testing';
import { removeDir, tempDir } from '../cli/support.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command with an environment holding only PATH, HOME and what the test adds. */
function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Run {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 110_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
  });
  return { status: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function ok(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Run {
  const result = run(command, args, cwd, env);
  expect(result.status, `${command} ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).to.equal(0);
  return result;
}

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(dir, join(prefix, entry.name)) : [join(prefix, entry.name)],
    )
    .sort();
}

/**
 * The engine as users get it: `npm pack` of the SDK, both first-party strategies and the engine,
 * installed together into an empty folder outside the repository. Only what each package's
 * `files` ships is there; the binary, the strategies, the migrations and the config must work
 * from it.
 */
describe('engine packaging: polybot as an npm package', function () {
  this.timeout(120_000);
  let work = '';
  let deploy = '';
  let polybotTarball = '';
  const bin = (): string => join(deploy, 'node_modules', '.bin', 'polybot');

  before(() => {
    work = tempDir('engine-pack');
    const packs = join(work, 'packs');
    ok('mkdir', [packs], work);
    ok(
      'npm',
      [
        'pack',
        '--ignore-scripts',
        '--pack-destination',
        packs,
        join(REPO_ROOT, 'sdk'),
        join(REPO_ROOT, 'plugins', 'high_prob_yes'),
        join(REPO_ROOT, 'plugins', 'watch_confirm'),
        join(REPO_ROOT, 'engine'),
      ],
      work,
    );
    const tarballs = readdirSync(packs).sort();
    expect(tarballs).to.deep.equal([
      'polybot-0.1.0.tgz',
      'polybot-sdk-1.0.0.tgz',
      'polybot-strategy-high-prob-yes-1.0.0.tgz',
      'polybot-strategy-watch-confirm-1.0.0.tgz',
    ]);
    polybotTarball = join(packs, 'polybot-0.1.0.tgz');
    deploy = join(work, 'deploy');
    ok('mkdir', [deploy], work);
    writeFileSync(
      join(deploy, 'package.json'),
      JSON.stringify({ name: 'my-deployment', private: true, type: 'module' }),
    );
    // The engine's third-party dependencies come from the npm cache (or the registry).
    ok(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--ignore-scripts',
        ...tarballs.map((t) => join(packs, t)),
      ],
      deploy,
    );
  });

  after(() => removeDir(work));

  it('ships compiled code, the SQL migrations and the config files — no specs, no sources, no path into the repository', () => {
    const listed = ok('tar', ['tzf', polybotTarball], work).stdout.split('\n').filter(Boolean);
    expect(listed).to.include.members([
      'package/package.json',
      'package/dist/cli/main.js',
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/dist/testing/index.js',
      'package/dist/sql/0001_init.sql',
      'package/dist/config/default.json',
      'package/dist/config/demo.json',
      'package/dist/config/live.example.json',
      'package/dist/config/schema.json',
    ]);
    expect(
      listed.filter((f) => f.includes('.spec.')),
      'specs',
    ).to.deep.equal([]);
    expect(
      listed.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
      'sources',
    ).to.deep.equal([]);
    expect(
      listed.filter(
        (f) => !f.startsWith('package/dist/') && f !== 'package/package.json' && !/README/.test(f),
      ),
    ).to.deep.equal([]);

    const installed = join(deploy, 'node_modules', 'polybot');
    const files = filesUnder(installed);
    for (const file of files.filter((f) => /\.(js|json|sql)$/.test(f)))
      expect(readFileSync(join(installed, file), 'utf8'), file).to.not.include(REPO_ROOT);
    // Installed as copies, not links back into the workspace.
    for (const name of [
      'polybot',
      '@polybot/sdk',
      '@polybot/strategy-high-prob-yes',
      '@polybot/strategy-watch-confirm',
    ]) {
      const manifest = join(deploy, 'node_modules', name, 'package.json');
      expect(resolve(manifest).startsWith(deploy), name).to.equal(true);
    }
  });

  it('`polybot --help` runs from node_modules/.bin and exits 0', () => {
    const { stdout } = ok(bin(), ['--help'], deploy);
    expect(stdout).to.match(/^Usage: polybot/);
    for (const command of ['run', 'migrate', 'strategies', 'config', 'demo'])
      expect(stdout).to.match(new RegExp(`^  ${command}\\b`, 'm'));
    expect(ok(bin(), ['--version'], deploy).stdout.trim()).to.equal('0.1.0');
  });

  it('`polybot strategies` lists both first-party strategies as loadable', () => {
    const listing = JSON.parse(ok(bin(), ['strategies', '--json'], deploy).stdout) as {
      name: string;
      package: string;
      loadable: boolean;
      source: string;
    }[];
    expect(listing.find((s) => s.name === 'high_prob_yes')).to.deep.include({
      package: '@polybot/strategy-high-prob-yes',
      loadable: true,
      source: 'first-party',
    });
    expect(listing.find((s) => s.name === 'watch_confirm')).to.deep.include({ loadable: true });
    expect(ok(bin(), ['strategies'], deploy).stdout).to.match(
      /^high_prob_yes\s+1\.0\.0\s+first-party\s+\S+\s+ok$/m,
    );
  });

  it('`polybot config show` prints the effective config from the packaged defaults, secrets masked', () => {
    const { stdout } = ok(bin(), ['config', 'show'], deploy, {
      PRICE_THRESHOLD: '0.97',
      DASHBOARD_API_KEY: 'a-packaged-dashboard-key-1234',
    });
    const shown = JSON.parse(stdout) as {
      config: { mode: string; risk: { priceThreshold: number }; polymarket: { clobUrl: string } };
      sources: { values: Record<string, string> };
    };
    expect(shown.config.mode).to.equal('dry-run');
    expect(shown.config.risk.priceThreshold).to.equal(0.97);
    expect(shown.config.polymarket.clobUrl).to.equal('https://clob.polymarket.com');
    expect(shown.sources.values['risk.priceThreshold']).to.equal('env:PRICE_THRESHOLD');
    expect(stdout).to.not.include('a-packaged-dashboard-key-1234');
    // A deployment file validated against the packaged schema.
    writeFileSync(join(deploy, 'bad.json'), JSON.stringify({ risk: { priceThreshold: 3 }, nope: true }));
    const bad = run(bin(), ['--config', 'bad.json', 'config', 'show'], deploy);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.include('invalid configuration (2 problems)');
  });

  describe('`polybot migrate` on a fresh PostgreSQL database', () => {
    let bare: TestDatabase;

    before(async () => {
      bare = await createTestDatabase({ backend: 'postgres', migrate: false });
    });

    after(async () => {
      await bare?.dispose();
    });

    it('applies 0001_init.sql from inside the package, then finds nothing to do', async () => {
      const env = { DATABASE_URL: bare.url! };
      const first = ok(bin(), ['migrate'], deploy, env);
      expect(first.stdout).to.equal('applied 1 migration:\n  0001_init.sql\n');
      const applied = await bare.database.db.any<{ version: number; name: string }>(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      );
      expect(applied.map((m) => m.name)).to.deep.equal(['init']);
      const tables = await bare.database.db.map<string>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
        [],
        (row: { table_name: string }) => row.table_name,
      );
      expect(tables).to.include.members([
        'markets',
        'orders',
        'fills',
        'positions',
        'triggers',
        'strategy_decisions',
      ]);
      expect(ok(bin(), ['migrate'], deploy, env).stdout).to.equal('database is up to date\n');
      // The migrations it read are the packaged ones.
      const probe = ok(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "import { storage } from 'polybot'; console.log(storage.DEFAULT_MIGRATIONS_DIR);",
        ],
        deploy,
      );
      expect(probe.stdout.trim()).to.equal(join(deploy, 'node_modules', 'polybot', 'dist', 'sql') + '/');
    });
  });

  it('is importable as a library without the consumer loading reflect-metadata first', () => {
    const script = `
      import { Application, createContainer, testConfig, storage } from 'polybot';
      import { createTestDatabase } from 'polybot/testing';
      console.log([typeof Application, typeof createContainer, testConfig().mode, typeof storage.openDatabase, typeof createTestDatabase].join(' '));
    `;
    const { stdout } = ok(process.execPath, ['--input-type=module', '-e', script], deploy);
    expect(stdout.trim()).to.equal('function function dry-run function function');
  });

  it('`polybot demo` outside the repository says the bundled simulator is needed, and fails', () => {
    const demo = run(bin(), ['demo', '--duration', '1'], deploy, { DASHBOARD_PORT: '0' });
    expect(demo.status).to.not.equal(0);
    expect(demo.stderr).to.include('the demo needs the bundled Polymarket simulator (@polybot/simulator)');
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built binary as a user runs it: its own process, a clean environment, a scratch folder. */
function polybot(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env }, timeout: 15_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('polybot binary (engine/dist/cli/main.js)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'polybot-bin-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--help documents every command and flag and exits 0', async () => {
    const { code, stdout } = await polybot(['--help'], { cwd: dir });
    expect(code).to.equal(0);
    for (const command of ['run', 'migrate', 'strategies', 'plugins', 'init-strategy', 'config', 'demo'])
      expect(stdout).to.match(new RegExp(`^  ${command}\\b`, 'm'));
    for (const flag of [
      '--config <file>',
      '--strategy <spec>',
      '--dry-run',
      '--live',
      '--log-level <level>',
      '--help',
      '--version',
    ])
      expect(stdout).to.include(flag);
    expect(stdout).to.include('PRICE_THRESHOLD');
  });

  it('exits 2 with every problem of a bad config file listed', async () => {
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ mode: 'paper', risk: { priceThreshold: 2 }, dashboard: { port: -1 }, surprise: 1 }),
    );
    const { code, stderr, stdout } = await polybot(['--config', 'bad.json', 'config', 'show'], { cwd: dir });
    expect(code).to.equal(2);
    expect(stdout).to.equal('');
    expect(stderr).to.include('invalid configuration (4 problems)');
    expect(stderr).to.include('bad.json /mode: must be one of "dry-run", "live"');
    expect(stderr).to.include('bad.json /risk/priceThreshold: must be < 1');
    expect(stderr).to.include('bad.json /dashboard/port: must be >= 0');
    expect(stderr).to.include('bad.json /surprise: unknown key "surprise"');
  });

  it('exits 2 on bad usage', async () => {
    expect((await polybot(['--no-such-flag'], { cwd: dir })).code).to.equal(2);
    expect((await polybot(['--live', '--dry-run', 'config', 'show'], { cwd: dir })).code).to.equal(2);
  });

  it('applies defaults < file < environment < flags, shown by config show with secrets masked', async () => {
    writeFileSync(
      join(dir, 'deploy.json'),
      JSON.stringify({ logLevel: 'warn', risk: { priceThreshold: 0.9, maxPositions: 5 } }),
    );
    const { code, stdout, stderr } = await polybot(
      ['config', 'show', '--config', 'deploy.json', '--log-level', 'debug', '--strategy', 'high_prob_yes'],
      {
        cwd: dir,
        env: {
          PRICE_THRESHOLD: '0.93',
          LOG_LEVEL: 'error',
          DASHBOARD_API_KEY: 'dashboard-secret-key-123',
          DATABASE_URL: 'postgres://bot:db-secret-456@127.0.0.1/polybot',
        },
      },
    );
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    const shown = JSON.parse(stdout) as {
      config: {
        logLevel: string;
        risk: Record<string, number>;
        strategies: unknown[];
        database: { url: string };
      };
      sources: { values: Record<string, string> };
    };
    expect(shown.config.logLevel).to.equal('debug');
    expect(shown.config.risk).to.include({ priceThreshold: 0.93, maxPositions: 5, positionSize: 20 });
    expect(shown.config.strategies).to.deep.equal([
      { package: 'high_prob_yes', params: { priceThreshold: 0.93, positionSize: 20 } },
    ]);
    expect(shown.sources.values).to.include({
      logLevel: 'flag:--log-level',
      'risk.priceThreshold': 'env:PRICE_THRESHOLD',
      'risk.maxPositions': 'file:deploy.json',
    });
    expect(stdout).not.to.include('dashboard-secret-key-123');
    expect(stdout).not.to.include('db-secret-456');
  });

  it('exits 2 naming the reason when live mode has no credentials', async () => {
    const { code, stderr } = await polybot(['config', 'show'], { cwd: dir, env: { DRY_RUN: 'false' } });
    expect(code).to.equal(2);
    expect(stderr).to.match(
      /live mode needs Polymarket API credentials: creds file .*polymarket_api_creds\.json does not exist/,
    );
  });
});

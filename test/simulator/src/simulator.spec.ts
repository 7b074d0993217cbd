import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Simulator } from './simulator.js';
import { WsCollector, http } from './testing/support.js';

type Json = Record<string, unknown>;

describe('Simulator', () => {
  it('starts 3,000 generated markets and serves a Gamma page of them', async () => {
    const sim = await Simulator.start({ seed: 42, marketCount: 3_000 });
    try {
      expect(sim.scenario.markets()).to.have.length(3_000);
      const page = await http<Json[]>(`${sim.urls.gamma}/markets?limit=500`);
      expect(page.status).to.equal(200);
      expect(page.body).to.have.length(500);
      const clob = await http<Json>(`${sim.urls.clob}/markets`);
      expect(clob.body['count']).to.equal(1000);
    } finally {
      await sim.stop();
    }
  });

  it('is deterministic: the same seed and clock give the same markets, books and prices', async () => {
    const t = Date.UTC(2026, 10, 20);
    const snapshot = async (seed: number): Promise<unknown[]> => {
      const sim = await Simulator.start({ seed, marketCount: 40, clock: () => t });
      try {
        const markets = (await http<Json[]>(`${sim.urls.gamma}/markets?limit=100&closed=false`)).body;
        const token = JSON.parse((markets[3] as Json)['clobTokenIds'] as string) as string[];
        const book = (await http<Json>(`${sim.urls.clob}/book?token_id=${token[0]}`)).body;
        const trades = (await http<Json[]>(`${sim.urls.data}/trades?limit=20`)).body;
        return [markets, book, trades];
      } finally {
        await sim.stop();
      }
    };
    const a = await snapshot(7);
    expect(await snapshot(7)).to.deep.equal(a);
    expect(await snapshot(8)).to.not.deep.equal(a);
  });

  it('validates its options', async () => {
    let error: unknown;
    try {
      await Simulator.start({ marketCount: 10_001 });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(RangeError);
    error = undefined;
    try {
      await Simulator.start({ host: '0.0.0.0' });
    } catch (err) {
      error = err;
    }
    expect((error as Error).message).to.match(/loopback/);
  });

  it('stop() closes every listener and socket', async () => {
    const sim = await Simulator.start({ marketCount: 1 });
    const ws = await WsCollector.open(sim.urls.ws);
    await sim.stop();
    expect(await ws.waitClosed()).to.be.a('number');
    for (const url of [sim.urls.clob, sim.urls.gamma, sim.urls.data]) {
      let refused = false;
      try {
        await fetch(`${url}/time`);
      } catch {
        refused = true;
      }
      expect(refused, url).to.equal(true);
    }
  });

  it('runs as a process: prints its URLs, serves them and exits 0 on SIGTERM', async () => {
    const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
    const child = spawn(process.execPath, [cli, '--port', '0', '--seed', '5', '--markets', '25'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      while (!out.includes('POLYMARKET_DATA_URL=')) {
        const [chunk] = (await once(child.stdout, 'data')) as [string];
        out += chunk;
      }
      expect(out).to.match(/seed 5, 25 markets/);
      const gamma = /POLYMARKET_GAMMA_URL=(\S+)/.exec(out)?.[1] as string;
      const clob = /POLYMARKET_CLOB_URL=(\S+)/.exec(out)?.[1] as string;
      expect(/POLYMARKET_WS_URL=(\S+)/.exec(out)?.[1]).to.equal(`${clob.replace('http', 'ws')}/ws/market`);
      expect(
        (await http<Json[]>(`${gamma}/markets?limit=100&closed=true`)).body.length +
          (await http<Json[]>(`${gamma}/markets?limit=100`)).body.length,
      ).to.equal(25);
      expect((await http<Json>(`${clob}/version`)).body).to.deep.equal({ version: 2 });
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number];
      expect(code).to.equal(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses bad CLI arguments with exit code 2', async () => {
    const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
    const child = spawn(process.execPath, [cli, '--markets', 'many'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => (err += c));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).to.equal(2);
    expect(err).to.match(/--markets must be a non-negative integer/);
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Simulator } from '@polybot/simulator';
import { createTestDatabase, type TestDatabase } from 'polybot/testing';
import {
  OUR_ADDRESS,
  OUR_KEY,
  countRows,
  createMarket,
  decisionsFor,
  ordersFor,
  startVenue,
  waitFor,
} from '../e2e/support.js';
import { BotProcess, TcpProxy, removeDir, runPolybot, tempDir } from './support.js';

const API_KEY = 'process-test-dashboard-key-0123456789';

function venueEnv(sim: Simulator): Record<string, string> {
  return {
    POLYMARKET_CLOB_URL: sim.urls.clob,
    POLYMARKET_WS_URL: sim.urls.ws,
    POLYMARKET_GAMMA_URL: sim.urls.gamma,
    POLYMARKET_DATA_URL: sim.urls.data,
    DASHBOARD_PORT: '0',
  };
}

/** The same database, reached through the proxy's port. */
function throughProxy(url: string, proxy: TcpProxy): string {
  const parsed = new URL(url);
  parsed.port = String(proxy.port);
  return parsed.toString();
}

async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON
  }
  return { status: response.status, body };
}

function isLog(message: string) {
  return (record: { message?: string }) => record.message === message;
}

/** Waits until every token of the venue's markets is subscribed by the bot's feed. */
async function subscribed(sim: Simulator, tokens: number): Promise<void> {
  await waitFor(
    () => {
      const { market, assetCounts } = sim.scenario.connections();
      return market === 1 && (assetCounts[0] ?? 0) >= tokens;
    },
    'the bot to subscribe to the market feed',
    20_000,
  );
}

/**
 * The built binary (`engine/dist/cli/main.js`) as an operator runs it: its own process, a
 * scratch folder, an environment holding only what each test sets, against the simulator and
 * a real PostgreSQL database.
 */
describe('polybot process: the built binary against the simulator and PostgreSQL', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let dir: string;
  const bots: BotProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  function bot(args: string[], env: Record<string, string>): BotProcess {
    const started = new BotProcess(args, { cwd: dir, env });
    bots.push(started);
    return started;
  }

  before(async () => {
    sim = await startVenue();
  });

  after(async () => {
    await sim?.stop();
  });

  beforeEach(() => {
    dir = tempDir('process');
  });

  afterEach(async () => {
    for (const running of bots.splice(0)) await running.kill();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    removeDir(dir);
  });

  async function database(): Promise<TestDatabase> {
    const testDb = await createTestDatabase({ backend: 'postgres' });
    cleanups.push(() => testDb.dispose());
    return testDb;
  }

  describe('live mode fails fast', () => {
    it('without credentials: exits 2 naming the missing creds file, before touching the database or the venue', async () => {
      const before = sim.scenario.requestLog().length;
      const { exit, stderr, stdout } = await runPolybot(['--live'], {
        cwd: dir,
        // A database that does not exist: reaching it would fail differently.
        env: { ...venueEnv(sim), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' },
      });
      expect(exit.code, stderr).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.match(
        /live mode needs Polymarket API credentials: creds file .*polymarket_api_creds\.json does not exist/,
      );
      expect(sim.scenario.requestLog().length).to.equal(before);
    });

    it('with credentials the venue refuses: exits 1 naming the reason, no order placed', async () => {
      const testDb = await database();
      writeFileSync(
        join(dir, 'polymarket_api_creds.json'),
        JSON.stringify({
          api_key: '00000000-0000-4000-8000-000000000000',
          api_secret: Buffer.from('not-the-secret-the-venue-issued').toString('base64'),
          api_passphrase: 'not-the-passphrase',
          private_key: OUR_KEY,
          signature_type: 0,
          chain_id: 137,
        }),
        { mode: 0o600 },
      );
      const { exit, stderr } = await runPolybot([], {
        cwd: dir,
        env: { ...venueEnv(sim), DRY_RUN: 'false', DATABASE_URL: testDb.url! },
      });
      expect(exit.code, stderr).to.equal(1);
      expect(stderr).to.include('the API credentials were refused (Unauthorized/Invalid api key)');
      expect(stderr).to.not.include('not-the-passphrase');
      expect(sim.scenario.receivedOrders()).to.have.length(0);
    });
  });

  describe('a running bot', () => {
    it('DASHBOARD_API_KEY: every /api route needs the key (401 without or wrong, 200 with), /health does not', async () => {
      const testDb = await database();
      const { yes } = createMarket(sim, 'Will the Warriors reach the 2026 NBA Finals?');
      const running = bot([], { ...venueEnv(sim), DATABASE_URL: testDb.url!, DASHBOARD_API_KEY: API_KEY });
      const base = await running.dashboardUrl();
      await running.waitForLog(isLog('polybot started'), 'start-up');
      await subscribed(sim, sim.scenario.markets().length * 2);
      sim.scenario.printTrade({ tokenId: yes, price: 0.96, size: 150 });
      await waitFor(
        async () => (await ordersFor(testDb.database, yes))[0]?.state === 'filled',
        'the paper order',
      );

      for (const path of ['/api/orders', '/api/positions', '/api/watchlist', '/api/metrics', '/metrics']) {
        expect((await get(`${base}${path}`)).status, `${path} without a key`).to.equal(401);
        expect(
          (await get(`${base}${path}`, { 'x-api-key': `${API_KEY}x` })).status,
          `${path} wrong key`,
        ).to.equal(401);
      }
      const health = await get(`${base}/health`);
      expect(health.status).to.equal(200);
      expect(health.body).to.deep.include({ status: 'ok' });

      const orders = await get(`${base}/api/orders`, { 'x-api-key': API_KEY });
      expect(orders.status).to.equal(200);
      const listed = (orders.body as { orders: Record<string, unknown>[] }).orders;
      expect(listed.map((o) => o.tokenId)).to.deep.equal([yes]);
      expect(listed[0]).to.not.have.any.keys('signedPayload', 'venueResponse');
      const bearer = await get(`${base}/api/positions`, { authorization: `Bearer ${API_KEY}` });
      expect(bearer.status).to.equal(200);
      expect(JSON.stringify(bearer.body)).to.include(yes);
      expect(running.stderr, 'the key is never logged').to.not.include(API_KEY);
    });

    it('/health turns 503 naming the database when it goes away, 200 when it is back; nothing in flight is lost and trading resumes', async () => {
      const testDb = await database();
      const proxy = await TcpProxy.start({
        host: '127.0.0.1',
        port: Number(new URL(testDb.url!).port || 5432),
      });
      cleanups.push(() => proxy.close());
      const first = createMarket(sim, 'Will the Pacers reach the 2026 NBA Finals?');
      const second = createMarket(sim, 'Will the Cavaliers reach the 2026 NBA Finals?');
      const running = bot([], { ...venueEnv(sim), DATABASE_URL: throughProxy(testDb.url!, proxy) });
      const base = await running.dashboardUrl();
      await running.waitForLog(isLog('polybot started'), 'start-up');
      await subscribed(sim, sim.scenario.markets().length * 2);
      expect((await get(`${base}/health`)).status).to.equal(200);

      // The database goes away while an order is on its way: its intent is stored, the rest is not yet.
      sim.scenario.printTrade({ tokenId: first.yes, price: 0.96, size: 150 });
      await waitFor(
        async () => (await ordersFor(testDb.database, first.yes)).length === 1,
        'the order intent',
      );
      proxy.cut();
      const down = await waitFor(async () => {
        const health = await get(`${base}/health`);
        return health.status === 503 && health;
      }, '/health to report 503');
      expect(down.body).to.deep.include({ status: 'unhealthy', failing: ['database'] });
      expect((down.body as { message: string }).message).to.equal('unhealthy: database');
      await running.waitForLog(isLog('processing paused'), 'processing to stop (seed policy)');
      expect(running.hasExited, 'losing the database must not kill the process').to.equal(false);

      proxy.restore();
      await waitFor(async () => (await get(`${base}/health`)).status === 200, '/health to report 200 again');
      await running.waitForLog(isLog('processing resumed'), 'processing to resume');
      // What was in flight converges: the order, its position, the decision and the tape are all stored.
      await waitFor(
        async () => (await ordersFor(testDb.database, first.yes))[0]?.state === 'filled',
        'the in-flight order to be recorded as filled',
        15_000,
      );
      await waitFor(
        async () => (await countRows(testDb.database, 'positions', first.yes)) === 1,
        'its position',
      );
      await waitFor(
        async () => (await decisionsFor(testDb.database, first.yes)).length === 1,
        'its decision',
      );
      await waitFor(
        async () => (await countRows(testDb.database, 'trades', first.yes)) >= 1,
        'its print on the tape',
      );

      sim.scenario.printTrade({ tokenId: second.yes, price: 0.96, size: 150 });
      await waitFor(
        async () => (await ordersFor(testDb.database, second.yes))[0]?.state === 'filled',
        'a new order',
      );
      expect(await ordersFor(testDb.database, first.yes)).to.have.length(1);
    });

    it('SIGTERM stops gracefully with nothing lost: exit 0, and the order, its decision and the tape are in the database', async () => {
      const testDb = await database();
      const { yes, conditionId } = createMarket(sim, 'Will the Bucks reach the 2026 NBA Finals?');
      const running = bot([], { ...venueEnv(sim), DATABASE_URL: testDb.url! });
      await running.waitForLog(isLog('polybot started'), 'start-up');
      await subscribed(sim, sim.scenario.markets().length * 2);
      sim.scenario.printTrade({ tokenId: yes, price: 0.96, size: 150 });
      await waitFor(
        async () => (await ordersFor(testDb.database, yes))[0]?.state === 'filled',
        'the paper order',
      );
      // At once: the decision log (250 ms) and the tape (500 ms) still hold what they batch.
      running.signal('SIGTERM');
      const exit = await running.waitForExit(20_000);
      expect(exit, running.tail()).to.deep.equal({ code: 0, signal: null });
      expect(running.logs().map((r) => r.message)).to.include.members([
        'received SIGTERM: stopping gracefully (send it again to exit at once)',
        'polybot stopped',
        'stopped cleanly after SIGTERM',
      ]);
      const decisions = await decisionsFor(testDb.database, yes);
      expect(decisions.map((d) => d.action)).to.deep.equal(['BUY']);
      expect(await countRows(testDb.database, 'trades', yes)).to.be.greaterThan(0);
      expect(await countRows(testDb.database, 'book_updates', yes)).to.be.greaterThan(0);
      const positions = await testDb.database.db.any('SELECT 1 FROM positions WHERE condition_id = $1', [
        conditionId,
      ]);
      expect(positions).to.have.length(1);
      const triggers = await testDb.database.db.any('SELECT 1 FROM triggers WHERE condition_id = $1', [
        conditionId,
      ]);
      expect(triggers).to.have.length(1);
    });

    it('a second signal exits at once (143) when the graceful stop waits on the venue', async () => {
      const testDb = await database();
      const { yes } = createMarket(sim, 'Will the Heat reach the 2026 NBA Finals?');
      const creds = sim.scenario.createApiKey(OUR_ADDRESS);
      writeFileSync(
        join(dir, 'polymarket_api_creds.json'),
        JSON.stringify({
          api_key: creds.key,
          api_secret: creds.secret,
          api_passphrase: creds.passphrase,
          private_key: OUR_KEY,
          signature_type: 0,
          chain_id: 137,
        }),
        { mode: 0o600 },
      );
      const running = bot(['--live'], { ...venueEnv(sim), DATABASE_URL: testDb.url! });
      await running.waitForLog(isLog('polybot started'), 'start-up in live mode');
      await subscribed(sim, sim.scenario.markets().length * 2);
      // The venue takes its time with the order: the graceful stop waits for the order in hand.
      sim.scenario.delayNext({ path: '/order', method: 'POST', ms: 30_000 });
      sim.scenario.printTrade({ tokenId: yes, price: 0.96, size: 150 });
      await waitFor(async () => (await ordersFor(testDb.database, yes)).length === 1, 'the order intent');
      running.signal('SIGTERM');
      await running.waitForLog(
        isLog('received SIGTERM: stopping gracefully (send it again to exit at once)'),
        'the first signal',
      );
      expect(running.hasExited, 'still stopping: the order is in hand').to.equal(false);
      running.signal('SIGTERM');
      const exit = await running.waitForExit(5_000);
      expect(exit.code, running.tail()).to.equal(143);
      expect(running.stderr).to.include('exiting at once');
      // The intent was stored before sending: a restart reconciles it with the venue.
      expect((await ordersFor(testDb.database, yes))[0]?.state).to.equal('pending');
    });
  });

  describe('polybot demo', () => {
    it('`polybot demo --duration 25` runs offline against the bundled simulator, places paper orders and exits 0', async () => {
      const testDb = await database();
      const demo = bot(['demo', '--duration', '25'], { DATABASE_URL: testDb.url!, DASHBOARD_PORT: '0' });
      const exit = await demo.waitForExit(50_000);
      expect(exit, demo.tail()).to.deep.equal({ code: 0, signal: null });
      const messages = demo.logs().map((r) => String(r.message));
      expect(messages).to.include('polybot started');
      expect(messages.filter((m) => m === 'order placed').length).to.be.greaterThan(0);
      expect(messages).to.include('demo finished');
      const orders = await testDb.database.db.any<{ dry_run: boolean; side: string }>(
        'SELECT dry_run, side FROM orders',
      );
      expect(orders.length).to.be.greaterThan(0);
      expect(
        orders.every((o) => o.dry_run),
        'the demo only ever trades on paper',
      ).to.equal(true);
      const questions = await testDb.database.db.map<string>(
        'SELECT DISTINCT m.question FROM orders o JOIN tokens t ON t.token_id = o.token_id JOIN markets m ON m.condition_id = t.condition_id',
        [],
        (row: { question: string }) => row.question,
      );
      expect(questions).to.include('Will the Lakers win the 2026 NBA Finals?');
      expect(questions).to.include('Rainbow Six Siege Invitational: will Team Liquid win?');
      expect(questions, 'G6: no weather market').to.not.include('Will it rain in NYC on Friday?');
      expect(questions, 'G5: no spike trade').to.not.include('Will the Fed cut rates in December?');
      expect(demo.stderr).to.not.include('"level":"error"');
    });
  });
});

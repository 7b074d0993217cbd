import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { expect } from 'chai';
import { DEFAULT_CONFIG, NO_SECRETS, mergeConfig } from '../../config/defaults.js';
import type { Secrets } from '../../config/types.js';
import { ConfigError, DatabaseError } from '../../errors.js';
import { ManualClock } from '../../util/clock.js';
import { EngineMetrics } from '../engine-metrics.js';
import { HealthRegistry } from '../health.js';
import { createSilentLogger } from '../logger.js';
import { MetricsRegistry } from '../metrics.js';
import { processSecrets } from '../secret-scrubber.js';
import { ApiKeyCheck } from './auth.js';
import type {
  ApiRecord,
  ApprovalDecision,
  DashboardDataSource,
  DecisionOutcome,
  OrderQuery,
} from './data-source.js';
import { DashboardServer } from './server.js';

const API_KEY = 'dashboard-key-0123456789abcdef';

/** An in-memory data source: the HTTP layer's contract, without storage behind it. */
class MemoryDataSource implements DashboardDataSource {
  orderQueries: OrderQuery[] = [];
  decisions: { id: string; decision: ApprovalDecision; note: string | undefined }[] = [];
  failWith: Error | null = null;
  extra: ApiRecord = {};

  private check(): void {
    if (this.failWith) throw this.failWith;
  }
  async positions(): Promise<readonly ApiRecord[]> {
    this.check();
    return [
      {
        conditionId: '0xc1',
        tokenId: '123',
        size: '20',
        avgPrice: '0.95',
        openedAt: new Date(0),
        ...this.extra,
      },
    ];
  }
  async orders(query: OrderQuery): Promise<readonly ApiRecord[]> {
    this.check();
    this.orderQueries.push(query);
    return [{ id: 'o1', state: query.state ?? 'live', filled: 10n }];
  }
  async watchlist(): Promise<readonly ApiRecord[]> {
    this.check();
    return [{ tokenId: '456', reason: 'waiting for confirmation' }];
  }
  async approvals(): Promise<readonly ApiRecord[]> {
    this.check();
    return [{ id: 'a1', tokenId: '123', price: '0.96' }];
  }
  async decide(id: string, decision: ApprovalDecision, note?: string): Promise<DecisionOutcome> {
    this.check();
    this.decisions.push({ id, decision, note });
    if (id === 'missing') return { result: 'not_found' };
    if (id === 'expired') return { result: 'conflict', reason: 'approval a2 expired at 12:05' };
    return { result: 'accepted', approval: { id, state: decision === 'approve' ? 'approved' : 'rejected' } };
  }
  async summary(): Promise<ApiRecord> {
    this.check();
    return { balance: 980, openPositions: 1 };
  }
}

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

function call(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      { method: options.method ?? 'GET', headers: options.headers ?? {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // /metrics and HEAD answers are not JSON.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('DashboardServer', () => {
  let servers: DashboardServer[] = [];
  let metrics: EngineMetrics;
  let health: HealthRegistry;
  let data: MemoryDataSource;

  function server(
    overrides: { host?: string; port?: number; secrets?: Partial<Secrets> } = {},
  ): DashboardServer {
    const registry = new MetricsRegistry({ collectProcessMetrics: true });
    metrics = new EngineMetrics(registry);
    const clock = new ManualClock();
    health = new HealthRegistry(metrics, clock);
    data = new MemoryDataSource();
    const config = mergeConfig(DEFAULT_CONFIG, {
      dashboard: { enabled: true, host: overrides.host ?? '127.0.0.1', port: overrides.port ?? 0 },
    });
    const instance = new DashboardServer(
      config,
      { ...NO_SECRETS, ...overrides.secrets },
      createSilentLogger(),
      metrics,
      health,
      data,
      clock,
    );
    servers.push(instance);
    return instance;
  }

  async function started(overrides: Parameters<typeof server>[0] = {}): Promise<string> {
    return (await server(overrides).start()).url;
  }

  afterEach(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    servers = [];
    processSecrets.clear();
  });

  describe('/health', () => {
    it('is 200 when every registered component is healthy', async () => {
      const base = await started();
      health.register('database', () => true);
      health.register('feed', async () => ({ healthy: true, detail: '3 connections' }));
      health.register('exchange', () => ({ healthy: true }));
      health.register('strategies', () => true);
      const res = await call(base, '/health');
      expect(res.status).to.equal(200);
      expect(res.json).to.include({ status: 'ok', healthy: true });
      expect(res.json.failing).to.deep.equal([]);
      expect(Object.keys(res.json.components as object)).to.deep.equal([
        'database',
        'exchange',
        'feed',
        'strategies',
      ]);
      expect((res.json.components as Record<string, { detail?: string }>).feed?.detail).to.equal(
        '3 connections',
      );
    });

    it('is 503 naming every failing component, and back to 200 when they recover', async () => {
      const base = await started();
      let databaseUp = false;
      health.register('database', () => {
        if (!databaseUp) throw new DatabaseError('db_down', 'connection refused');
        return true;
      });
      health.register('feed', () => ({ healthy: false, detail: 'disconnected for 312 s' }));
      health.register('exchange', () => true);
      const down = await call(base, '/health');
      expect(down.status).to.equal(503);
      expect(down.json).to.include({
        status: 'unhealthy',
        healthy: false,
        message: 'unhealthy: database, feed',
      });
      expect(down.json.failing).to.deep.equal(['database', 'feed']);
      const components = down.json.components as Record<string, { healthy: boolean; detail?: string }>;
      expect(components.database).to.include({ healthy: false, detail: 'connection refused' });
      expect(components.exchange).to.include({ healthy: true });
      expect(await metrics.registry.value('polybot_component_healthy', { component: 'database' })).to.equal(
        0,
      );

      databaseUp = true;
      const stillFeed = await call(base, '/health');
      expect(stillFeed.json.failing).to.deep.equal(['feed']);
    });

    it('answers HEAD and stays open when an API key is set', async () => {
      const base = await started({ secrets: { dashboardApiKey: API_KEY } });
      const head = await call(base, '/health', { method: 'HEAD' });
      expect(head.status).to.equal(200);
      expect(head.text).to.equal('');
      expect((await call(base, '/health')).status).to.equal(200);
    });
  });

  describe('/metrics', () => {
    it('serves the Prometheus text with engine and process metrics', async () => {
      const base = await started();
      metrics.eventsIn.inc({ source: 'ws' }, 3);
      metrics.filterRejections.inc({ reason: 'stale' });
      metrics.observeStage('order', 0, 2);
      const res = await call(base, '/metrics');
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/plain/);
      expect(res.text).to.include('polybot_events_in_total{source="ws"} 3');
      expect(res.text).to.include('polybot_filter_rejections_total{reason="stale"} 1');
      expect(res.text).to.include('polybot_stage_latency_seconds_count{stage="order"} 1');
      expect(res.text).to.include('polybot_process_cpu_user_seconds_total');
      expect(res.text).to.include('polybot_nodejs_eventloop_lag_seconds');
    });
  });

  describe('/api', () => {
    it('serves positions, watchlist and approvals from the data source', async () => {
      const base = await started();
      const positions = await call(base, '/api/positions');
      expect(positions.status).to.equal(200);
      expect(positions.json.positions).to.deep.equal([
        {
          conditionId: '0xc1',
          tokenId: '123',
          size: '20',
          avgPrice: '0.95',
          openedAt: '1970-01-01T00:00:00.000Z',
        },
      ]);
      expect((await call(base, '/api/watchlist')).json.watchlist).to.have.length(1);
      expect((await call(base, '/api/approvals/')).json.approvals).to.deep.equal([
        { id: 'a1', tokenId: '123', price: '0.96' },
      ]);
    });

    it('passes validated order filters and serializes bigints', async () => {
      const base = await started();
      const res = await call(base, '/api/orders?state=filled&limit=5');
      expect(res.status).to.equal(200);
      expect(res.json.orders).to.deep.equal([{ id: 'o1', state: 'filled', filled: '10' }]);
      await call(base, '/api/orders');
      expect(data.orderQueries).to.deep.equal([{ state: 'filled', limit: 5 }, { limit: 100 }]);
    });

    it('answers bad queries with a JSON 400', async () => {
      const base = await started();
      for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'state=LIVE;drop', 'page=2']) {
        const res = await call(base, `/api/orders?${query}`);
        expect(res.status, query).to.equal(400);
        expect(res.json.error, query).to.equal('invalid_query');
      }
      expect(data.orderQueries).to.deep.equal([]);
    });

    it('serves a metrics summary with the trading figures', async () => {
      const base = await started();
      metrics.eventsIn.inc({ source: 'ws' }, 7);
      metrics.eventsIn.inc({ source: 'rest' }, 2);
      metrics.signals.inc({ strategy: 'high_prob_yes', action: 'BUY' });
      metrics.orders.inc({ state: 'filled', side: 'BUY' });
      metrics.strategyRunning.set({ strategy: 'high_prob_yes' }, 1);
      const res = await call(base, '/api/metrics');
      expect(res.status).to.equal(200);
      expect(res.json.mode).to.equal('dry-run');
      expect(res.json.trading).to.deep.equal({ balance: 980, openPositions: 1 });
      const engine = res.json.engine as Record<string, unknown>;
      expect(engine.events).to.deep.include({ total: 9, bySource: { ws: 7, rest: 2 }, queueDepth: 0 });
      expect(engine.signals).to.deep.equal({ BUY: 1 });
      expect(engine.orders).to.deep.equal({ filled: 1 });
      expect((engine.strategies as Record<string, { running: boolean }>).high_prob_yes?.running).to.equal(
        true,
      );
    });

    it('approves and rejects through the data source', async () => {
      const base = await started();
      const approve = await call(base, '/api/approvals/a1/approve', { method: 'POST' });
      expect(approve.status).to.equal(200);
      expect(approve.json).to.deep.equal({ decision: 'approve', approval: { id: 'a1', state: 'approved' } });
      const reject = await call(base, '/api/approvals/a1/reject', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ note: 'too close to resolution' }),
      });
      expect(reject.json.decision).to.equal('reject');
      expect(data.decisions).to.deep.equal([
        { id: 'a1', decision: 'approve', note: undefined },
        { id: 'a1', decision: 'reject', note: 'too close to resolution' },
      ]);
    });

    it('maps unknown and already-decided approvals to 404 and 409', async () => {
      const base = await started();
      expect((await call(base, '/api/approvals/missing/approve', { method: 'POST' })).status).to.equal(404);
      const conflict = await call(base, '/api/approvals/expired/approve', { method: 'POST' });
      expect(conflict.status).to.equal(409);
      expect(conflict.json).to.deep.equal({ error: 'conflict', message: 'approval a2 expired at 12:05' });
    });

    it('rejects bad approval requests before they reach the data source', async () => {
      const base = await started();
      const post = (path: string, body?: string) =>
        call(base, path, { method: 'POST', ...(body ? { body } : {}) });
      expect((await post('/api/approvals/a1/approve', '{not json')).json.error).to.equal('invalid_json');
      expect((await post('/api/approvals/a1/approve', '[1]')).json.error).to.equal('invalid_body');
      expect((await post('/api/approvals/a1/approve', '{"note": 5}')).json.error).to.equal('invalid_body');
      expect((await post('/api/approvals/a1/approve', '{"approve": true}')).json.error).to.equal(
        'invalid_body',
      );
      expect((await post('/api/approvals/a%20b/approve')).json.error).to.equal('invalid_id');
      expect((await post('/api/approvals/%E0%A4%A/approve')).json.error).to.equal('invalid_id');
      const big = await post('/api/approvals/a1/approve', JSON.stringify({ note: 'x'.repeat(20_000) }));
      expect(big.status).to.equal(413);
      expect(data.decisions).to.deep.equal([]);
    });
  });

  describe('errors', () => {
    it('answers unknown paths with 404 and wrong methods with 405', async () => {
      const base = await started();
      const missing = await call(base, '/nope');
      expect(missing.status).to.equal(404);
      expect(missing.json.error).to.equal('not_found');
      const wrong = await call(base, '/api/positions', { method: 'DELETE' });
      expect(wrong.status).to.equal(405);
      expect(wrong.headers.allow).to.equal('GET, HEAD');
      expect((await call(base, '/api/approvals/a1/approve')).headers.allow).to.equal('POST');
    });

    it('answers an unparseable request target with a JSON 400', async () => {
      const base = new URL(await started());
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(base.port), base.hostname, () =>
          socket.end('GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
        );
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      expect(answer).to.match(/^HTTP\/1\.1 400 /);
      expect(answer).to.include('"error":"invalid_url"');
    });

    it('turns a failing data source into a JSON 500, and a lost database into a 503, and keeps serving', async () => {
      const base = await started();
      data.failWith = new Error('boom');
      const failed = await call(base, '/api/positions');
      expect(failed.status).to.equal(500);
      expect(failed.json).to.deep.equal({
        error: 'internal_error',
        message: 'the request failed; see the engine log',
      });
      data.failWith = new DatabaseError('db_down', 'connection to postgres://u:pw@db lost');
      const unavailable = await call(base, '/api/orders');
      expect(unavailable.status).to.equal(503);
      expect(unavailable.text).not.to.include('pw@');
      data.failWith = null;
      expect((await call(base, '/api/positions')).status).to.equal(200);
      expect(
        await metrics.registry.value('polybot_dashboard_requests_total', {
          route: '/api/positions',
          status: '500',
        }),
      ).to.equal(1);
    });

    it('never echoes a registered secret', async () => {
      const base = await started();
      processSecrets.add(['the-private-key-value-0123']);
      data.extra = { note: 'signed with the-private-key-value-0123' };
      const res = await call(base, '/api/positions');
      expect(res.text).not.to.include('the-private-key-value-0123');
      expect(res.text).to.include('[redacted]');
    });
  });

  describe('API key', () => {
    it('guards every route except /health, accepting X-API-Key or a Bearer token', async () => {
      const base = await started({ secrets: { dashboardApiKey: API_KEY } });
      for (const path of [
        '/metrics',
        '/api/positions',
        '/api/orders',
        '/api/watchlist',
        '/api/metrics',
        '/api/approvals',
      ]) {
        const res = await call(base, path);
        expect(res.status, path).to.equal(401);
        expect(res.json.error).to.equal('unauthorized');
        expect(res.headers['www-authenticate']).to.equal('Bearer realm="polybot"');
      }
      expect((await call(base, '/api/positions', { headers: { 'x-api-key': API_KEY } })).status).to.equal(
        200,
      );
      expect(
        (await call(base, '/metrics', { headers: { authorization: `Bearer ${API_KEY}` } })).status,
      ).to.equal(200);
      const post = await call(base, '/api/approvals/a1/approve', { method: 'POST' });
      expect(post.status).to.equal(401);
      expect(data.decisions).to.deep.equal([]);
    });

    it('answers 401 for wrong keys of any length, and never reveals the key or the routes', async () => {
      const base = await started({ secrets: { dashboardApiKey: API_KEY } });
      for (const wrong of [
        'x',
        API_KEY.slice(0, -1),
        `${API_KEY}x`,
        API_KEY.toUpperCase(),
        'y'.repeat(500),
      ]) {
        const res = await call(base, '/api/positions', { headers: { 'x-api-key': wrong } });
        expect(res.status, wrong).to.equal(401);
        expect(res.text).not.to.include(API_KEY);
      }
      expect(
        (await call(base, '/api/positions', { headers: { authorization: `Basic ${API_KEY}` } })).status,
      ).to.equal(401);
      expect((await call(base, '/does-not-exist')).status).to.equal(401);
    });
  });

  describe('binding', () => {
    it('refuses a non-loopback address without DASHBOARD_API_KEY', async () => {
      const instance = server({ host: '0.0.0.0' });
      let error: unknown;
      try {
        await instance.start();
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.match(
        /refusing to serve the dashboard on 0\.0\.0\.0: .*DASHBOARD_API_KEY/,
      );
      expect(instance.address()).to.equal(null);
    });

    it('binds a non-loopback address when a key is set', async () => {
      const address = await server({ host: '0.0.0.0', secrets: { dashboardApiKey: API_KEY } }).start();
      expect(address.host).to.equal('0.0.0.0');
      expect(address.port).to.be.greaterThan(0);
    });

    it('reports a port in use as a configuration problem', async () => {
      const first = await server().start();
      let error: unknown;
      try {
        await server({ port: first.port }).start();
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as Error).message).to.match(/EADDRINUSE.*DASHBOARD_PORT/);
    });

    it('starts once and stops idempotently', async () => {
      const instance = server();
      await instance.start();
      let error: unknown;
      try {
        await instance.start();
      } catch (e) {
        error = e;
      }
      expect((error as Error).message).to.match(/already started/);
      await instance.stop();
      await instance.stop();
      expect(instance.address()).to.equal(null);
    });
  });
});

describe('ApiKeyCheck', () => {
  it('matches only the exact key and tolerates any candidate length', () => {
    const check = new ApiKeyCheck(API_KEY);
    expect(check.matches(API_KEY)).to.equal(true);
    expect(check.matches(undefined)).to.equal(false);
    expect(check.matches('')).to.equal(false);
    expect(check.matches(API_KEY.slice(1))).to.equal(false);
    expect(check.matches(`${API_KEY}${API_KEY}`)).to.equal(false);
  });
});

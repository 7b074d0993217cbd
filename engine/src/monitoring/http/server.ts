import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject, injectable } from 'tsyringe';
import { isLoopbackHost } from '../../config/network.js';
import type { EngineConfig, Secrets } from '../../config/types.js';
import { Tokens } from '../../di/tokens.js';
import { ConfigError, DatabaseError, describeError } from '../../errors.js';
import type { Clock } from '../../util/clock.js';
import type { EngineMetrics } from '../engine-metrics.js';
import type { HealthRegistry } from '../health.js';
import type { Logger } from '../logger.js';
import { summarizeEngineMetrics } from '../metrics-summary.js';
import { ApiKeyCheck } from './auth.js';
import type { ApprovalDecision, DashboardDataSource } from './data-source.js';
import { HttpError, readJsonBody, sendError, sendJson, sendText } from './respond.js';

const MAX_BODY_BYTES = 16 * 1024;
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const STATE = /^[a-z_]{1,32}$/;

interface RouteContext {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
  readonly params: readonly string[];
}

interface Route {
  readonly method: 'GET' | 'POST';
  /** Label for metrics and logs. */
  readonly name: string;
  readonly pattern: RegExp;
  readonly query?: readonly string[];
  readonly handle: (ctx: RouteContext) => Promise<void>;
}

export interface DashboardAddress {
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

/**
 * The engine's HTTP surface on node:http: /health (always open), /metrics and /api/* (behind
 * DASHBOARD_API_KEY when set). Refuses to bind a non-loopback address without a key. Every
 * answer is JSON except /metrics; bad requests get a JSON error, and a failing data source a 500
 * (503 when the database is the cause) — the server itself never throws.
 */
@injectable()
export class DashboardServer {
  private server: Server | null = null;
  private readonly auth: ApiKeyCheck | null;
  private readonly routes: readonly Route[];
  private readonly startedAt: number;

  constructor(
    @inject(Tokens.Config) private readonly config: EngineConfig,
    @inject(Tokens.Secrets) secrets: Secrets,
    @inject(Tokens.Logger) private readonly logger: Logger,
    @inject(Tokens.EngineMetrics) private readonly metrics: EngineMetrics,
    @inject(Tokens.Health) private readonly health: HealthRegistry,
    @inject(Tokens.DashboardData) private readonly data: DashboardDataSource,
    @inject(Tokens.Clock) private readonly clock: Clock,
  ) {
    this.auth = secrets.dashboardApiKey === null ? null : new ApiKeyCheck(secrets.dashboardApiKey);
    this.startedAt = clock.now();
    this.routes = this.buildRoutes();
  }

  /** Binds dashboard.host:dashboard.port; resolves once listening. */
  async start(): Promise<DashboardAddress> {
    if (this.server !== null) throw new Error('the dashboard server is already started');
    const { host, port } = this.config.dashboard;
    if (!isLoopbackHost(host) && this.auth === null)
      throw new ConfigError(
        `refusing to serve the dashboard on ${host}: a non-loopback address needs DASHBOARD_API_KEY (or set DASHBOARD_HOST=127.0.0.1)`,
      );
    const server = createServer((request, response) => void this.handle(request, response));
    server.requestTimeout = 10_000;
    server.headersTimeout = 5_000;
    server.keepAliveTimeout = 5_000;
    server.maxHeadersCount = 64;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        reject(
          error.code === 'EADDRINUSE' || error.code === 'EADDRNOTAVAIL' || error.code === 'EACCES'
            ? new ConfigError(
                `cannot serve the dashboard on ${host}:${port} (${error.code}); choose another DASHBOARD_HOST/DASHBOARD_PORT or set DASHBOARD_ENABLED=false`,
              )
            : error,
        );
      };
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (error) => this.logger.error('dashboard server error', { error }));
    this.server = server;
    const address = this.address() as DashboardAddress;
    this.logger.info(`dashboard listening on ${address.url}`, {
      component: 'dashboard',
      auth: this.auth !== null,
    });
    return address;
  }

  address(): DashboardAddress | null {
    const bound = this.server?.address() as AddressInfo | null | undefined;
    if (!bound) return null;
    const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    return { host: bound.address, port: bound.port, url: `http://${host}:${bound.port}` };
  }

  /** Stops accepting connections and closes the open ones. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let routeName = 'unknown';
    try {
      const url = parseUrl(request.url);
      const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET');
      // Authenticate before routing, so an unauthenticated client learns nothing about the paths.
      if (
        url.pathname !== '/health' &&
        this.auth !== null &&
        !this.auth.matches(ApiKeyCheck.presented(request))
      )
        throw new HttpError(
          401,
          'unauthorized',
          'a valid API key is required (X-API-Key or Authorization: Bearer)',
          {
            'www-authenticate': 'Bearer realm="polybot"',
          },
        );
      const candidates = this.routes
        .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
        .filter((c) => c.match !== null);
      if (candidates.length === 0) throw new HttpError(404, 'not_found', `no route ${url.pathname}`);
      const hit = candidates.find((c) => c.route.method === method);
      if (hit === undefined) {
        const allowed: string[] = [...new Set(candidates.map((c) => c.route.method))];
        if (allowed.includes('GET')) allowed.push('HEAD');
        throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}`, {
          allow: allowed.join(', '),
        });
      }
      routeName = hit.route.name;
      const unknown = [...url.searchParams.keys()].filter((k) => !(hit.route.query ?? []).includes(k));
      if (unknown.length > 0)
        throw new HttpError(
          400,
          'invalid_query',
          `unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
        );
      await hit.route.handle({ request, response, url, params: (hit.match as RegExpExecArray).slice(1) });
    } catch (error) {
      this.fail(response, error, routeName);
    } finally {
      this.metrics.dashboardRequests.inc({ route: routeName, status: String(response.statusCode) });
      this.logger.debug('dashboard request', {
        component: 'dashboard',
        method: request.method,
        route: routeName,
        status: response.statusCode,
      });
    }
  }

  private fail(response: ServerResponse, error: unknown, route: string): void {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    if (error instanceof HttpError) return sendError(response, error);
    if (error instanceof DatabaseError) {
      this.logger.warn('dashboard request failed: database unavailable', {
        route,
        error: describeError(error),
      });
      return sendError(response, new HttpError(503, 'database_unavailable', 'the database is unavailable'));
    }
    this.logger.error('dashboard request failed', { route, error });
    sendError(response, new HttpError(500, 'internal_error', 'the request failed; see the engine log'));
  }

  private buildRoutes(): Route[] {
    return [
      {
        method: 'GET',
        name: '/health',
        pattern: /^\/health\/?$/,
        handle: async ({ response }) => {
          const report = await this.health.check();
          sendJson(response, report.healthy ? 200 : 503, {
            status: report.healthy ? 'ok' : 'unhealthy',
            ...(report.healthy ? {} : { message: `unhealthy: ${report.failing.join(', ')}` }),
            ...report,
          });
        },
      },
      {
        method: 'GET',
        name: '/metrics',
        pattern: /^\/metrics\/?$/,
        handle: async ({ response }) => {
          sendText(response, 200, await this.metrics.registry.render(), this.metrics.registry.contentType);
        },
      },
      {
        method: 'GET',
        name: '/api/positions',
        pattern: /^\/api\/positions\/?$/,
        handle: async ({ response }) => sendJson(response, 200, { positions: await this.data.positions() }),
      },
      {
        method: 'GET',
        name: '/api/orders',
        pattern: /^\/api\/orders\/?$/,
        query: ['state', 'limit'],
        handle: async ({ response, url }) => {
          const state = url.searchParams.get('state') ?? undefined;
          if (state !== undefined && !STATE.test(state))
            throw new HttpError(400, 'invalid_query', 'state must be an order state such as live or filled');
          const limit = parseLimit(url.searchParams.get('limit'));
          const orders = await this.data.orders(state === undefined ? { limit } : { state, limit });
          sendJson(response, 200, { orders });
        },
      },
      {
        method: 'GET',
        name: '/api/watchlist',
        pattern: /^\/api\/watchlist\/?$/,
        handle: async ({ response }) => sendJson(response, 200, { watchlist: await this.data.watchlist() }),
      },
      {
        method: 'GET',
        name: '/api/metrics',
        pattern: /^\/api\/metrics\/?$/,
        handle: async ({ response }) => {
          const [engine, trading] = await Promise.all([
            summarizeEngineMetrics(this.metrics, this.startedAt, this.clock.now()),
            this.data.summary(),
          ]);
          sendJson(response, 200, { mode: this.config.mode, engine, trading });
        },
      },
      {
        method: 'GET',
        name: '/api/approvals',
        pattern: /^\/api\/approvals\/?$/,
        handle: async ({ response }) => sendJson(response, 200, { approvals: await this.data.approvals() }),
      },
      {
        method: 'POST',
        name: '/api/approvals/:id/:decision',
        pattern: /^\/api\/approvals\/([^/]+)\/(approve|reject)\/?$/,
        handle: async ({ request, response, params }) => this.decide(request, response, params),
      },
    ];
  }

  private async decide(
    request: IncomingMessage,
    response: ServerResponse,
    params: readonly string[],
  ): Promise<void> {
    const [rawId, action] = params;
    let id: string;
    try {
      id = decodeURIComponent(rawId ?? '');
    } catch {
      throw new HttpError(400, 'invalid_id', 'approval id is not valid');
    }
    if (!ID.test(id))
      throw new HttpError(400, 'invalid_id', 'approval id must be 1-64 letters, digits, _ or -');
    const body = await readJsonBody(request, MAX_BODY_BYTES);
    const note = body.note;
    if (note !== undefined && (typeof note !== 'string' || note.length > 500))
      throw new HttpError(400, 'invalid_body', 'note must be a string of at most 500 characters');
    const unknown = Object.keys(body).filter((k) => k !== 'note');
    if (unknown.length > 0)
      throw new HttpError(
        400,
        'invalid_body',
        `unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      );
    const decision: ApprovalDecision = action === 'approve' ? 'approve' : 'reject';
    const outcome = await this.data.decide(id, decision, note);
    switch (outcome.result) {
      case 'accepted':
        this.logger.info(
          `approval ${id} ${decision === 'approve' ? 'approved' : 'rejected'} through the dashboard`,
          {
            component: 'dashboard',
            approval: id,
          },
        );
        return sendJson(response, 200, { decision, approval: outcome.approval });
      case 'not_found':
        throw new HttpError(404, 'not_found', `no approval ${id}`);
      case 'conflict':
        throw new HttpError(409, 'conflict', outcome.reason);
    }
  }
}

function parseUrl(raw: string | undefined): URL {
  try {
    return new URL(raw ?? '/', 'http://dashboard.invalid');
  } catch {
    throw new HttpError(400, 'invalid_url', 'the request URL cannot be parsed');
  }
}

function parseLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_LIMIT;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT)
    throw new HttpError(400, 'invalid_query', `limit must be an integer from 1 to ${MAX_LIMIT}`);
  return Number(raw);
}

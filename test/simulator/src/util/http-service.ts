import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestLogEntry, Service } from '../types.js';
import { failReply, type Faults } from '../scenario/faults.js';
import type { RequestLog } from '../scenario/request-log.js';
import { HttpError, type Reply, type RequestContext, type Router } from './http.js';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface HttpServiceDeps {
  readonly faults: Faults;
  readonly log: RequestLog;
  readonly clock: () => number;
  /** Runs before each request (expiry sweeps, heartbeat checks) so a manual clock is honoured. */
  readonly beforeRequest?: () => void;
  /** Unexpected handler failures (bugs) are reported here instead of crashing the process. */
  readonly onInternalError?: (err: unknown, ctx: RequestContext) => void;
}

/**
 * One HTTP listener (CLOB, Gamma or Data). Applies scripted faults, records every request, maps
 * HttpError to the venue's `{"error": …}` bodies and never lets a handler crash the process.
 */
export class HttpService {
  readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly service: Service,
    private readonly router: Router,
    private readonly deps: HttpServiceDeps,
  ) {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const method = (req.method ?? 'GET').toUpperCase();
    const entry: RequestLogEntry = this.deps.log.add({
      service: this.service,
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      status: 0,
      at: this.deps.clock(),
    });

    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 400;
      this.send(res, entry, { status, body: { error: err instanceof Error ? err.message : 'bad request' } });
      return;
    }

    const decision = this.deps.faults.take(this.service, method, url.pathname);
    if (decision.delayMs !== undefined) {
      entry.fault = 'delay';
      const proceed = await this.wait(decision.delayMs, res);
      if (!proceed) return; // client gave up (timeout) or the simulator stopped
    }
    if (decision.terminal?.kind === 'drop') {
      entry.fault = 'drop';
      req.socket.destroy();
      return;
    }
    if (decision.terminal?.kind === 'fail') {
      entry.fault = 'fail';
      this.send(res, entry, failReply(decision.terminal));
      return;
    }

    const ctx: RequestContext = {
      service: this.service,
      method,
      path: url.pathname,
      query: url.searchParams,
      rawBody,
      headers: req.headers,
      params: {},
    };
    this.send(res, entry, await this.dispatch(ctx));
  }

  private async dispatch(base: RequestContext): Promise<Reply> {
    const match = this.router.match(base.method, base.path);
    if (match.kind === 'not-found') return { status: 404, body: { error: 'not found' } };
    if (match.kind === 'method-not-allowed') return { status: 405, body: { error: 'method not allowed' } };
    const ctx: RequestContext = { ...base, params: match.params };
    try {
      this.deps.beforeRequest?.();
      return await match.handler(ctx);
    } catch (err) {
      if (err instanceof HttpError) return { status: err.status, body: { error: err.message, ...err.extra } };
      this.deps.onInternalError?.(err, ctx);
      return { status: 500, body: { error: 'Internal Server Error' } };
    }
  }

  private wait(ms: number, res: ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        res.off('close', onClose);
        resolve(!res.destroyed);
      }, ms);
      const onClose = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        resolve(false);
      };
      this.timers.add(timer);
      res.once('close', onClose);
    });
  }

  private send(res: ServerResponse, entry: RequestLogEntry, reply: Reply): void {
    entry.status = reply.status;
    if (res.destroyed || res.headersSent) return;
    const payload = reply.raw ?? JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(payload),
      ...reply.headers,
    });
    res.end(payload);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'Payload exceeds the limit'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
}

export interface StubReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  /** Wait this long before answering (timeouts). */
  readonly delayMs?: number;
}

export type StubHandler = (request: StubRequest) => StubReply | Promise<StubReply>;

/**
 * A tiny local HTTP server standing in for one Polymarket service in unit tests: routes by
 * "METHOD /path", records every request, counts the most requests ever in flight at once.
 */
export class StubHttpServer {
  readonly requests: StubRequest[] = [];
  readonly routes = new Map<string, StubHandler>();
  inFlight = 0;
  maxInFlight = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  on(route: string, handler: StubHandler): this {
    this.routes.set(route, handler);
    return this;
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  count(route: string): number {
    const [method, path] = route.split(' ');
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stub');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: StubRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: Buffer.concat(chunks).toString(),
    };
    this.requests.push(request);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const handler =
        this.routes.get(`${request.method} ${request.path}`) ??
        [...this.routes.entries()].find(
          ([key]) => key.endsWith('*') && `${request.method} ${request.path}`.startsWith(key.slice(0, -1)),
        )?.[1];
      const reply: StubReply = handler
        ? await handler(request)
        : { status: 404, body: { error: 'not found' } };
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (res.destroyed) return;
      const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? null);
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(body);
    } finally {
      this.inFlight--;
    }
  }
}

/** A local market-channel stand-in: records subscriptions per socket, answers PING, can go silent or deaf. */
export class StubWsServer {
  readonly sockets = new Set<WebSocket>();
  /** Every JSON message received, with the socket it came on. */
  readonly messages: Array<{ socket: WebSocket; message: Record<string, unknown> }> = [];
  /** Assets subscribed per open socket. */
  readonly subscriptions = new Map<WebSocket, Set<string>>();
  answerPing = true;
  /** Text PINGs answered with PONG so far (heartbeat round trips). */
  pingsAnswered = 0;
  /** False → every handshake is refused (503), as during an outage. */
  acceptConnections = true;
  connectionsAccepted = 0;
  /** Called after a socket subscribes (initial or operation); tests send snapshots from here. */
  onSubscribe: ((socket: WebSocket, assets: string[]) => void) | null = null;
  private wss: WebSocketServer | null = null;

  async start(): Promise<string> {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (_info, done) => done(this.acceptConnections, 503),
    });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    wss.on('connection', (socket) => {
      this.connectionsAccepted++;
      this.sockets.add(socket);
      this.subscriptions.set(socket, new Set());
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.subscriptions.delete(socket);
      });
      socket.on('message', (data) => {
        const text = data.toString();
        if (text === 'PING') {
          if (this.answerPing) {
            socket.send('PONG');
            this.pingsAnswered++;
          }
          return;
        }
        const message = JSON.parse(text) as Record<string, unknown>;
        this.messages.push({ socket, message });
        const assets = (message.assets_ids as string[] | undefined) ?? [];
        const set = this.subscriptions.get(socket) ?? new Set<string>();
        if (message.operation === 'unsubscribe') for (const id of assets) set.delete(id);
        else for (const id of assets) set.add(id);
        if (message.operation !== 'unsubscribe') this.onSubscribe?.(socket, assets);
      });
    });
    this.wss = wss;
    return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws/market`;
  }

  /** Every asset currently subscribed over all sockets. */
  subscribedAssets(): Set<string> {
    const all = new Set<string>();
    for (const set of this.subscriptions.values()) for (const id of set) all.add(id);
    return all;
  }

  broadcast(frame: string): void {
    for (const socket of this.sockets) socket.send(frame);
  }

  /** Sends to the socket that carries `asset`. */
  sendFor(asset: string, frame: string): void {
    for (const [socket, set] of this.subscriptions) if (set.has(asset)) socket.send(frame);
  }

  dropAll(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  async stop(): Promise<void> {
    this.dropAll();
    const wss = this.wss;
    this.wss = null;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}

import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RequestLog } from '../scenario/request-log.js';
import type { MarketChannel } from './market-channel.js';
import type { UserChannel } from './user-channel.js';

/** Routes HTTP upgrades on the CLOB listener to the market and user channels. */
export function attachWebSockets(
  server: Server,
  channels: { market: MarketChannel; user: UserChannel },
  log: RequestLog,
  clock: () => number,
): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://sim.local').pathname;
    const channel = path === '/ws/market' ? channels.market : path === '/ws/user' ? channels.user : undefined;
    log.add({ service: 'clob', method: 'GET', path, query: '', status: channel ? 101 : 404, at: clock() });
    if (!channel) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => channel.attach(ws));
  });
  return wss;
}

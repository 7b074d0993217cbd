import type { WebSocket } from 'ws';
import type { OrderRecord, TradeRecord } from '../venue/records.js';
import type { Venue } from '../venue/venue.js';
import { userOrderEvent, userTradeEvent } from './frames.js';

interface UserClient {
  readonly socket: WebSocket;
  apiKey: string | undefined;
  /** Lower-case condition ids; empty = every market. */
  readonly markets: Set<string>;
}

export const UNAUTHORIZED_CLOSE_CODE = 1008;

/**
 * `/ws/user`: authenticate in the subscribe message (`auth:{apiKey,secret,passphrase}`, in clear),
 * filter by condition ids, receive `order` (PLACEMENT/UPDATE/CANCELLATION) and `trade` events
 * (MATCHED → MINED → CONFIRMED) for that key's orders.
 */
export class UserChannel {
  private readonly clients = new Set<UserClient>();
  private frozen = false;

  constructor(private readonly venue: Venue) {
    venue.events.on('order', ({ type, order }) =>
      this.forOwner(order.owner, order, () => JSON.stringify(userOrderEvent(type, order, venue))),
    );
    const onTrade = ({ trade }: { trade: TradeRecord }): void => {
      const viewers = new Set([trade.takerOwner, trade.maker.owner]);
      for (const viewer of viewers)
        this.forOwner(viewer, trade, () => JSON.stringify(userTradeEvent(trade, viewer, venue)));
    };
    venue.events.on('trade', onTrade);
    venue.events.on('tradeStatus', onTrade);
  }

  attach(socket: WebSocket): void {
    const client: UserClient = { socket, apiKey: undefined, markets: new Set() };
    this.clients.add(client);
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(client, data.toString());
    });
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
  }

  freeze(on: boolean): void {
    this.frozen = on;
  }

  dropAll(): void {
    for (const client of [...this.clients]) client.socket.terminate();
  }

  sendRaw(frame: string): void {
    for (const client of this.clients)
      if (client.socket.readyState === client.socket.OPEN) client.socket.send(frame);
  }

  count(): number {
    return this.clients.size;
  }

  private onMessage(client: UserClient, text: string): void {
    if (text === 'PING') {
      client.socket.send('PONG');
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text) as unknown;
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return;
    const m = msg as Record<string, unknown>;
    const markets = Array.isArray(m['markets'])
      ? m['markets'].filter((x): x is string => typeof x === 'string')
      : [];
    const operation = typeof m['operation'] === 'string' ? m['operation'].toLowerCase() : undefined;
    if (operation === 'unsubscribe') {
      for (const id of markets) client.markets.delete(id.toLowerCase());
      return;
    }
    if (operation === 'subscribe' && client.apiKey !== undefined) {
      for (const id of markets) client.markets.add(id.toLowerCase());
      return;
    }
    const auth = m['auth'];
    const creds = typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>) : {};
    const record = typeof creds['apiKey'] === 'string' ? this.venue.apiKeys.get(creds['apiKey']) : undefined;
    if (!record || record.secret !== creds['secret'] || record.passphrase !== creds['passphrase']) {
      client.socket.close(UNAUTHORIZED_CLOSE_CODE, 'Unauthorized/Invalid api key');
      this.clients.delete(client);
      return;
    }
    client.apiKey = record.key;
    for (const id of markets) client.markets.add(id.toLowerCase());
  }

  private forOwner(owner: string, subject: OrderRecord | TradeRecord, render: () => string): void {
    if (this.frozen) return;
    let frame: string | undefined;
    const market = subject.market.conditionId.toLowerCase();
    for (const client of this.clients) {
      if (client.apiKey !== owner) continue;
      if (client.markets.size > 0 && !client.markets.has(market)) continue;
      frame ??= render();
      if (client.socket.readyState === client.socket.OPEN) client.socket.send(frame);
    }
  }
}

import type { WebSocket } from 'ws';
import type { Venue } from '../venue/venue.js';
import {
  bestBidAskEvent,
  bookEvent,
  lastTradeEvent,
  newMarketEvent,
  priceChangeEvent,
  tickSizeEvent,
  tradeToPrint,
} from './frames.js';

interface MarketClient {
  readonly socket: WebSocket;
  readonly assets: Set<string>;
  custom: boolean;
}

/** Close code sent when a socket subscribes to more assets than the per-connection limit. */
export const ASSET_LIMIT_CLOSE_CODE = 1008;

/**
 * `/ws/market`: subscribe with `{assets_ids, type:"market"}`, get one JSON array of `book` snapshots,
 * then price_change / book / last_trade_price / tick_size_change frames. Text PING → PONG.
 */
export class MarketChannel {
  private readonly clients = new Set<MarketClient>();
  private readonly byAsset = new Map<string, Set<MarketClient>>();
  private frozen = false;

  constructor(
    private readonly venue: Venue,
    private readonly assetLimit: number,
  ) {
    const { events } = venue;
    events.on('levels', ({ market, changes }) => {
      const assets = [...new Set(changes.map((c) => c.assetId))];
      this.publish(assets, () => JSON.stringify(priceChangeEvent(venue, market, changes)));
      for (const asset of assets) this.publishBestBidAsk(asset);
    });
    events.on('book', ({ market, assetId }) => {
      const ref = venue.registry.token(assetId);
      if (!ref) return;
      this.publish([assetId], () => JSON.stringify(bookEvent(venue, market, ref.outcomeIndex)));
      this.publishBestBidAsk(assetId);
    });
    events.on('trade', ({ trade }) =>
      this.publish([trade.assetId], () => JSON.stringify(lastTradeEvent(tradeToPrint(trade)))),
    );
    events.on('print', ({ print }) =>
      this.publish([print.tokenId], () => JSON.stringify(lastTradeEvent(print))),
    );
    events.on('tickSize', ({ market, assetId, oldTick, newTick }) =>
      this.publish([assetId], () =>
        JSON.stringify(tickSizeEvent(market, assetId, oldTick, newTick, venue.now())),
      ),
    );
    events.on('newMarket', ({ market }) => {
      const frame = JSON.stringify(newMarketEvent(market, venue.now()));
      for (const client of this.clients) if (client.custom) this.send(client, frame);
    });
  }

  attach(socket: WebSocket): void {
    const client: MarketClient = { socket, assets: new Set(), custom: false };
    this.clients.add(client);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.onMessage(client, data.toString());
    });
    socket.on('close', () => this.detach(client));
    socket.on('error', () => this.detach(client));
  }

  /** Silent freeze: sockets stay open and PONG is answered, but no data frames are sent. */
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

  info(): { sockets: number; assetCounts: number[] } {
    return { sockets: this.clients.size, assetCounts: [...this.clients].map((c) => c.assets.size) };
  }

  private onMessage(client: MarketClient, text: string): void {
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
    const ids = Array.isArray(m['assets_ids'])
      ? m['assets_ids'].filter((a): a is string => typeof a === 'string')
      : undefined;
    if (m['custom_feature_enabled'] === true) client.custom = true;
    if (!ids) return;
    const operation = typeof m['operation'] === 'string' ? m['operation'].toLowerCase() : undefined;
    if (operation === undefined && typeof m['type'] === 'string' && m['type'].toLowerCase() !== 'market')
      return;
    if (operation === 'unsubscribe') {
      for (const id of ids) this.unsubscribe(client, id);
      return;
    }
    const added = ids.filter((id) => !client.assets.has(id));
    if (client.assets.size + added.length > this.assetLimit) {
      client.socket.close(
        ASSET_LIMIT_CLOSE_CODE,
        `too many assets: ${client.assets.size + added.length} > ${this.assetLimit} per connection`,
      );
      this.detach(client);
      return;
    }
    for (const id of added) {
      client.assets.add(id);
      let set = this.byAsset.get(id);
      if (!set) {
        set = new Set();
        this.byAsset.set(id, set);
      }
      set.add(client);
    }
    if (m['initial_dump'] === false) return;
    const books = added
      .map((id) => this.venue.registry.token(id))
      .filter((ref) => ref !== undefined)
      .map((ref) => bookEvent(this.venue, ref.market, ref.outcomeIndex));
    this.send(client, JSON.stringify(books));
  }

  private unsubscribe(client: MarketClient, id: string): void {
    client.assets.delete(id);
    this.byAsset.get(id)?.delete(client);
  }

  private detach(client: MarketClient): void {
    if (!this.clients.delete(client)) return;
    for (const id of client.assets) this.byAsset.get(id)?.delete(client);
  }

  private publish(assets: readonly string[], render: () => string): void {
    if (this.frozen) return;
    const targets = new Set<MarketClient>();
    for (const asset of assets) for (const c of this.byAsset.get(asset) ?? []) targets.add(c);
    if (targets.size === 0) return;
    const frame = render();
    for (const client of targets) this.send(client, frame);
  }

  private publishBestBidAsk(assetId: string): void {
    const subscribers = [...(this.byAsset.get(assetId) ?? [])].filter((c) => c.custom);
    if (subscribers.length === 0 || this.frozen) return;
    const ref = this.venue.registry.token(assetId);
    if (!ref) return;
    const frame = JSON.stringify(bestBidAskEvent(this.venue, ref.market, ref.outcomeIndex));
    for (const client of subscribers) this.send(client, frame);
  }

  private send(client: MarketClient, frame: string): void {
    if (this.frozen && frame !== 'PONG') return;
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(frame);
  }
}

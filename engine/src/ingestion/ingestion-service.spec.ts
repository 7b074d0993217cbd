import { expect } from 'chai';
import { MarketCatalog } from './catalog/market-catalog.js';
import { BookStore } from './feed/book-store.js';
import { MarketFeed } from './feed/market-feed.js';
import { HttpClient } from './http/http-client.js';
import { IngestionService } from './ingestion-service.js';
import { ClobPublicClient } from './rest/clob-public-client.js';
import { GammaClient } from './rest/gamma-client.js';
import { SubscriptionBridge } from './subscription-bridge.js';
import { testDeps } from './testing/context.js';
import { bookEvent, conditionIdFor, gammaMarket, tokenIdFor } from './testing/fixtures.js';
import { MemoryMarketSink, MemoryTapeSink } from './testing/memory-sinks.js';
import { StubHttpServer, StubWsServer } from './testing/stub-server.js';
import { waitFor } from './testing/wait-for.js';

describe('IngestionService and SubscriptionBridge', () => {
  let rest: StubHttpServer;
  let ws: StubWsServer;
  let service: IngestionService;
  let listing: Array<Record<string, unknown>>;

  beforeEach(async () => {
    listing = [gammaMarket(1), gammaMarket(2), gammaMarket(3, { active: false })];
    rest = new StubHttpServer();
    ws = new StubWsServer();
    const restUrl = await rest.start();
    const wsUrl = await ws.start();
    rest.on('GET /markets', (req) => {
      const offset = Number(req.query.get('offset'));
      return {
        body: listing.filter((m) => m.closed !== true).slice(offset, offset + Number(req.query.get('limit'))),
      };
    });
    rest.on('GET /markets/*', (req) => ({ body: listing.find((m) => m.id === req.path.split('/').pop()) }));
    ws.onSubscribe = (socket, assets) =>
      socket.send(JSON.stringify(assets.map((id) => bookEvent(id, [], []))));
    const deps = testDeps({
      polymarket: { gammaUrl: restUrl, clobUrl: restUrl, wsUrl },
      ingestion: { marketRefreshSeconds: 0, connectionSpacingMs: 1, pingIntervalSeconds: 0.05 },
    });
    const http = new HttpClient(deps.config, deps.logger, deps.metrics);
    const catalog = new MarketCatalog(
      deps.config,
      new GammaClient(http, deps.logger, deps.metrics),
      new MemoryMarketSink(),
      deps.logger,
      deps.metrics,
    );
    const feed = new MarketFeed(
      deps.config,
      new BookStore(),
      new ClobPublicClient(http, deps.clock),
      new MemoryTapeSink(),
      deps.clock,
      deps.logger,
      deps.metrics,
    );
    service = new IngestionService(
      catalog,
      feed,
      new SubscriptionBridge(catalog, feed, deps.logger),
      http,
      deps.logger,
    );
  });

  afterEach(async () => {
    await service.stop();
    await ws.stop();
    await rest.stop();
  });

  it('starts the catalogue, then subscribes the live markets and follows them as they change', async () => {
    const summary = await service.start();
    expect(summary.loaded).to.equal(3);
    await waitFor(() => ws.subscribedAssets().size === 4, 'live tokens subscribed');
    expect(ws.subscribedAssets().has(tokenIdFor(3, 0))).to.equal(false);

    listing.push(gammaMarket(4));
    listing[0] = { ...listing[0], closed: true };
    listing[2] = { ...listing[2], active: true };
    await service.catalog.refresh();
    await waitFor(() => ws.subscribedAssets().size === 6, 'subscriptions follow the refresh');
    expect(ws.subscribedAssets().has(tokenIdFor(1, 0))).to.equal(false);
    expect(ws.subscribedAssets().has(tokenIdFor(3, 0))).to.equal(true);
    expect(ws.subscribedAssets().has(tokenIdFor(4, 1))).to.equal(true);

    ws.broadcast(
      JSON.stringify({
        event_type: 'tick_size_change',
        asset_id: tokenIdFor(2, 0),
        market: conditionIdFor(2),
        old_tick_size: '0.01',
        new_tick_size: '0.001',
        timestamp: String(Date.now()),
      }),
    );
    await waitFor(() => service.catalog.get(conditionIdFor(2))?.tickSize === '0.001', 'tick followed');

    ws.broadcast(
      JSON.stringify({
        event_type: 'market_resolved',
        market: conditionIdFor(2),
        assets_ids: [tokenIdFor(2, 0)],
        timestamp: '1',
      }),
    );
    await waitFor(() => !ws.subscribedAssets().has(tokenIdFor(2, 0)), 'resolved market unsubscribed');
    expect(service.catalog.get(conditionIdFor(2))?.closed).to.equal(true);
  });

  it('stops everything it started', async () => {
    await service.start();
    await waitFor(() => ws.sockets.size === 1, 'connected');
    await service.stop();
    await waitFor(() => ws.sockets.size === 0, 'socket closed');
    await service.stop();
  });
});

import { expect } from 'chai';
import { container, Lifecycle } from 'tsyringe';
import { Tokens } from '../di/tokens.js';
import { MarketCatalog } from './catalog/market-catalog.js';
import { BookStore } from './feed/book-store.js';
import { MarketFeed } from './feed/market-feed.js';
import { HttpClient } from './http/http-client.js';
import { IngestionService } from './ingestion-service.js';
import { ClobPublicClient } from './rest/clob-public-client.js';
import { DataApiClient } from './rest/data-api-client.js';
import { GammaClient } from './rest/gamma-client.js';
import { SubscriptionBridge } from './subscription-bridge.js';
import { testDeps } from './testing/context.js';
import { MemoryMarketSink, MemoryTapeSink } from './testing/memory-sinks.js';
import { TradeHelpers } from './trades/trade-helpers.js';

describe('ingestion dependency injection', () => {
  it('resolves every ingestion service by token from explicit registrations', async () => {
    const deps = testDeps();
    const c = container.createChildContainer();
    c.register(Tokens.Config, { useValue: deps.config });
    c.register(Tokens.Logger, { useValue: deps.logger });
    c.register(Tokens.Metrics, { useValue: deps.metrics });
    c.register(Tokens.Clock, { useValue: deps.clock });
    c.register(Tokens.MarketSink, { useValue: new MemoryMarketSink() });
    c.register(Tokens.TapeSink, { useValue: new MemoryTapeSink() });
    const singletons: Array<[symbol, new (...args: never[]) => unknown]> = [
      [Tokens.HttpClient, HttpClient],
      [Tokens.GammaClient, GammaClient],
      [Tokens.ClobPublicClient, ClobPublicClient],
      [Tokens.DataApiClient, DataApiClient],
      [Tokens.BookStore, BookStore],
      [Tokens.MarketCatalog, MarketCatalog],
      [Tokens.MarketFeed, MarketFeed],
      [Tokens.SubscriptionBridge, SubscriptionBridge],
      [Tokens.TradeHelpers, TradeHelpers],
      [Tokens.Ingestion, IngestionService],
    ];
    for (const [token, cls] of singletons)
      c.register(token, { useClass: cls }, { lifecycle: Lifecycle.Singleton });

    const service = c.resolve<IngestionService>(Tokens.Ingestion);
    const helpers = c.resolve<TradeHelpers>(Tokens.TradeHelpers);
    expect(service).to.be.instanceOf(IngestionService);
    expect(helpers).to.be.instanceOf(TradeHelpers);
    expect(service.feed).to.equal(c.resolve(Tokens.MarketFeed));
    expect(service.catalog).to.equal(c.resolve(Tokens.MarketCatalog));
    await service.stop();
    c.dispose();
  });
});

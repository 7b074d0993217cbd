import { inject, injectable } from 'tsyringe';
import { Tokens } from '../di/tokens.js';
import type { Logger } from '../monitoring/logger.js';
import type { MarketCatalog, StartupSummary } from './catalog/market-catalog.js';
import type { MarketFeed } from './feed/market-feed.js';
import type { HttpClient } from './http/http-client.js';
import type { SubscriptionBridge } from './subscription-bridge.js';

/**
 * Starts and stops ingestion in the right order: the capped catalogue first (G8: ready in
 * seconds), then subscriptions and the feed; on stop, the reverse, and the HTTP client last.
 */
@injectable()
export class IngestionService {
  private running = false;

  constructor(
    @inject(Tokens.MarketCatalog) readonly catalog: MarketCatalog,
    @inject(Tokens.MarketFeed) readonly feed: MarketFeed,
    @inject(Tokens.SubscriptionBridge) private readonly bridge: SubscriptionBridge,
    @inject(Tokens.HttpClient) private readonly http: HttpClient,
    @inject(Tokens.Logger) private readonly logger: Logger,
  ) {}

  async start(): Promise<StartupSummary> {
    const summary = await this.catalog.start();
    this.bridge.start();
    this.feed.start();
    this.running = true;
    this.logger.info('ingestion started', {
      component: 'ingestion',
      markets: summary.loaded,
      subscribed: this.feed.health().subscribed,
      connections: this.feed.health().connections,
    });
    return summary;
  }

  async stop(): Promise<void> {
    if (!this.running) {
      this.http.close();
      return;
    }
    this.running = false;
    this.bridge.stop();
    await this.feed.stop();
    // Stop the catalogue first (so an aborted background page is not reported as a failure), then
    // close HTTP so nothing waits for a request's timeout.
    const catalogStopped = this.catalog.stop();
    this.http.close();
    await catalogStopped;
  }
}

import { inject, injectable } from 'tsyringe';
import { Tokens } from '../di/tokens.js';
import { describeError } from '../errors.js';
import type { Logger } from '../monitoring/logger.js';
import { isLive, type MarketCatalog } from './catalog/market-catalog.js';
import type { MarketFeed } from './feed/market-feed.js';
import type { Market } from './types.js';

/**
 * Keeps the feed's subscriptions equal to the catalogue's live markets: subscribes as markets open,
 * unsubscribes as they close or resolve, and lets the catalogue follow live tick-size changes.
 */
@injectable()
export class SubscriptionBridge {
  private readonly disposers: Array<() => void> = [];

  constructor(
    @inject(Tokens.MarketCatalog) private readonly catalog: MarketCatalog,
    @inject(Tokens.MarketFeed) private readonly feed: MarketFeed,
    @inject(Tokens.Logger) private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.disposers.length > 0) return;
    this.feed.subscribe(this.catalog.liveTokenIds());
    this.disposers.push(
      this.catalog.on('marketsAdded', (markets) => this.feed.subscribe(tokensOf(markets.filter(isLive)))),
      this.catalog.on('marketsUpdated', (markets) => {
        this.feed.subscribe(tokensOf(markets.filter(isLive)));
        this.feed.unsubscribe(tokensOf(markets.filter((m) => !isLive(m))));
      }),
      this.catalog.on('marketsClosed', (markets) => this.feed.unsubscribe(tokensOf(markets))),
      this.feed.on('tickSizeChange', (event) => {
        this.catalog.applyTickSize(event.tokenId, event.newTickSize).catch((error: unknown) =>
          this.logger.error('could not record a tick-size change', {
            component: 'ingestion',
            market: event.conditionId,
            error: describeError(error),
          }),
        );
      }),
      this.feed.on('marketResolved', (event) => {
        this.catalog.markClosed(event.conditionId).catch((error: unknown) =>
          this.logger.error('could not record a resolved market', {
            component: 'ingestion',
            market: event.conditionId,
            error: describeError(error),
          }),
        );
      }),
    );
  }

  stop(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
  }
}

function tokensOf(markets: readonly Market[]): string[] {
  const out: string[] = [];
  for (const market of markets) for (const token of market.tokens) out.push(token.tokenId);
  return out;
}

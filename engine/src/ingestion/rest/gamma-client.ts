import { inject, injectable } from 'tsyringe';
import type { Counter } from 'prom-client';
import { Tokens } from '../../di/tokens.js';
import { VenueError } from '../../errors.js';
import type { Logger } from '../../monitoring/logger.js';
import type { MetricsRegistry } from '../../monitoring/metrics.js';
import { normalizeGammaMarket } from '../catalog/normalize-market.js';
import type { HttpClient } from '../http/http-client.js';
import type { Market } from '../types.js';
import { compileSchema } from '../validation/ajv.js';
import { validateArray } from '../validation/rest-schemas.js';

export interface MarketPageQuery {
  readonly limit: number;
  readonly offset: number;
  /** Gamma silently applies closed=false when omitted (reference §10); we always say what we want. */
  readonly closed?: boolean;
}

export interface MarketPage {
  /** Items the server returned, usable or not: paging advances by this. */
  readonly received: number;
  readonly markets: Market[];
  readonly skipped: number;
}

const validateObject = compileSchema<Record<string, unknown>>({ type: 'object' });

/** Gamma's market listing (reference §10): bare arrays, limit/offset paging, JSON-string fields. */
@injectable()
export class GammaClient {
  private readonly skippedMarkets: Counter<'reason'>;

  constructor(
    @inject(Tokens.HttpClient) private readonly http: HttpClient,
    @inject(Tokens.Logger) private readonly logger: Logger,
    @inject(Tokens.Metrics) metrics: MetricsRegistry,
  ) {
    this.skippedMarkets = metrics.counter(
      'polybot_ingestion_markets_skipped_total',
      'Gamma markets skipped during a sync because they were malformed, by reason',
      ['reason'],
    );
  }

  /** One page, ordered by Gamma id so offsets stay stable while new markets are appended. */
  async getMarketsPage(query: MarketPageQuery): Promise<MarketPage> {
    const raw = await this.http.request({
      service: 'gamma',
      path: '/markets',
      query: {
        limit: query.limit,
        offset: query.offset,
        closed: query.closed ?? false,
        order: 'id',
        ascending: true,
        include_tag: true,
      },
      validate: validateArray,
    });
    const markets: Market[] = [];
    let skipped = 0;
    for (const item of raw) {
      const market = this.normalize(item);
      if (market) markets.push(market);
      else skipped++;
    }
    return { received: raw.length, markets, skipped };
  }

  /** One market by Gamma id, closed ones included; null when Gamma no longer knows it or it is malformed. */
  async getMarket(gammaId: string): Promise<Market | null> {
    try {
      const raw = await this.http.request({
        service: 'gamma',
        path: `/markets/${encodeURIComponent(gammaId)}`,
        endpoint: '/markets/:id',
        query: { include_tag: true },
        validate: validateObject,
      });
      return this.normalize(raw);
    } catch (error) {
      if (error instanceof VenueError && error.status === 404) return null;
      throw error;
    }
  }

  private normalize(item: unknown): Market | null {
    const result = normalizeGammaMarket(item);
    if (result.ok) return result.market;
    this.skippedMarkets.labels(result.reason).inc();
    this.logger.warn('skipping malformed Gamma market', {
      component: 'gamma',
      market: result.id,
      reason: result.reason,
      detail: result.detail,
    });
    return null;
  }
}

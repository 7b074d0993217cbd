import { inject, injectable } from 'tsyringe';
import type { Counter } from 'prom-client';
import { Tokens } from '../../di/tokens.js';
import type { Logger } from '../../monitoring/logger.js';
import type { MetricsRegistry } from '../../monitoring/metrics.js';
import { describeValidationErrors } from '../validation/ajv.js';
import { numberToDecimalText } from '../decimal.js';
import type { HttpClient } from '../http/http-client.js';
import type { Trade } from '../types.js';
import { validateArray, validateDataTrade } from '../validation/rest-schemas.js';

export interface TradeQuery {
  /** Most recent N fills (the API's default is 100). */
  readonly limit?: number;
  readonly offset?: number;
  /** Each match once, on the taker side (the API's default). */
  readonly takerOnly?: boolean;
}

/**
 * The Data API's `/trades` (reference §11). Beware: it returns the most recent fills with no
 * recency guarantee — they can be months old (G1). Callers that want live trades use
 * `TradeHelpers.getRecentTrades`, which filters by timestamp.
 */
@injectable()
export class DataApiClient {
  private readonly skipped: Counter<'reason'>;

  constructor(
    @inject(Tokens.HttpClient) private readonly http: HttpClient,
    @inject(Tokens.Logger) private readonly logger: Logger,
    @inject(Tokens.Metrics) metrics: MetricsRegistry,
  ) {
    this.skipped = metrics.counter(
      'polybot_ingestion_trades_skipped_total',
      'Data API trades dropped because they were malformed',
      ['reason'],
    );
  }

  /** Fills of one condition, newest first as the API sends them. Malformed items are skipped and counted. */
  async getTrades(conditionId: string, query: TradeQuery = {}): Promise<Trade[]> {
    const raw = await this.http.request({
      service: 'data',
      path: '/trades',
      query: {
        market: conditionId,
        limit: query.limit ?? 100,
        offset: query.offset,
        takerOnly: query.takerOnly ?? true,
      },
      validate: validateArray,
    });
    const trades: Trade[] = [];
    for (const item of raw) {
      if (!validateDataTrade(item)) {
        this.skipped.labels('schema').inc();
        this.logger.debug('skipping malformed Data API trade', {
          component: 'data-api',
          conditionId,
          problem: describeValidationErrors(validateDataTrade.errors),
        });
        continue;
      }
      const side = item.side === 'BUY' || item.side === 'SELL' ? item.side : null;
      trades.push({
        conditionId: item.conditionId,
        tokenId: item.asset,
        side,
        price: item.price,
        priceText: numberToDecimalText(item.price),
        size: item.size,
        sizeText: numberToDecimalText(item.size),
        // Seconds on this API; a value that already looks like ms (13 digits) is taken as ms.
        timestamp: item.timestamp > 1e12 ? item.timestamp : item.timestamp * 1000,
        outcome: item.outcome ?? null,
        outcomeIndex: item.outcomeIndex ?? null,
        transactionHash: item.transactionHash ?? null,
      });
    }
    return trades;
  }
}

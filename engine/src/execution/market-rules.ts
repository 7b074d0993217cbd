import { inject, injectable } from 'tsyringe';
import { Tokens } from '../di/tokens.js';
import type { MarketRepositoryApi } from '../storage/index.js';
import type { Clock } from '../util/clock.js';
import type { Exchange } from './exchange.js';
import { parseTickSize, type MarketRules } from './order-math.js';
import type { MarketRulesSource, PaperMarketRules } from './ports.js';

/** Market rules from the stored catalogue (markets table). */
@injectable()
export class StoredMarketRules implements MarketRulesSource {
  constructor(@inject(Tokens.MarketRepository) private readonly markets: MarketRepositoryApi) {}

  async rules(tokenId: string): Promise<PaperMarketRules | null> {
    const found = await this.markets.getToken(tokenId);
    if (!found) return null;
    return {
      tickSize: parseTickSize(found.market.tickSize),
      minOrderSize: found.market.minOrderSize,
      negRisk: found.market.negRisk,
    };
  }
}

/**
 * Rules per token for order planning: the catalogue first (no venue round trip on the hot path),
 * the venue when the catalogue does not know the token; cached for `ttlMs` and dropped on a
 * tick-size change or a tick-size reject.
 */
export class MarketRulesCache {
  private readonly cache = new Map<string, { rules: MarketRules; at: number }>();

  constructor(
    private readonly source: MarketRulesSource | undefined,
    private readonly exchange: Exchange,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async get(tokenId: string): Promise<MarketRules> {
    const hit = this.cache.get(tokenId);
    if (hit && this.clock.now() - hit.at < this.ttlMs) return hit.rules;
    const known = this.source ? await this.source.rules(tokenId) : null;
    const rules: MarketRules = known
      ? { tickSize: known.tickSize, minOrderSize: known.minOrderSize, negRisk: known.negRisk }
      : await this.exchange.getMarketRules(tokenId);
    this.cache.set(tokenId, { rules, at: this.clock.now() });
    return rules;
  }

  invalidate(tokenId: string): void {
    this.cache.delete(tokenId);
  }
}

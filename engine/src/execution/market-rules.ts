import { inject, injectable } from 'tsyringe';
import { Tokens } from '../di/tokens.js';
import type { MarketRepositoryApi } from '../storage/index.js';
import type { Clock } from '../util/clock.js';
import type { Exchange } from './exchange.js';
import { parseTickSize, type MarketRules, type TickSize } from './order-math.js';
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
 * the venue when the catalogue does not know the token; cached for `ttlMs`.
 *
 * B2: after a tick-size change the catalogue is not to be trusted for that token. It follows the
 * feed asynchronously (a database write), and not at all for a token it does not hold, so merely
 * dropping the cached entry would re-read — and cache — the old tick. A change announced with its
 * new tick is applied over the catalogue until the catalogue shows the same tick; a change without
 * it, or a tick-size refusal, sends the next read to the venue.
 */
export class MarketRulesCache {
  private readonly cache = new Map<string, { rules: MarketRules; at: number }>();
  /** Ticks the venue announced (tick_size_change), kept until the catalogue agrees. */
  private readonly announced = new Map<string, TickSize>();
  /** Tokens whose next read must come from the venue: what we knew was contradicted. */
  private readonly askVenue = new Set<string>();

  constructor(
    private readonly source: MarketRulesSource | undefined,
    private readonly exchange: Exchange,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async get(tokenId: string): Promise<MarketRules> {
    const hit = this.cache.get(tokenId);
    if (hit && this.clock.now() - hit.at < this.ttlMs) return hit.rules;
    const rules = await this.read(tokenId);
    this.cache.set(tokenId, { rules, at: this.clock.now() });
    return rules;
  }

  /** Whether the token's tick changed since the catalogue last agreed: rules a caller holds may be stale. */
  changed(tokenId: string): boolean {
    return this.announced.has(tokenId) || this.askVenue.has(tokenId);
  }

  /** The venue changed the token's tick size; `tickSize` is the new tick when the announcement carries one. */
  tickSizeChanged(tokenId: string, tickSize?: TickSize): void {
    this.cache.delete(tokenId);
    if (tickSize === undefined) {
      this.announced.delete(tokenId);
      this.askVenue.add(tokenId);
    } else {
      this.announced.set(tokenId, tickSize);
      this.askVenue.delete(tokenId);
    }
  }

  /** The venue refused an order's tick: whatever we believed is wrong, so the next read asks the venue. */
  invalidate(tokenId: string): void {
    this.cache.delete(tokenId);
    this.announced.delete(tokenId);
    this.askVenue.add(tokenId);
  }

  private async read(tokenId: string): Promise<MarketRules> {
    if (this.askVenue.has(tokenId)) {
      const rules = await this.exchange.getMarketRules(tokenId);
      this.askVenue.delete(tokenId);
      return rules;
    }
    const known = this.source ? await this.source.rules(tokenId) : null;
    if (!known) {
      const rules = await this.exchange.getMarketRules(tokenId);
      // The venue's answer is newer than any announcement.
      this.announced.delete(tokenId);
      return rules;
    }
    const announced = this.announced.get(tokenId);
    if (announced !== undefined && announced !== known.tickSize) {
      return { tickSize: announced, minOrderSize: known.minOrderSize, negRisk: known.negRisk };
    }
    this.announced.delete(tokenId);
    return { tickSize: known.tickSize, minOrderSize: known.minOrderSize, negRisk: known.negRisk };
  }
}

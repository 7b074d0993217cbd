import type { MarketInfo, TokenInfo } from '@polybot/sdk';
import type { MarketLookup } from '../core/index.js';
import type { Market, MarketCatalog, MarketToken } from '../ingestion/index.js';
import type { MarketRepositoryApi, TokenWithMarket } from '../storage/index.js';

export function toMarketInfo(
  market: Pick<
    Market,
    'conditionId' | 'question' | 'category' | 'tags' | 'endDate' | 'negRisk' | 'tickSize' | 'minOrderSize'
  >,
): MarketInfo {
  return {
    conditionId: market.conditionId,
    question: market.question,
    category: market.category,
    tags: market.tags,
    endDate: market.endDate === null ? null : market.endDate.getTime(),
    negRisk: market.negRisk,
    tickSize: Number(market.tickSize),
    minOrderSize: Number(market.minOrderSize),
  };
}

function fromStorage(found: TokenWithMarket): { market: MarketInfo; token: TokenInfo } {
  return {
    market: toMarketInfo(found.market),
    token: { tokenId: found.token.tokenId, outcome: found.token.outcome },
  };
}

/**
 * Token → market for core. The catalogue holds every synced market in memory (the hot path
 * never waits on the database); a token the catalogue does not know yet — a market still being
 * synced in the background (G8) — is looked up in storage once and remembered.
 */
export class CatalogMarketLookup implements MarketLookup {
  private readonly converted = new Map<string, { source: Market; info: MarketInfo }>();
  private readonly stored = new Map<string, { market: MarketInfo; token: TokenInfo } | null>();

  constructor(
    private readonly catalog: MarketCatalog,
    private readonly repository: MarketRepositoryApi,
  ) {}

  async lookup(tokenId: string): Promise<{ market: MarketInfo; token: TokenInfo } | null> {
    const found = this.catalog.byToken(tokenId);
    if (found !== undefined) return { market: this.info(found.market), token: toTokenInfo(found.token) };
    if (this.stored.has(tokenId)) return this.stored.get(tokenId) ?? null;
    const row = await this.repository.getToken(tokenId);
    const result = row === null ? null : fromStorage(row);
    if (result !== null) this.stored.set(tokenId, result);
    return result;
  }

  /** Converted once per market object: the catalogue replaces the object when the market changes. */
  private info(market: Market): MarketInfo {
    const cached = this.converted.get(market.conditionId);
    if (cached !== undefined && cached.source === market) return cached.info;
    const info = toMarketInfo(market);
    this.converted.set(market.conditionId, { source: market, info });
    return info;
  }
}

function toTokenInfo(token: MarketToken): TokenInfo {
  return { tokenId: token.tokenId, outcome: token.outcome };
}

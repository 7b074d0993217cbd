import { Slugs } from '../generator/generator.js';
import type { SimEvent, SimMarket } from '../types.js';

export interface TokenRef {
  readonly market: SimMarket;
  readonly outcomeIndex: 0 | 1;
}

/** Every market and event the venue lists, indexed by condition id, token id, Gamma id and slug. */
export class MarketRegistry {
  private readonly markets: SimMarket[] = [];
  private readonly byCondition = new Map<string, SimMarket>();
  private readonly byGammaId = new Map<string, SimMarket>();
  private readonly bySlug = new Map<string, SimMarket>();
  private readonly byToken = new Map<string, TokenRef>();
  private readonly events: SimEvent[] = [];
  private readonly eventsById = new Map<string, SimEvent>();
  private readonly eventsBySlug = new Map<string, SimEvent>();
  /** Slugs in use; generated and scripted markets claim theirs here so all stay unique. */
  readonly slugs = new Slugs();

  addMarket(market: SimMarket): void {
    const key = market.conditionId.toLowerCase();
    if (this.byCondition.has(key)) throw new Error(`condition id already listed: ${market.conditionId}`);
    for (const t of market.tokenIds) {
      if (this.byToken.has(t)) throw new Error(`token id already listed: ${t}`);
    }
    this.markets.push(market);
    this.byCondition.set(key, market);
    this.byGammaId.set(market.id, market);
    this.bySlug.set(market.slug, market);
    market.tokenIds.forEach((t, i) => this.byToken.set(t, { market, outcomeIndex: i as 0 | 1 }));
  }

  addEvent(event: SimEvent): void {
    this.events.push(event);
    this.eventsById.set(event.id, event);
    this.eventsBySlug.set(event.slug, event);
  }

  market(conditionId: string): SimMarket | undefined {
    return this.byCondition.get(conditionId.toLowerCase());
  }

  marketByGammaId(id: string): SimMarket | undefined {
    return this.byGammaId.get(id);
  }

  marketBySlug(slug: string): SimMarket | undefined {
    return this.bySlug.get(slug);
  }

  token(tokenId: string): TokenRef | undefined {
    return this.byToken.get(tokenId);
  }

  allMarkets(): readonly SimMarket[] {
    return this.markets;
  }

  allEvents(): readonly SimEvent[] {
    return this.events;
  }

  event(id: string): SimEvent | undefined {
    return this.eventsById.get(id);
  }

  eventBySlug(slug: string): SimEvent | undefined {
    return this.eventsBySlug.get(slug);
  }

  marketsOf(event: SimEvent): SimMarket[] {
    return event.conditionIds.map((c) => this.market(c)).filter((m): m is SimMarket => m !== undefined);
  }

  get size(): number {
    return this.markets.length;
  }
}

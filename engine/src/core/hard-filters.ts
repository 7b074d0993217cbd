import type { MarketInfo } from '@polybot/sdk';
import type { EngineConfig } from '../config/types.js';
import type { TradeEvent, TriggerGate } from './ports.js';
import { buildWeatherMatcher } from './weather.js';

export type FilterReason =
  | 'trade_too_old'
  | 'weather_market'
  | 'expiring_soon'
  | 'trade_too_small'
  | 'blocked_category'
  | 'duplicate_trigger';

/** In the seed's order: the cheapest and most decisive checks first, the database check last. */
export const FILTER_ORDER: readonly FilterReason[] = [
  'trade_too_old',
  'weather_market',
  'expiring_soon',
  'trade_too_small',
  'blocked_category',
  'duplicate_trigger',
];

export type FilterVerdict =
  { readonly pass: true } | { readonly pass: false; readonly reason: FilterReason; readonly detail: string };

const PASS: FilterVerdict = { pass: true };
const HOUR_MS = 3_600_000;

/**
 * The hard filters run before any strategy is called; a rejected trade never reaches one.
 * They encode lessons paid for in production (G1, G2, G6) and the seed's risk rules.
 */
export class HardFilters {
  private readonly isWeather: (text: string) => boolean;
  private readonly blocked: ReadonlySet<string>;

  constructor(
    private readonly filters: EngineConfig['filters'],
    private readonly triggers: TriggerGate,
    private readonly threshold: number,
  ) {
    this.isWeather = buildWeatherMatcher(filters.weatherTerms);
    this.blocked = new Set(filters.blockedCategories.map((c) => c.toLowerCase()));
  }

  /** The synchronous checks: everything but the duplicate-trigger lookup. */
  checkStatic(trade: TradeEvent, market: MarketInfo, now: number): FilterVerdict {
    const ageSeconds = (now - trade.timestamp) / 1000;
    if (!Number.isFinite(ageSeconds) || ageSeconds > this.filters.maxTradeAgeSeconds) {
      return {
        pass: false,
        reason: 'trade_too_old',
        detail: `trade is ${Math.round(ageSeconds)}s old (max ${this.filters.maxTradeAgeSeconds}s, G1)`,
      };
    }
    if (this.isWeather(market.question)) {
      return { pass: false, reason: 'weather_market', detail: 'weather market (G6)' };
    }
    if (market.endDate === null || (market.endDate - now) / HOUR_MS <= this.filters.minHoursToEnd) {
      const hours = market.endDate === null ? 'unknown' : ((market.endDate - now) / HOUR_MS).toFixed(1);
      return {
        pass: false,
        reason: 'expiring_soon',
        detail: `${hours} hours to end (need more than ${this.filters.minHoursToEnd})`,
      };
    }
    if (trade.size !== null && Number(trade.size) < this.filters.minTradeSize) {
      return {
        pass: false,
        reason: 'trade_too_small',
        detail: `trade size ${trade.size} < ${this.filters.minTradeSize}`,
      };
    }
    if (market.category !== null && this.blocked.has(market.category.toLowerCase())) {
      return { pass: false, reason: 'blocked_category', detail: `blocked category: ${market.category}` };
    }
    return PASS;
  }

  /** All filters in order; the last one asks storage whether token or condition already triggered (G2). */
  async check(trade: TradeEvent, market: MarketInfo, now: number): Promise<FilterVerdict> {
    const verdict = this.checkStatic(trade, market, now);
    if (!verdict.pass) return verdict;
    if (!(await this.triggers.shouldTrigger(trade.tokenId, market.conditionId, this.threshold))) {
      return {
        pass: false,
        reason: 'duplicate_trigger',
        detail: `token or condition already triggered at ${this.threshold} (G2)`,
      };
    }
    return PASS;
  }
}

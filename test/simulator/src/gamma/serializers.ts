import type { SimEvent, SimMarket } from '../types.js';
import { MICRO, fromMicro, microToNumber } from '../util/decimal.js';
import { quote } from '../venue/quotes.js';
import type { Venue } from '../venue/venue.js';

/** Gamma wire shapes (reference §10): note the JSON-encoded string fields and string vs number. */

const ISO = (ms: number): string => new Date(ms).toISOString();
const ISO_S = (ms: number): string => ISO(ms).replace(/\.\d{3}Z$/, 'Z');
const DAY = (ms: number): string => ISO(ms).slice(0, 10);

/** Gamma's encoding of string arrays: `["Yes", "No"]` with a space after each comma. */
export function jsonStringList(items: readonly string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Resting notional on outcome 0's book, in dollars (Gamma's `liquidity`). */
export function marketLiquidity(venue: Venue, market: SimMarket): number {
  const wire = venue.engine.book(market, 0).wire();
  let total = 0n;
  for (const l of [...wire.bids, ...wire.asks]) total += (l.price * l.size) / MICRO;
  return microToNumber(total);
}

export function gammaMarket(venue: Venue, m: SimMarket, includeTag: boolean): Record<string, unknown> {
  const q0 = quote(venue, m, 0);
  const q1 = quote(venue, m, 1);
  const liquidity = marketLiquidity(venue, m);
  const event = venue.registry.event(m.eventId);
  const num = (v: bigint | undefined): number | undefined => (v === undefined ? undefined : microToNumber(v));
  const out: Record<string, unknown> = {
    id: m.id,
    question: m.question,
    conditionId: m.conditionId,
    slug: m.slug,
    resolutionSource: '',
    endDate: ISO_S(m.endDate),
    liquidity: String(liquidity),
    startDate: ISO(m.startDate),
    image: `https://polymarket-upload.s3.us-east-2.amazonaws.com/${m.slug}.png`,
    icon: `https://polymarket-upload.s3.us-east-2.amazonaws.com/${m.slug}.png`,
    description: m.description,
    outcomes: jsonStringList(m.outcomes),
    outcomePrices: jsonStringList([fromMicro(q0.display), fromMicro(q1.display)]),
    volume: String(m.volume),
    active: m.active,
    closed: m.closed,
    marketMakerAddress: '',
    createdAt: ISO(m.createdAt),
    updatedAt: ISO(venue.now()),
    new: false,
    featured: false,
    archived: m.archived,
    restricted: true,
    groupItemTitle: m.groupItemTitle,
    groupItemThreshold: '0',
    questionID: m.questionId,
    enableOrderBook: true,
    orderPriceMinTickSize: Number(m.tickSize),
    orderMinSize: m.minOrderSize,
    volumeNum: m.volume,
    liquidityNum: liquidity,
    endDateIso: DAY(m.endDate),
    startDateIso: DAY(m.startDate),
    hasReviewedDates: true,
    volume24hr: m.volume24hr,
    volume1wk: round(m.volume24hr * 5.2, 2),
    volume1mo: round(m.volume24hr * 19.7, 2),
    volume1yr: m.volume,
    clobTokenIds: jsonStringList(m.tokenIds),
    umaBond: '500',
    umaReward: '5',
    volume24hrClob: m.volume24hr,
    volumeClob: m.volume,
    liquidityClob: liquidity,
    acceptingOrders: m.acceptingOrders,
    negRisk: m.negRisk,
    ...(m.negRisk
      ? { negRiskMarketID: m.negRiskMarketId, negRiskRequestID: m.questionId, negRiskOther: false }
      : {}),
    ready: false,
    funded: false,
    acceptingOrdersTimestamp: ISO(m.startDate),
    cyom: false,
    competitive: q0.spread === undefined ? 0 : round(Math.max(0, 1 - microToNumber(q0.spread) * 5), 6),
    pagerDutyNotificationEnabled: false,
    approved: true,
    rewardsMinSize: 0,
    rewardsMaxSpread: 0,
    spread: num(q0.spread) ?? 1,
    oneDayPriceChange: 0,
    lastTradePrice: num(q0.last?.price) ?? 0,
    bestBid: num(q0.bestBid) ?? 0,
    bestAsk: num(q0.bestAsk) ?? 1,
    automaticallyActive: true,
    clearBookOnStart: true,
    showGmpSeries: false,
    showGmpOutcome: false,
    manualActivation: false,
    umaResolutionStatuses: '[]',
    pendingDeployment: false,
    deploying: false,
    rfqEnabled: false,
    feesEnabled: m.feeRate > 0,
    category: m.category,
    events: event ? [eventSummary(event, m)] : [],
  };
  if (includeTag) out['tags'] = m.tags.map((t) => ({ ...t }));
  return out;
}

function eventSummary(e: SimEvent, m: SimMarket): Record<string, unknown> {
  return {
    id: e.id,
    ticker: e.ticker,
    slug: e.slug,
    title: e.title,
    description: e.description,
    startDate: ISO(e.startDate),
    creationDate: ISO(e.createdAt),
    endDate: ISO_S(e.endDate),
    active: m.active,
    closed: m.closed,
    archived: false,
    negRisk: e.negRisk,
    category: e.category,
  };
}

export function eventClosed(venue: Venue, e: SimEvent): boolean {
  const markets = venue.registry.marketsOf(e);
  return markets.length > 0 && markets.every((m) => m.closed);
}

export function gammaEvent(venue: Venue, e: SimEvent): Record<string, unknown> {
  const markets = venue.registry.marketsOf(e);
  const rendered = markets.map((m) => gammaMarket(venue, m, false));
  const volume = round(
    markets.reduce((s, m) => s + m.volume, 0),
    2,
  );
  const volume24hr = round(
    markets.reduce((s, m) => s + m.volume24hr, 0),
    2,
  );
  const liquidity = round(
    rendered.reduce((s, m) => s + (m['liquidityNum'] as number), 0),
    4,
  );
  const closed = eventClosed(venue, e);
  return {
    id: e.id,
    ticker: e.ticker,
    slug: e.slug,
    title: e.title,
    description: e.description,
    resolutionSource: '',
    startDate: ISO(e.startDate),
    creationDate: ISO(e.createdAt),
    endDate: ISO_S(e.endDate),
    image: `https://polymarket-upload.s3.us-east-2.amazonaws.com/${e.slug}.png`,
    icon: `https://polymarket-upload.s3.us-east-2.amazonaws.com/${e.slug}.png`,
    active: markets.some((m) => m.active),
    closed,
    archived: false,
    new: false,
    featured: false,
    restricted: true,
    liquidity,
    volume,
    openInterest: round(volume * 0.1, 2),
    createdAt: ISO(e.createdAt),
    updatedAt: ISO(venue.now()),
    competitive: 0,
    volume24hr,
    volume1wk: round(volume24hr * 5.2, 2),
    enableOrderBook: true,
    liquidityClob: liquidity,
    negRisk: e.negRisk,
    enableNegRisk: e.negRisk,
    negRiskAugmented: false,
    ...(e.negRisk ? { negRiskMarketID: markets[0]?.negRiskMarketId ?? null } : {}),
    commentCount: 0,
    category: e.category,
    cyom: false,
    showAllOutcomes: true,
    showMarketImages: true,
    markets: rendered,
    tags: e.tags.map((t) => ({ ...t })),
  };
}

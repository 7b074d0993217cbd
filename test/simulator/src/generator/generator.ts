import type { LiquidityProfile, SimEvent, SimMarket, Tag, TickSize } from '../types.js';
import { bytes32, tokenIdFrom } from '../util/ids.js';
import { Prng } from '../util/prng.js';
import * as V from './vocabulary.js';

/**
 * Deterministic market universe: the same seed (and start time) always yields the same questions,
 * ids, tick sizes, end dates and prices. Only metadata is built here (cheap: 10,000 markets in well
 * under a second); books and trade history are materialised lazily per market (see materialize.ts).
 */

export const GENERATED_MARKET_ID_BASE = 500_000;
export const GENERATED_EVENT_ID_BASE = 20_000;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface Universe {
  readonly markets: SimMarket[];
  readonly events: SimEvent[];
}

interface MarketDraft {
  question: string;
  description: string;
  outcomes: [string, string];
  groupItemTitle: string;
  basePrice?: number;
}

interface EventDraft {
  title: string;
  description: string;
  category: string;
  tags: Tag[];
  negRisk: boolean;
  markets: MarketDraft[];
  feeRate?: number;
  feeExponent?: 1 | 2;
  secondsDelay?: number;
}

interface DraftContext {
  readonly rng: Prng;
  readonly endDate: number;
  readonly dateText: string;
  readonly year: number;
  /** Markets still allowed in this event (groups are cut to fit the requested count). */
  readonly room: number;
}

type Template = (ctx: DraftContext) => EventDraft;

export function generateUniverse(seed: number, count: number, now: number, slugs = new Slugs()): Universe {
  const markets: SimMarket[] = [];
  const events: SimEvent[] = [];
  const rng = Prng.from(seed, 'universe');

  while (markets.length < count) {
    const eventIndex = events.length;
    const timing = rng.weighted<[number, number, boolean]>([
      [[1 * HOUR, 6 * HOUR, false], 8],
      [[6 * HOUR, 48 * HOUR, false], 17],
      [[2 * DAY, 60 * DAY, false], 40],
      [[60 * DAY, 270 * DAY, false], 30],
      [[-120 * DAY, -1 * DAY, true], 5],
    ]);
    const [lo, hi, closed] = timing;
    const endDate = roundToMinute(now + rng.float(lo, hi));
    const end = new Date(endDate);
    const ctx: DraftContext = {
      rng,
      endDate,
      dateText: `${V.MONTHS[end.getUTCMonth()]} ${end.getUTCDate()}`,
      year: end.getUTCFullYear(),
      room: count - markets.length,
    };
    const group = ctx.room >= 2 && rng.chance(0.12);
    const draft = group ? rng.pick(GROUP_TEMPLATES)(ctx) : rng.weighted(SINGLE_TEMPLATES)(ctx);
    const eventId = String(GENERATED_EVENT_ID_BASE + eventIndex);
    const createdAt = roundToMinute(Math.min(now, endDate) - rng.float(3 * DAY, 200 * DAY));
    const startDate = createdAt + 5 * 60_000;
    const negRiskMarketId = draft.negRisk ? bytes32(seed, 'neg-risk', eventIndex) : null;
    const eventSlug = slugs.claim(draft.title);
    const conditionIds: string[] = [];

    const prices = draft.negRisk ? groupPrices(rng, draft.markets.length) : undefined;
    draft.markets.forEach((m, i) => {
      const index = markets.length;
      const basePrice = m.basePrice ?? prices?.[i] ?? singlePrice(rng);
      const tickSize = pickTick(rng, basePrice);
      const liquidity: LiquidityProfile = closed
        ? 'illiquid'
        : rng.weighted<LiquidityProfile>([
            ['liquid', 55],
            ['thin', 30],
            ['illiquid', 15],
          ]);
      const volume = volumeFor(rng, liquidity);
      const market: SimMarket = {
        index,
        id: String(GENERATED_MARKET_ID_BASE + index),
        conditionId: bytes32(seed, 'condition', index),
        questionId: bytes32(seed, 'question', index),
        question: m.question,
        description: m.description,
        slug: draft.markets.length === 1 ? eventSlug : slugs.claim(m.question),
        category: draft.category,
        tags: draft.tags,
        outcomes: m.outcomes,
        tokenIds: [tokenIdFrom(seed, 'token', index, 0), tokenIdFrom(seed, 'token', index, 1)],
        eventId,
        startDate,
        endDate,
        createdAt,
        negRisk: draft.negRisk,
        negRiskMarketId,
        groupItemTitle: m.groupItemTitle,
        tickSize,
        minOrderSize: rng.weighted<number>([
          [5, 85],
          [1, 10],
          [15, 5],
        ]),
        active: true,
        closed,
        archived: false,
        acceptingOrders: !closed,
        feeRate: draft.feeRate ?? 0,
        feeExponent: draft.feeExponent ?? 2,
        secondsDelay: draft.secondsDelay ?? 0,
        basePrice: closed ? (basePrice >= 0.5 ? 0.999 : 0.001) : basePrice,
        liquidity,
        volume,
        volume24hr: liquidity === 'illiquid' || closed ? 0 : round2(volume * rng.float(0.002, 0.08)),
        scripted: false,
      };
      markets.push(market);
      conditionIds.push(market.conditionId);
    });

    events.push({
      id: eventId,
      slug: eventSlug,
      ticker: eventSlug,
      title: draft.title,
      description: draft.description,
      category: draft.category,
      tags: draft.tags,
      negRisk: draft.negRisk,
      startDate: createdAt + 5 * 60_000,
      endDate,
      createdAt,
      conditionIds,
    });
  }
  return { markets, events };
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
}

/** Hands out unique slugs (`base`, `base-2`, `base-3`, …) in constant time per claim. */
export class Slugs {
  private readonly taken = new Set<string>();
  private readonly next = new Map<string, number>();

  claim(text: string): string {
    const base = slugify(text) || 'market';
    let n = this.next.get(base) ?? 1;
    let slug = n === 1 ? base : `${base}-${n}`;
    while (this.taken.has(slug)) slug = `${base}-${++n}`;
    this.next.set(base, n + 1);
    this.taken.add(slug);
    return slug;
  }

  has(slug: string): boolean {
    return this.taken.has(slug);
  }
}

function roundToMinute(ms: number): number {
  return Math.round(ms / 60_000) * 60_000;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Prices cluster at the extremes the way live markets do; a third sit in the 0.90–0.99 band. */
function singlePrice(rng: Prng): number {
  return rng.weighted<() => number>([
    [() => rng.float(0.9, 0.99), 30],
    [() => rng.float(0.01, 0.1), 12],
    [() => rng.float(0.1, 0.9), 58],
  ])();
}

function groupPrices(rng: Prng, n: number): number[] {
  const weights = Array.from({ length: n }, (_, i) => Math.pow(rng.float(0.05, 1), 2.5) * (i === 0 ? 3 : 1));
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => Math.min(0.98, Math.max(0.01, w / total)));
}

function pickTick(rng: Prng, price: number): TickSize {
  if (price > 0.96 || price < 0.04) {
    return rng.weighted<TickSize>([
      ['0.001', 70],
      ['0.0025', 10],
      ['0.0001', 10],
      ['0.01', 10],
    ]);
  }
  return rng.weighted<TickSize>([
    ['0.01', 66],
    ['0.005', 10],
    ['0.001', 12],
    ['0.0025', 6],
    ['0.0001', 3],
    ['0.1', 3],
  ]);
}

function volumeFor(rng: Prng, liquidity: LiquidityProfile): number {
  switch (liquidity) {
    case 'liquid':
      return round2(rng.float(50_000, 5_000_000));
    case 'thin':
      return round2(rng.float(1_000, 50_000));
    case 'illiquid':
      return round2(rng.float(10, 2_000));
  }
}

const yesNo: [string, string] = ['Yes', 'No'];

function single(
  category: string,
  tags: Tag[],
  question: string,
  description: string,
  extra: Partial<EventDraft> = {},
  outcomes: [string, string] = yesNo,
): EventDraft {
  return {
    title: question,
    description,
    category,
    tags,
    negRisk: false,
    markets: [{ question, description, outcomes, groupItemTitle: '' }],
    ...extra,
  };
}

const resolution = (what: string): string =>
  `This market will resolve to "Yes" if ${what}. Otherwise, this market will resolve to "No". ` +
  'The primary resolution source will be official information from the relevant authorities.';

const SINGLE_TEMPLATES: readonly (readonly [Template, number])[] = [
  [
    ({ rng, year }) => {
      const q = `Will ${rng.pick(V.POLITICIANS)} win the ${year} ${rng.pick(V.RACES)}?`;
      return single(
        'Politics',
        [V.TAGS.politics, V.TAGS.elections],
        q,
        resolution('the named candidate wins'),
      );
    },
    8,
  ],
  [
    ({ rng, dateText }) => {
      const q = `Will ${rng.pick(V.COUNTRIES)} and Russia agree to a ceasefire by ${dateText}?`;
      return single(
        'Geopolitics',
        [V.TAGS.world, V.TAGS.geopolitics],
        q,
        resolution('a ceasefire is announced'),
      );
    },
    6,
  ],
  [
    ({ rng, dateText }) => {
      const [a, b] = twoOf(rng, V.NBA_TEAMS);
      const q = `${a} vs. ${b}: who will win on ${dateText}?`;
      return single(
        'Sports',
        [V.TAGS.sports, V.TAGS.nba],
        q,
        `This market resolves to the team that wins the game scheduled for ${dateText}.`,
        { feeRate: rng.chance(0.3) ? 0.02 : 0, feeExponent: 2, secondsDelay: rng.chance(0.05) ? 3 : 0 },
        [a, b],
      );
    },
    9,
  ],
  [
    ({ rng, year }) => {
      const team = rng.pick(V.NHL_TEAMS);
      const q = `Will the ${team} win the ${year} Stanley Cup?`;
      return single('Sports', [V.TAGS.sports, V.TAGS.nhl], q, resolution(`the ${team} win the Stanley Cup`));
    },
    4,
  ],
  [
    ({ rng, dateText }) => {
      const [a, b] = twoOf(rng, V.SOCCER_TEAMS);
      const q = `Will ${a} beat ${b} on ${dateText}?`;
      return single('Sports', [V.TAGS.sports, V.TAGS.soccer], q, resolution(`${a} wins the match`), {
        secondsDelay: rng.chance(0.05) ? 3 : 0,
      });
    },
    5,
  ],
  [
    ({ rng, dateText }) => {
      const coin = rng.pick(V.COINS);
      const level = coin.lo + Math.floor(rng.float(0, (coin.hi - coin.lo) / coin.step)) * coin.step;
      const q = `Will ${coin.name} be above $${level.toLocaleString('en-US')} on ${dateText}?`;
      return single(
        'Crypto',
        [V.TAGS.crypto, V.TAGS.bitcoin],
        q,
        resolution(`${coin.symbol} closes above the level`),
        {
          feeRate: 0.07,
          feeExponent: 1,
        },
      );
    },
    9,
  ],
  [
    ({ rng, dateText }) => {
      const coin = rng.pick(V.COINS);
      const q = `${coin.name} Up or Down - ${dateText}, ${rng.int(1, 11)}:${rng.pick(['00', '15', '30', '45'])}PM ET`;
      return single(
        'Crypto',
        [V.TAGS.crypto],
        q,
        `Resolves "Up" if the ${coin.symbol} price at the end of the window is at or above the start price.`,
        { feeRate: 0.07, feeExponent: 1 },
        ['Up', 'Down'],
      );
    },
    5,
  ],
  [
    ({ rng, dateText }) => {
      const [a, b] = twoOf(rng, V.R6_TEAMS);
      const q = `Rainbow Six Siege: ${a} vs ${b} (${rng.pick(V.R6_EVENTS)}) - ${dateText}`;
      return single('Esports', [V.TAGS.esports, V.TAGS.r6], q, `Resolves to the winner of the series.`, {}, [
        a,
        b,
      ]);
    },
    6,
  ],
  [
    ({ rng, year }) => {
      const team = rng.pick(V.R6_TEAMS);
      const q = `Will ${team} win the Rainbow Six Siege ${rng.pick(V.R6_EVENTS)} ${year}?`;
      return single('Esports', [V.TAGS.esports, V.TAGS.r6], q, resolution(`${team} wins the tournament`));
    },
    3,
  ],
  [
    ({ rng, dateText }) => {
      const [a, b] = twoOf(rng, V.CS_TEAMS);
      const q = `Counter-Strike: ${a} vs ${b} - ${dateText}`;
      return single('Esports', [V.TAGS.esports], q, 'Resolves to the winner of the match.', {}, [a, b]);
    },
    3,
  ],
  [
    ({ rng, dateText }) => {
      const q = `Will it rain in ${rng.pick(V.CITIES)} on ${dateText}?`;
      return single('Weather', [V.TAGS.weather], q, resolution('measurable precipitation is recorded'));
    },
    4,
  ],
  [
    ({ rng, dateText }) => {
      const city = rng.pick(V.CITIES);
      const q = `Will ${city} get more than ${rng.int(1, 8)} inches of snow by ${dateText}?`;
      return single(
        'Weather',
        [V.TAGS.weather, V.TAGS.climate],
        q,
        resolution('the snowfall threshold is exceeded'),
      );
    },
    3,
  ],
  [
    ({ rng, dateText }) => {
      const q = `Will a hurricane make landfall in ${rng.pick(V.STATES)} by ${dateText}?`;
      return single(
        'Weather',
        [V.TAGS.weather],
        q,
        resolution('the National Hurricane Center confirms a landfall'),
      );
    },
    3,
  ],
  [
    ({ rng, dateText }) => {
      const q = `Will ${rng.pick(V.CITIES)} issue a winter storm warning before ${dateText}?`;
      return single('Weather', [V.TAGS.weather], q, resolution('a winter storm warning is issued'));
    },
    2,
  ],
  [
    ({ rng }) => {
      const month = rng.pick(V.MONTHS);
      const q = `Will the Fed cut interest rates at the ${month} meeting?`;
      return single(
        'Economics',
        [V.TAGS.economics, V.TAGS.fed],
        q,
        resolution('the FOMC lowers the target range'),
      );
    },
    4,
  ],
  [
    ({ rng }) => {
      const q = `US CPI above ${rng.pick(['2.5', '2.8', '3.0', '3.2', '3.5'])}% in ${rng.pick(V.MONTHS)}?`;
      return single(
        'Economics',
        [V.TAGS.economics],
        q,
        resolution('the BLS year-over-year CPI print exceeds it'),
      );
    },
    4,
  ],
  [
    ({ rng }) => {
      const q = `Will "${rng.pick(V.MOVIES)}" gross over $${rng.int(3, 30) * 10}M on its opening weekend?`;
      return single('Pop Culture', [V.TAGS.culture], q, resolution('Box Office Mojo reports more'));
    },
    4,
  ],
  [
    ({ rng, dateText }) => {
      const q = `Will ${rng.pick(V.ARTISTS)} release a new album before ${dateText}?`;
      return single('Pop Culture', [V.TAGS.culture], q, resolution('a new studio album is released'));
    },
    4,
  ],
  [
    ({ rng, dateText }) => {
      const company = rng.pick(V.COMPANIES);
      const q = `Will ${company} stock close above its all-time high by ${dateText}?`;
      return single(
        'Business',
        [V.TAGS.business, V.TAGS.tech],
        q,
        resolution(`${company} sets a new closing high`),
      );
    },
    4,
  ],
  [
    ({ dateText }) => {
      const q = `Will SpaceX launch Starship to orbit before ${dateText}?`;
      return single('Science', [V.TAGS.science, V.TAGS.tech], q, resolution('an orbital launch succeeds'));
    },
    2,
  ],
  [
    ({ rng, dateText }) => {
      const q = `Will ${rng.pick(V.COUNTRIES)} hold a snap election before ${dateText}?`;
      return single('World', [V.TAGS.world, V.TAGS.politics], q, resolution('a national election is held'));
    },
    4,
  ],
];

const GROUP_TEMPLATES: readonly Template[] = [
  ({ rng, year, room }) => {
    const race = rng.pick(V.RACES);
    const names = someOf(rng, V.POLITICIANS, Math.min(room, rng.int(3, 6)));
    const title = `Who will win the ${year} ${race}?`;
    return group(
      'Politics',
      [V.TAGS.politics, V.TAGS.elections],
      title,
      names,
      (n) => `Will ${n} win the ${year} ${race}?`,
    );
  },
  ({ rng, year, room }) => {
    const teams = someOf(rng, V.NBA_TEAMS, Math.min(room, rng.int(3, 6)));
    return group(
      'Sports',
      [V.TAGS.sports, V.TAGS.nba],
      `NBA Champion ${year}`,
      teams,
      (t) => `Will the ${t} win the ${year} NBA Finals?`,
    );
  },
  ({ rng, dateText, room }) => {
    const city = rng.pick(V.CITIES);
    const base = rng.int(30, 80);
    const n = Math.min(room, rng.int(4, 6));
    const buckets = Array.from({ length: n }, (_, i) =>
      i === 0
        ? `${base}°F or below`
        : i === n - 1
          ? `${base + 2 * i - 1}°F or higher`
          : `${base + 2 * i - 1}-${base + 2 * i}°F`,
    );
    const title = `Highest temperature in ${city} on ${dateText}?`;
    return group(
      'Weather',
      [V.TAGS.weather],
      title,
      buckets,
      (b) => `Will the highest temperature in ${city} be ${b} on ${dateText}?`,
    );
  },
  ({ rng, year, room }) => {
    const event = rng.pick(V.R6_EVENTS);
    const teams = someOf(rng, V.R6_TEAMS, Math.min(room, rng.int(3, 6)));
    const title = `Rainbow Six Siege ${event} ${year} Winner`;
    return group(
      'Esports',
      [V.TAGS.esports, V.TAGS.r6],
      title,
      teams,
      (t) => `Will ${t} win the Rainbow Six Siege ${event} ${year}?`,
    );
  },
];

function group(
  category: string,
  tags: Tag[],
  title: string,
  items: string[],
  question: (item: string) => string,
): EventDraft {
  return {
    title,
    description: `This is a multi-outcome event. Exactly one of its markets resolves "Yes".`,
    category,
    tags,
    negRisk: true,
    markets: items.map((item) => ({
      question: question(item),
      description: resolution(`${item} is the outcome`),
      outcomes: yesNo,
      groupItemTitle: item,
    })),
  };
}

function twoOf<T>(rng: Prng, items: readonly T[]): [T, T] {
  const [a, b] = someOf(rng, items, 2);
  return [a as T, b as T];
}

function someOf<T>(rng: Prng, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0] as T);
  return out;
}

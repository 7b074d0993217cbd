import type { SimEvent, SimMarket } from '../types.js';
import {
  HttpError,
  Router,
  boolParam,
  intParam,
  json,
  listParam,
  type RequestContext,
} from '../util/http.js';
import type { Venue } from '../venue/venue.js';
import { eventClosed, gammaEvent, gammaMarket, marketLiquidity } from './serializers.js';

const DEFAULT_LIMIT = 20;

/** Gamma API (reference §10): bare arrays, limit/offset paging, implicit closed=false on /markets. */
export function gammaRouter(venue: Venue): Router {
  const router = new Router();
  const limitOf = (ctx: RequestContext): number =>
    Math.min(intParam(ctx.query, 'limit', DEFAULT_LIMIT), venue.config.gammaMaxLimit);

  router.get('/markets', (ctx) => {
    const q = ctx.query;
    const ids = new Set(listParam(q, 'id'));
    const slugs = new Set(listParam(q, 'slug'));
    const tokens = listParam(q, 'clob_token_ids');
    const conditions = new Set(listParam(q, 'condition_ids').map((c) => c.toLowerCase()));
    const questions = new Set(listParam(q, 'question_ids').map((c) => c.toLowerCase()));
    const tagId = q.get('tag_id');
    // The venue filters closed markets out unless `closed` is given (polyoxide-gamma, reference §10).
    const closed = boolParam(q, 'closed') ?? false;
    const active = boolParam(q, 'active');
    const archived = boolParam(q, 'archived');
    const endMin = dateParam(ctx, 'end_date_min');
    const endMax = dateParam(ctx, 'end_date_max');
    const startMin = dateParam(ctx, 'start_date_min');
    const startMax = dateParam(ctx, 'start_date_max');
    const volMin = numParam(ctx, 'volume_num_min');
    const volMax = numParam(ctx, 'volume_num_max');
    const liqMin = numParam(ctx, 'liquidity_num_min');
    const liqMax = numParam(ctx, 'liquidity_num_max');
    const includeTag = boolParam(q, 'include_tag') ?? false;

    let candidates: readonly SimMarket[] = venue.registry.allMarkets();
    if (tokens.length > 0) {
      const wanted = new Set(
        tokens.map((t) => venue.registry.token(t)?.market).filter((m) => m !== undefined),
      );
      candidates = candidates.filter((m) => wanted.has(m));
    }
    const markets = candidates.filter(
      (m) =>
        m.closed === closed &&
        (active === undefined || m.active === active) &&
        (archived === undefined || m.archived === archived) &&
        (ids.size === 0 || ids.has(m.id)) &&
        (slugs.size === 0 || slugs.has(m.slug)) &&
        (conditions.size === 0 || conditions.has(m.conditionId.toLowerCase())) &&
        (questions.size === 0 || questions.has(m.questionId.toLowerCase())) &&
        (tagId === null || m.tags.some((t) => t.id === tagId)) &&
        (endMin === undefined || m.endDate >= endMin) &&
        (endMax === undefined || m.endDate <= endMax) &&
        (startMin === undefined || m.startDate >= startMin) &&
        (startMax === undefined || m.startDate <= startMax) &&
        (volMin === undefined || m.volume >= volMin) &&
        (volMax === undefined || m.volume <= volMax) &&
        (liqMin === undefined || marketLiquidity(venue, m) >= liqMin) &&
        (liqMax === undefined || marketLiquidity(venue, m) <= liqMax),
    );
    const sorted = sortBy(markets, q.get('order'), boolParam(q, 'ascending') ?? true, marketKeys);
    const offset = intParam(q, 'offset', 0);
    return json(sorted.slice(offset, offset + limitOf(ctx)).map((m) => gammaMarket(venue, m, includeTag)));
  });

  router.get('/markets/slug/:slug', (ctx) => {
    const m = venue.registry.marketBySlug(ctx.params['slug'] ?? '');
    if (!m) throw new HttpError(404, 'not found');
    return json(gammaMarket(venue, m, boolParam(ctx.query, 'include_tag') ?? false));
  });
  router.get('/markets/:id', (ctx) => {
    const m = venue.registry.marketByGammaId(ctx.params['id'] ?? '');
    if (!m) throw new HttpError(404, 'not found');
    return json(gammaMarket(venue, m, boolParam(ctx.query, 'include_tag') ?? false));
  });

  router.get('/events', (ctx) => {
    const q = ctx.query;
    const ids = new Set(listParam(q, 'id'));
    const slugs = new Set(listParam(q, 'slug'));
    const tagId = q.get('tag_id');
    const tagSlug = q.get('tag_slug');
    const closed = boolParam(q, 'closed');
    const active = boolParam(q, 'active');
    const archived = boolParam(q, 'archived');
    const events = venue.registry.allEvents().filter((e) => {
      if (ids.size > 0 && !ids.has(e.id)) return false;
      if (slugs.size > 0 && !slugs.has(e.slug)) return false;
      if (tagId !== null && !e.tags.some((t) => t.id === tagId)) return false;
      if (tagSlug !== null && !e.tags.some((t) => t.slug === tagSlug)) return false;
      if (archived === true) return false;
      if (closed !== undefined && eventClosed(venue, e) !== closed) return false;
      if (active !== undefined && venue.registry.marketsOf(e).some((m) => m.active) !== active) return false;
      return true;
    });
    const sorted = sortBy(events, q.get('order'), boolParam(q, 'ascending') ?? true, eventKeys);
    const offset = intParam(q, 'offset', 0);
    return json(sorted.slice(offset, offset + limitOf(ctx)).map((e) => gammaEvent(venue, e)));
  });
  router.get('/events/slug/:slug', (ctx) => {
    const e = venue.registry.eventBySlug(ctx.params['slug'] ?? '');
    if (!e) throw new HttpError(404, 'not found');
    return json(gammaEvent(venue, e));
  });
  router.get('/events/:id', (ctx) => {
    const e = venue.registry.event(ctx.params['id'] ?? '');
    if (!e) throw new HttpError(404, 'not found');
    return json(gammaEvent(venue, e));
  });
  router.get('/tags', () => {
    const tags = new Map<string, unknown>();
    for (const e of venue.registry.allEvents()) for (const t of e.tags) tags.set(t.id, { ...t });
    return json([...tags.values()]);
  });
  return router;
}

const marketKeys: Record<string, (m: SimMarket) => number | string> = {
  id: (m) => Number(m.id),
  volume: (m) => m.volume,
  volumeNum: (m) => m.volume,
  volume24hr: (m) => m.volume24hr,
  endDate: (m) => m.endDate,
  startDate: (m) => m.startDate,
  createdAt: (m) => m.createdAt,
  slug: (m) => m.slug,
  question: (m) => m.question,
};

const eventKeys: Record<string, (e: SimEvent) => number | string> = {
  id: (e) => Number(e.id),
  endDate: (e) => e.endDate,
  startDate: (e) => e.startDate,
  createdAt: (e) => e.createdAt,
  slug: (e) => e.slug,
  title: (e) => e.title,
};

function sortBy<T>(
  items: readonly T[],
  order: string | null,
  ascending: boolean,
  keys: Record<string, (item: T) => number | string>,
): T[] {
  const fields = (order ?? 'id')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const getters = fields.map((f) => {
    const g = keys[f];
    if (!g) throw new HttpError(400, `unsupported order field: ${f}`);
    return g;
  });
  const dir = ascending ? 1 : -1;
  return [...items].sort((a, b) => {
    for (const g of getters) {
      const x = g(a);
      const y = g(b);
      if (x < y) return -dir;
      if (x > y) return dir;
    }
    return 0;
  });
}

function dateParam(ctx: RequestContext, name: string): number | undefined {
  const v = ctx.query.get(name);
  if (v === null || v === '') return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new HttpError(400, `invalid ${name}: ${v}`);
  return t;
}

function numParam(ctx: RequestContext, name: string): number | undefined {
  const v = ctx.query.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new HttpError(400, `invalid ${name}: ${v}`);
  return n;
}

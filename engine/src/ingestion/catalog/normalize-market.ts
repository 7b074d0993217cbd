import { isDecimalText, numberToDecimalText, parseDecimal } from '../decimal.js';
import type { Market, MarketToken } from '../types.js';
import { parseUtcDate } from '../utc-date.js';
import { describeValidationErrors } from '../validation/ajv.js';
import { validateGammaMarket, type RawGammaMarket } from '../validation/rest-schemas.js';

export type MarketSkipReason =
  | 'schema'
  | 'bad_condition_id'
  | 'no_tokens'
  | 'bad_token_ids'
  | 'bad_outcomes'
  | 'outcome_count_mismatch'
  | 'bad_end_date'
  | 'bad_tick_size'
  | 'bad_min_order_size';

export type NormalizedMarket =
  | { readonly ok: true; readonly market: Market }
  | {
      readonly ok: false;
      readonly reason: MarketSkipReason;
      readonly detail: string;
      /** Gamma id or condition id when readable, to name the market in logs. */
      readonly id: string | null;
    };

/** Polymarket's usual values when a listing omits them; trading re-reads the live tick from the book. */
export const DEFAULT_TICK_SIZE = '0.01';
export const DEFAULT_MIN_ORDER_SIZE = '5';

const CONDITION_ID = /^0x[0-9a-fA-F]{64}$/;
const TOKEN_ID = /^[0-9]{1,78}$/;

/**
 * One Gamma market → our Market, or the reason it cannot be used. Never throws: a malformed market
 * is skipped and reported by the caller, it never fails a sync.
 *
 * Token ids: Protocol-V2 markets (`version: "v2"`) list `positionIds` (a plain array) and may have
 * no `clobTokenIds`; others carry `clobTokenIds` as a JSON-encoded string (reference §10, §17).
 * `outcomes[i]` pairs with token i.
 */
export function normalizeGammaMarket(raw: unknown): NormalizedMarket {
  if (!validateGammaMarket(raw)) {
    return skip('schema', describeValidationErrors(validateGammaMarket.errors), idOf(raw));
  }
  const gammaId = String(raw.id);
  const name = `${gammaId}`;
  if (!CONDITION_ID.test(raw.conditionId)) {
    return skip('bad_condition_id', `conditionId "${clip(raw.conditionId)}" is not 32-byte hex`, name);
  }
  const conditionId = raw.conditionId.toLowerCase();
  const protocol = raw.version === 'v2' ? 'v2' : 'v1';

  const tokenIds =
    protocol === 'v2' ? readPositionIds(raw) : readStringList(raw.clobTokenIds, 'clobTokenIds');
  if (typeof tokenIds === 'string') return skip('bad_token_ids', tokenIds, name);
  if (tokenIds.length === 0) {
    if (raw.enableOrderBook !== false) return skip('no_tokens', 'market lists no token ids', name);
  }
  const badToken = tokenIds.find((id) => !TOKEN_ID.test(id));
  if (badToken !== undefined)
    return skip('bad_token_ids', `token id "${clip(badToken)}" is not decimal`, name);

  const outcomes = readStringList(raw.outcomes, 'outcomes');
  if (typeof outcomes === 'string') return skip('bad_outcomes', outcomes, name);
  if (tokenIds.length > 0 && outcomes.length !== tokenIds.length) {
    return skip(
      'outcome_count_mismatch',
      `${tokenIds.length} token ids but ${outcomes.length} outcomes`,
      name,
    );
  }

  let endDate: Date | null = null;
  const endText = raw.endDate ?? raw.endDateIso ?? null;
  if (endText !== null && endText !== '') {
    endDate = parseUtcDate(endText);
    if (endDate === null) return skip('bad_end_date', `endDate "${clip(endText)}" is not a date`, name);
  }

  const tickSize = readDecimal(raw.orderPriceMinTickSize, DEFAULT_TICK_SIZE);
  if (tickSize === null || !(parseDecimal(tickSize) > 0 && parseDecimal(tickSize) < 1)) {
    return skip(
      'bad_tick_size',
      `orderPriceMinTickSize ${String(raw.orderPriceMinTickSize)} is not a tick`,
      name,
    );
  }
  const minOrderSize = readDecimal(raw.orderMinSize, DEFAULT_MIN_ORDER_SIZE);
  if (minOrderSize === null) {
    return skip('bad_min_order_size', `orderMinSize ${String(raw.orderMinSize)} is not a size`, name);
  }

  const tokens: MarketToken[] = tokenIds.map((tokenId, outcomeIndex) => ({
    tokenId,
    outcome: outcomes[outcomeIndex] as string,
    outcomeIndex,
  }));
  return {
    ok: true,
    market: {
      conditionId,
      gammaId,
      question: raw.question,
      slug: typeof raw.slug === 'string' ? raw.slug : null,
      category: categoryOf(raw),
      tags: tagsOf(raw),
      endDate,
      negRisk: raw.negRisk ?? false,
      tickSize,
      minOrderSize,
      active: raw.active ?? true,
      closed: raw.closed ?? false,
      enableOrderBook: raw.enableOrderBook ?? true,
      protocol,
      tokens,
    },
  };
}

function skip(reason: MarketSkipReason, detail: string, id: string | null): NormalizedMarket {
  return { ok: false, reason, detail, id };
}

function idOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const record = raw as Record<string, unknown>;
  if (typeof record.id === 'string' || typeof record.id === 'number') return String(record.id);
  if (typeof record.conditionId === 'string') return clip(record.conditionId);
  return null;
}

function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Gamma encodes lists as JSON strings ("[\"Yes\", \"No\"]"); a plain array is accepted too. */
function readStringList(value: string | string[] | null | undefined, field: string): string[] | string {
  if (value === null || value === undefined || value === '') return [];
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value);
    } catch {
      return `${field} "${clip(value)}" is not JSON`;
    }
  }
  if (!Array.isArray(list)) return `${field} is not a list`;
  if (!list.every((item): item is string => typeof item === 'string')) return `${field} holds a non-string`;
  return list;
}

function readPositionIds(raw: RawGammaMarket): string[] | string {
  const ids = raw.positionIds;
  if (ids === null || ids === undefined) {
    // A v2 market may still list clobTokenIds during the migration; take them if present.
    return readStringList(raw.clobTokenIds, 'clobTokenIds');
  }
  const out: string[] = [];
  for (const id of ids) {
    if (typeof id === 'string') out.push(id);
    // Token ids exceed 2^53: a JSON number has already lost digits unless it is a small safe integer.
    else if (Number.isSafeInteger(id) && id >= 0) out.push(String(id));
    else return `positionIds holds ${String(id)}, which is not an exact integer`;
  }
  return out;
}

function readDecimal(value: number | string | null | undefined, fallback: string): string | null {
  if (value === null || value === undefined) return fallback;
  const text = typeof value === 'number' ? numberToDecimalText(value) : value;
  return isDecimalText(text) ? text : null;
}

function categoryOf(raw: RawGammaMarket): string | null {
  if (typeof raw.category === 'string' && raw.category !== '') return raw.category;
  for (const event of listOf(raw.events)) {
    const category = (event as { category?: unknown } | null)?.category;
    if (typeof category === 'string' && category !== '') return category;
  }
  return null;
}

function tagsOf(raw: RawGammaMarket): string[] {
  const tags = new Set<string>();
  const add = (list: unknown): void => {
    for (const tag of listOf(list)) {
      if (typeof tag === 'string') {
        if (tag !== '') tags.add(tag);
        continue;
      }
      const { label, slug } = (tag ?? {}) as { label?: unknown; slug?: unknown };
      if (typeof label === 'string' && label !== '') tags.add(label);
      else if (typeof slug === 'string' && slug !== '') tags.add(slug);
    }
  };
  add(raw.tags);
  for (const event of listOf(raw.events)) add((event as { tags?: unknown } | null)?.tags);
  return [...tags];
}

function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

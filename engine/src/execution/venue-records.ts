/**
 * Parsers for what the CLOB returns about orders, trades and books (reference §4.1, §5.5, §5.6).
 * Each checks the fields it uses and names the one that is wrong; a malformed record is a
 * VenueError, never a crash or a silently wrong fill.
 */
import { VenueError } from '../errors.js';
import type { BookLevelView, VenueBook, VenueFill, VenueOrder } from './exchange.js';
import { scheduleFromBps, takerFeeFor } from './fees.js';
import { DecimalFormatError, formatMicros, toMicros } from './fixed.js';
import { parseTickSize, type Side, type TickSize } from './order-math.js';
import type { FeeSchedule } from './ports.js';
import { mapOrderStatus } from './venue-mapping.js';

/** The exponent of the documented example schedule (`fd: {r, e: 2}`, reference §16.1). */
const DEFAULT_FEE_EXPONENT = 2;

function malformed(what: string, detail: string): VenueError {
  return new VenueError('venue_malformed', `${what}: ${detail}`);
}

function str(record: Record<string, unknown>, key: string, what: string): string {
  const value = record[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw malformed(what, `${key} is missing or not text`);
}

function optStr(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A decimal field, normalized ("0.50" → "0.5"). */
function decimal(record: Record<string, unknown>, key: string, what: string): string {
  const text = str(record, key, what);
  try {
    return formatMicros(toMicros(text, 'half-up'));
  } catch (error) {
    if (error instanceof DecimalFormatError) throw malformed(what, `${key} "${text}" is not a decimal`);
    throw error;
  }
}

function side(record: Record<string, unknown>, key: string, what: string): Side {
  const value = str(record, key, what).toUpperCase();
  if (value !== 'BUY' && value !== 'SELL') throw malformed(what, `${key} "${value}" is not BUY or SELL`);
  return value;
}

/** Unix seconds (number or text, possibly ms) → epoch ms. */
export function venueTimeToMs(value: unknown): number | null {
  const numeric = typeof value === 'string' ? Number(value) : value;
  if (typeof numeric !== 'number' || !Number.isFinite(numeric) || numeric <= 0) return null;
  return numeric > 1e12 ? Math.floor(numeric) : Math.floor(numeric * 1000);
}

function asRecord(raw: unknown, what: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw malformed(what, 'not an object');
  return raw as Record<string, unknown>;
}

export function parseVenueOrder(raw: unknown): VenueOrder {
  const what = 'venue order';
  const record = asRecord(raw, what);
  const id = str(record, 'id', what);
  const trades = record['associate_trades'];
  return {
    id,
    status: mapOrderStatus(record['status']),
    tokenId: str(record, 'asset_id', `${what} ${id}`),
    conditionId: optStr(record, 'market') ?? '',
    side: side(record, 'side', `${what} ${id}`),
    price: decimal(record, 'price', `${what} ${id}`),
    originalSize: decimal(record, 'original_size', `${what} ${id}`),
    sizeMatched:
      record['size_matched'] === undefined ? '0' : decimal(record, 'size_matched', `${what} ${id}`),
    createdAt: venueTimeToMs(record['created_at']) ?? 0,
    expiration: optStr(record, 'expiration') ?? '0',
    orderType: optStr(record, 'order_type') ?? 'GTC',
    tradeIds: Array.isArray(trades) ? trades.filter((t): t is string => typeof t === 'string') : [],
    raw,
  };
}

export interface FillIdentity {
  /** Our L2 API key: the `owner` of our orders. */
  readonly apiKey: string;
  /** The maker address of our orders (funder, or the EOA). */
  readonly makerAddress: string;
}

/**
 * Our fills from /data/trades items. As TAKER the trade itself is our fill; as MAKER our fills
 * are the `maker_orders` entries that are ours (by owner or maker address) — one trade can fill
 * several of them.
 */
export function parseVenueFills(
  trades: readonly unknown[],
  identity: FillIdentity,
  /** Fee schedules by condition id (from /clob-markets); without one the trade's fee rate is used with exponent 2. */
  schedules?: ReadonlyMap<string, FeeSchedule>,
): VenueFill[] {
  const fills: VenueFill[] = [];
  const maker = identity.makerAddress.toLowerCase();
  for (const raw of trades) {
    const record = asRecord(raw, 'venue trade');
    const tradeId = str(record, 'id', 'venue trade');
    const what = `venue trade ${tradeId}`;
    const tokenId = str(record, 'asset_id', what);
    const conditionId = optStr(record, 'market') ?? '';
    const matchedAt = venueTimeToMs(record['match_time']) ?? venueTimeToMs(record['last_update']) ?? 0;
    const status = optStr(record, 'status') ?? '';
    if (/FAILED/i.test(status)) continue;
    const traderSide = (optStr(record, 'trader_side') ?? 'TAKER').toUpperCase();
    if (traderSide === 'TAKER') {
      const price = decimal(record, 'price', what);
      const size = decimal(record, 'size', what);
      fills.push({
        tradeId,
        orderId: str(record, 'taker_order_id', what),
        tokenId,
        conditionId,
        side: side(record, 'side', what),
        price,
        size,
        fee: formatMicros(
          takerFeeFor(
            toMicros(size),
            toMicros(price),
            schedules?.get(conditionId) ??
              scheduleFromBps(optStr(record, 'fee_rate_bps'), DEFAULT_FEE_EXPONENT),
          ),
        ),
        matchedAt,
        role: 'TAKER',
        status,
        raw,
      });
      continue;
    }
    const makerOrders = Array.isArray(record['maker_orders']) ? record['maker_orders'] : [];
    const takerSide = side(record, 'side', what);
    for (const entry of makerOrders) {
      const mo = asRecord(entry, `${what} maker order`);
      const owner = optStr(mo, 'owner');
      const address = (optStr(mo, 'maker_address') ?? '').toLowerCase();
      if (owner !== identity.apiKey && address !== maker) continue;
      const moWhat = `${what} maker order`;
      fills.push({
        tradeId,
        orderId: str(mo, 'order_id', moWhat),
        tokenId: optStr(mo, 'asset_id') ?? tokenId,
        conditionId,
        side: mo['side'] === undefined ? (takerSide === 'BUY' ? 'SELL' : 'BUY') : side(mo, 'side', moWhat),
        price: decimal(mo, 'price', moWhat),
        size: decimal(mo, 'matched_amount', moWhat),
        fee: '0',
        matchedAt,
        role: 'MAKER',
        status,
        raw,
      });
    }
  }
  return fills;
}

function levels(raw: unknown, what: string, best: 'highest' | 'lowest'): BookLevelView[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw malformed(what, 'levels are not a list');
  const parsed = raw.map((item, i) => {
    const record = asRecord(item, `${what}[${i}]`);
    return {
      price: decimal(record, 'price', `${what}[${i}]`),
      size: decimal(record, 'size', `${what}[${i}]`),
    };
  });
  // The venue sends best LAST (bids ascending, asks descending); sort rather than trust it.
  const sorted = parsed
    .filter((level) => toMicros(level.size) > 0n)
    .sort((a, b) => {
      const diff = toMicros(a.price) - toMicros(b.price);
      return diff === 0n ? 0 : diff < 0n ? -1 : 1;
    });
  return best === 'highest' ? sorted.reverse() : sorted;
}

/** GET /book → best-first levels plus the market's rules. */
export function parseVenueBook(raw: unknown, tokenId: string): VenueBook {
  const what = `book of ${tokenId}`;
  const record = asRecord(raw, what);
  let tickSize: TickSize | null = null;
  const tickText = optStr(record, 'tick_size');
  if (tickText) {
    try {
      tickSize = parseTickSize(tickText);
    } catch {
      throw malformed(what, `tick_size "${tickText}" is not a venue tick size`);
    }
  }
  const minText = optStr(record, 'min_order_size');
  const negRisk = record['neg_risk'];
  return {
    tokenId,
    bids: levels(record['bids'], `${what} bids`, 'highest'),
    asks: levels(record['asks'], `${what} asks`, 'lowest'),
    timestamp: venueTimeToMs(record['timestamp']) ?? 0,
    tickSize,
    minOrderSize: minText === null ? null : decimal(record, 'min_order_size', what),
    negRisk: typeof negRisk === 'boolean' ? negRisk : null,
  };
}

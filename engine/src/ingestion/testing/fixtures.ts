/** Builders of venue-shaped payloads for unit tests, following the reference field for field. */

let counter = 0;

export function conditionIdFor(n: number): string {
  return `0x${n.toString(16).padStart(64, '0')}`;
}

export function tokenIdFor(n: number, outcome: number): string {
  return `${BigInt(n) * 1000n + BigInt(outcome) + 10n ** 70n}`;
}

/** A Gamma market as /markets returns it: JSON-encoded list fields, numeric tick and min size. */
export function gammaMarket(n: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: String(1000 + n),
    question: `Will test market ${n} resolve Yes?`,
    conditionId: conditionIdFor(n),
    slug: `test-market-${n}`,
    endDate: '2027-12-31T17:15:00Z',
    outcomes: '["Yes", "No"]',
    outcomePrices: '["0.5", "0.5"]',
    clobTokenIds: JSON.stringify([tokenIdFor(n, 0), tokenIdFor(n, 1)]),
    active: true,
    closed: false,
    enableOrderBook: true,
    negRisk: false,
    orderPriceMinTickSize: 0.01,
    orderMinSize: 5,
    ...overrides,
  };
}

export interface LevelSpec {
  readonly price: string;
  readonly size: string;
}

/** A `book` event as the socket sends it: best level LAST on each side. */
export function bookEvent(
  tokenId: string,
  bids: LevelSpec[],
  asks: LevelSpec[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const ascending = [...bids].sort((a, b) => Number(a.price) - Number(b.price));
  const descending = [...asks].sort((a, b) => Number(b.price) - Number(a.price));
  return {
    event_type: 'book',
    asset_id: tokenId,
    market: conditionIdFor(1),
    bids: ascending,
    asks: descending,
    timestamp: String(Date.now()),
    hash: `0x${(++counter).toString(16)}`,
    tick_size: '0.01',
    last_trade_price: '',
    ...overrides,
  };
}

export function lastTradeEvent(
  tokenId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    event_type: 'last_trade_price',
    asset_id: tokenId,
    market: conditionIdFor(1),
    price: '0.456',
    size: '219.217767',
    fee_rate_bps: '0',
    side: 'BUY',
    timestamp: String(Date.now()),
    transaction_hash: '0xeee',
    ...overrides,
  };
}

export function priceChangeEvent(
  changes: Array<{ asset_id: string; price: string; size: string; side: 'BUY' | 'SELL' }>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    event_type: 'price_change',
    market: conditionIdFor(1),
    timestamp: String(Date.now()),
    price_changes: changes.map((c) => ({ ...c, hash: 'abc' })),
    ...overrides,
  };
}

import { expect } from 'chai';
import { conditionIdFor, gammaMarket, tokenIdFor } from '../testing/fixtures.js';
import { normalizeGammaMarket, type NormalizedMarket } from './normalize-market.js';

function ok(result: NormalizedMarket) {
  if (!result.ok) throw new Error(`expected a market, got ${result.reason}: ${result.detail}`);
  return result.market;
}

function reason(result: NormalizedMarket): string {
  return result.ok ? 'ok' : result.reason;
}

describe('normalizeGammaMarket', () => {
  it('parses the JSON-string fields and pairs tokens with outcomes', () => {
    const market = ok(
      normalizeGammaMarket(
        gammaMarket(7, { conditionId: conditionIdFor(7).toUpperCase().replace('0X', '0x') }),
      ),
    );
    expect(market.conditionId).to.equal(conditionIdFor(7));
    expect(market.gammaId).to.equal('1007');
    expect(market.tokens).to.deep.equal([
      { tokenId: tokenIdFor(7, 0), outcome: 'Yes', outcomeIndex: 0 },
      { tokenId: tokenIdFor(7, 1), outcome: 'No', outcomeIndex: 1 },
    ]);
    expect(market.tickSize).to.equal('0.01');
    expect(market.minOrderSize).to.equal('5');
    expect(market.endDate?.toISOString()).to.equal('2027-12-31T17:15:00.000Z');
    expect(market.protocol).to.equal('v1');
    expect(market).to.include({
      active: true,
      closed: false,
      negRisk: false,
      enableOrderBook: true,
      slug: 'test-market-7',
    });
  });

  it('takes category and tags from the market or its events', () => {
    const market = ok(
      normalizeGammaMarket(
        gammaMarket(1, {
          tags: ['Sports', { label: 'Esports', slug: 'esports' }],
          events: [{ category: 'Games', tags: [{ slug: 'rainbow-six' }, 'Sports'] }],
        }),
      ),
    );
    expect(market.category).to.equal('Games');
    expect(market.tags).to.deep.equal(['Sports', 'Esports', 'rainbow-six']);
    expect(ok(normalizeGammaMarket(gammaMarket(1, { category: 'Politics' }))).category).to.equal('Politics');
    expect(ok(normalizeGammaMarket(gammaMarket(1))).category).to.equal(null);
    // Odd descriptive fields are read defensively, never a reason to skip a market.
    const odd = ok(normalizeGammaMarket(gammaMarket(1, { category: 7, tags: 5, events: 'x', slug: null })));
    expect(odd).to.include({ category: null, slug: null });
    expect(odd.tags).to.deep.equal([]);
    const messy = ok(
      normalizeGammaMarket(
        gammaMarket(1, { tags: [null, '', { label: '' }, { id: '3' }], events: [null, { category: '' }] }),
      ),
    );
    expect(messy.tags).to.deep.equal([]);
  });

  it('reads live tick sizes as exact decimal text (0.005, 0.0025) and string values', () => {
    expect(ok(normalizeGammaMarket(gammaMarket(1, { orderPriceMinTickSize: 0.0025 }))).tickSize).to.equal(
      '0.0025',
    );
    expect(ok(normalizeGammaMarket(gammaMarket(1, { orderPriceMinTickSize: '0.005' }))).tickSize).to.equal(
      '0.005',
    );
    expect(ok(normalizeGammaMarket(gammaMarket(1, { orderPriceMinTickSize: null }))).tickSize).to.equal(
      '0.01',
    );
    expect(ok(normalizeGammaMarket(gammaMarket(1, { orderMinSize: 2.5 }))).minOrderSize).to.equal('2.5');
  });

  it('handles Protocol-V2 markets: positionIds, no clobTokenIds (§17)', () => {
    const ids = [tokenIdFor(3, 0), tokenIdFor(3, 1)];
    const market = ok(
      normalizeGammaMarket(gammaMarket(3, { version: 'v2', clobTokenIds: undefined, positionIds: ids })),
    );
    expect(market.protocol).to.equal('v2');
    expect(market.tokens.map((t) => t.tokenId)).to.deep.equal(ids);
    // A v2 market still listing clobTokenIds during the migration.
    const migrating = ok(normalizeGammaMarket(gammaMarket(3, { version: 'v2', positionIds: null })));
    expect(migrating.tokens).to.have.length(2);
    expect(reason(normalizeGammaMarket(gammaMarket(3, { version: 'v2', positionIds: [1e30, 2] })))).to.equal(
      'bad_token_ids',
    );
    expect(
      ok(normalizeGammaMarket(gammaMarket(3, { version: 'v2', positionIds: [11, 12] }))).tokens[0]?.tokenId,
    ).to.equal('11');
  });

  it('reads a zone-less end date as UTC (G7) and accepts endDateIso', () => {
    expect(
      ok(normalizeGammaMarket(gammaMarket(1, { endDate: '2026-03-01T12:00:00' }))).endDate?.toISOString(),
    ).to.equal('2026-03-01T12:00:00.000Z');
    expect(
      ok(
        normalizeGammaMarket(gammaMarket(1, { endDate: null, endDateIso: '2026-03-01' })),
      ).endDate?.toISOString(),
    ).to.equal('2026-03-01T00:00:00.000Z');
    expect(ok(normalizeGammaMarket(gammaMarket(1, { endDate: undefined }))).endDate).to.equal(null);
  });

  it('accepts a market without an order book and without tokens', () => {
    const market = ok(
      normalizeGammaMarket(gammaMarket(1, { enableOrderBook: false, clobTokenIds: null, outcomes: null })),
    );
    expect(market.tokens).to.deep.equal([]);
    expect(market.enableOrderBook).to.equal(false);
  });

  it('names why a malformed market is skipped', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'schema'],
      [{ id: '1' }, 'schema'],
      [gammaMarket(1, { question: 42 }), 'schema'],
      [gammaMarket(1, { conditionId: '' }), 'bad_condition_id'],
      [gammaMarket(1, { conditionId: '0x1234' }), 'bad_condition_id'],
      [gammaMarket(1, { clobTokenIds: '[not json' }), 'bad_token_ids'],
      [gammaMarket(1, { clobTokenIds: '{"a":1}' }), 'bad_token_ids'],
      [gammaMarket(1, { clobTokenIds: '[1, 2]' }), 'bad_token_ids'],
      [gammaMarket(1, { clobTokenIds: '["abc", "def"]' }), 'bad_token_ids'],
      [gammaMarket(1, { clobTokenIds: null }), 'no_tokens'],
      [gammaMarket(1, { outcomes: 'Yes,No' }), 'bad_outcomes'],
      [gammaMarket(1, { outcomes: '["Yes"]' }), 'outcome_count_mismatch'],
      [gammaMarket(1, { endDate: 'next tuesday' }), 'bad_end_date'],
      [gammaMarket(1, { orderPriceMinTickSize: 0 }), 'bad_tick_size'],
      [gammaMarket(1, { orderPriceMinTickSize: '1.5' }), 'bad_tick_size'],
      [gammaMarket(1, { orderMinSize: 'five' }), 'schema'],
    ];
    for (const [input, expected] of cases)
      expect(reason(normalizeGammaMarket(input)), JSON.stringify(input)).to.equal(expected);
    const skipped = normalizeGammaMarket(gammaMarket(9, { conditionId: 'nope' }));
    expect(skipped).to.deep.include({ ok: false, id: '1009' });
  });
});

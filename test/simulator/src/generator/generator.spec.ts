import { expect } from 'chai';
import { generateUniverse, Slugs } from './generator.js';

const NOW = Date.UTC(2026, 10, 15, 12);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('market generator', () => {
  const { markets, events } = generateUniverse(42, 2_000, NOW);

  it('is deterministic: the same seed and start give identical markets; another seed differs', () => {
    const again = generateUniverse(42, 2_000, NOW);
    expect(again.markets).to.deep.equal(markets);
    expect(again.events).to.deep.equal(events);
    const other = generateUniverse(43, 2_000, NOW);
    expect(other.markets[0]?.conditionId).to.not.equal(markets[0]?.conditionId);
    expect(other.markets.map((m) => m.question)).to.not.deep.equal(markets.map((m) => m.question));
  });

  it('produces exactly the requested count with unique ids, tokens and slugs', () => {
    expect(markets).to.have.length(2_000);
    expect(new Set(markets.map((m) => m.conditionId)).size).to.equal(2_000);
    expect(new Set(markets.flatMap((m) => m.tokenIds)).size).to.equal(4_000);
    expect(new Set(markets.map((m) => m.slug)).size).to.equal(2_000);
    expect(
      markets.every(
        (m) => /^0x[0-9a-f]{64}$/.test(m.conditionId) && m.tokenIds.every((t) => /^\d{70,78}$/.test(t)),
      ),
    ).to.equal(true);
    expect(generateUniverse(1, 0, NOW).markets).to.deep.equal([]);
  });

  it('includes weather questions and the "Rainbow Six Siege" trap among realistic categories', () => {
    const questions = markets.map((m) => m.question);
    expect(questions.some((q) => /\b(rain|snow|hurricane|storm)\b/i.test(q))).to.equal(true);
    expect(questions.some((q) => q.includes('Rainbow Six Siege'))).to.equal(true);
    const categories = new Set(markets.map((m) => m.category));
    for (const c of ['Politics', 'Sports', 'Crypto', 'Esports', 'Weather', 'Economics'])
      expect(categories).to.include(c);
    expect(markets.every((m) => m.tags.length > 0)).to.equal(true);
  });

  it('spreads end dates from hours to months, with some closed markets in the past', () => {
    const open = markets.filter((m) => !m.closed);
    expect(open.some((m) => m.endDate - NOW < 6 * HOUR)).to.equal(true);
    expect(open.some((m) => m.endDate - NOW > 90 * DAY)).to.equal(true);
    const closed = markets.filter((m) => m.closed);
    expect(closed.length).to.be.greaterThan(0);
    expect(closed.every((m) => m.endDate < NOW && !m.acceptingOrders)).to.equal(true);
  });

  it('uses every tick size including 0.005 and 0.0025, with prices on the grid', () => {
    const ticks = new Set(markets.map((m) => m.tickSize));
    for (const t of ['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001']) expect(ticks).to.include(t);
    expect(markets.every((m) => m.basePrice > 0 && m.basePrice < 1)).to.equal(true);
  });

  it('groups neg-risk markets in events sharing one neg-risk market id', () => {
    const groups = events.filter((e) => e.negRisk);
    expect(groups.length).to.be.greaterThan(0);
    for (const g of groups) {
      const members = markets.filter((m) => m.eventId === g.id);
      expect(members.length).to.be.greaterThan(1);
      expect(new Set(members.map((m) => m.negRiskMarketId)).size).to.equal(1);
      expect(members.every((m) => m.negRisk && m.groupItemTitle !== '')).to.equal(true);
    }
  });

  it('mixes liquidity profiles and fee-enabled markets', () => {
    const profiles = new Set(markets.map((m) => m.liquidity));
    expect([...profiles].sort()).to.deep.equal(['illiquid', 'liquid', 'thin']);
    expect(markets.some((m) => m.feeRate > 0)).to.equal(true);
  });

  it('hands out unique slugs with numeric suffixes', () => {
    const slugs = new Slugs();
    expect([
      slugs.claim('Will it rain?'),
      slugs.claim('Will it rain?'),
      slugs.claim('will-it-rain-2'),
    ]).to.deep.equal(['will-it-rain', 'will-it-rain-2', 'will-it-rain-2-2']);
  });
});

import { expect } from 'chai';
import { testConfig } from '../config/defaults.js';
import { FILTER_ORDER, HardFilters } from './hard-filters.js';
import type { TradeEvent } from './ports.js';
import { market, SetTriggers } from './testing/in-memory-ports.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const HOUR = 3_600_000;

function trade(overrides: Partial<TradeEvent> = {}): TradeEvent {
  return {
    tokenId: 't1',
    price: '0.96',
    size: '100',
    side: 'BUY',
    timestamp: NOW - 10_000,
    source: 'websocket',
    receivedAt: NOW,
    ...overrides,
  };
}

describe('HardFilters', () => {
  const config = testConfig({ filters: { blockedCategories: ['Crypto'] } }).filters;
  let triggers: SetTriggers;
  let filters: HardFilters;

  beforeEach(() => {
    triggers = new SetTriggers();
    filters = new HardFilters(config, triggers, 0.95);
  });

  it('passes a fresh, large trade in a long-dated, allowed market', async () => {
    expect(await filters.check(trade(), market(), NOW)).to.deep.equal({ pass: true });
  });

  it('G1: rejects a trade older than 300 s (the Belichick bug)', async () => {
    const old = trade({ timestamp: NOW - 60 * 24 * HOUR });
    const verdict = await filters.check(old, market(), NOW);
    expect(verdict).to.include({ pass: false, reason: 'trade_too_old' });
    expect(await filters.check(trade({ timestamp: NOW - 300_000 }), market(), NOW)).to.deep.equal({
      pass: true,
    });
    expect(await filters.check(trade({ timestamp: NOW - 301_000 }), market(), NOW)).to.include({
      reason: 'trade_too_old',
    });
  });

  it('G6: rejects weather by whole word and lets "Rainbow Six Siege" through', async () => {
    expect(await filters.check(trade(), market({ question: 'Will it rain in NYC?' }), NOW)).to.include({
      reason: 'weather_market',
    });
    expect(
      await filters.check(trade(), market({ question: 'Rainbow Six Siege: will G2 win?' }), NOW),
    ).to.deep.equal({ pass: true });
  });

  it('rejects markets with 6 hours or less to end, or no end date', async () => {
    expect(await filters.check(trade(), market({ endDate: NOW + 6 * HOUR }), NOW)).to.include({
      reason: 'expiring_soon',
    });
    expect(await filters.check(trade(), market({ endDate: NOW + 6 * HOUR + 1000 }), NOW)).to.deep.equal({
      pass: true,
    });
    expect(await filters.check(trade(), market({ endDate: null }), NOW)).to.include({
      reason: 'expiring_soon',
    });
  });

  it('rejects a known trade size under 50 but lets an unknown size through (G3)', async () => {
    expect(await filters.check(trade({ size: '49.99' }), market(), NOW)).to.include({
      reason: 'trade_too_small',
    });
    expect(await filters.check(trade({ size: '50' }), market(), NOW)).to.deep.equal({ pass: true });
    expect(await filters.check(trade({ size: null }), market(), NOW)).to.deep.equal({ pass: true });
  });

  it('rejects blocked categories case-insensitively', async () => {
    expect(await filters.check(trade(), market({ category: 'crypto' }), NOW)).to.include({
      reason: 'blocked_category',
    });
    expect(await filters.check(trade(), market({ category: null }), NOW)).to.deep.equal({ pass: true });
  });

  it('G2: rejects a second token of a condition that already triggered', async () => {
    await triggers.recordTrigger({ tokenId: 't1', conditionId: '0xc1', threshold: 0.95 });
    expect(await filters.check(trade({ tokenId: 't2' }), market(), NOW)).to.include({
      reason: 'duplicate_trigger',
    });
    expect(await filters.check(trade({ tokenId: 't3' }), market({ conditionId: '0xc2' }), NOW)).to.deep.equal(
      { pass: true },
    );
  });

  it('applies the filters in the seed order: age before weather before time to end', async () => {
    const everythingWrong = trade({ timestamp: NOW - 10 * HOUR, size: '1' });
    const bad = market({ question: 'Will it snow?', endDate: NOW + HOUR, category: 'Crypto' });
    expect(await filters.check(everythingWrong, bad, NOW)).to.include({ reason: FILTER_ORDER[0] });
    expect(await filters.check(trade({ size: '1' }), bad, NOW)).to.include({ reason: FILTER_ORDER[1] });
    expect(await filters.check(trade({ size: '1' }), { ...bad, question: 'ok?' }, NOW)).to.include({
      reason: FILTER_ORDER[2],
    });
    expect(
      await filters.check(trade({ size: '1' }), { ...bad, question: 'ok?', endDate: NOW + 99 * HOUR }, NOW),
    ).to.include({ reason: FILTER_ORDER[3] });
  });
});

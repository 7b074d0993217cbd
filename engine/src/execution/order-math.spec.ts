import { expect } from 'chai';
import { InvalidOrderError } from './errors.js';
import {
  DecimalFormatError,
  ceilTo,
  divMicros,
  divRound,
  floorTo,
  formatMicros,
  mulMicros,
  toMicros,
} from './fixed.js';
import {
  assertPriceInRange,
  limitOrderAmounts,
  marketOrderAmounts,
  parseTickSize,
  planOrder,
  roundPriceToTick,
  sharesForNotional,
  type MarketRules,
} from './order-math.js';

const rules = (tickSize: MarketRules['tickSize'], minOrderSize = '5'): MarketRules => ({
  tickSize,
  minOrderSize,
  negRisk: false,
});

describe('execution: fixed-point decimals', () => {
  it('parses decimal text and numbers exactly, collapsing binary noise', () => {
    expect(toMicros('0.95')).to.equal(950_000n);
    expect(toMicros(0.1 + 0.2)).to.equal(300_000n);
    expect(toMicros(123456.789)).to.equal(123_456_789_000n);
    expect(toMicros('5')).to.equal(5_000_000n);
    expect(toMicros('.5')).to.equal(500_000n);
    expect(toMicros('-1.25')).to.equal(-1_250_000n);
    expect(toMicros('1e-3')).to.equal(1_000n);
    expect(toMicros('1.5E2')).to.equal(150_000_000n);
    expect(toMicros(7n)).to.equal(7_000_000n);
    expect(toMicros(1e-7, 'up')).to.equal(1n);
  });

  it('refuses digits past the sixth unless told how to round', () => {
    expect(() => toMicros('0.1234567')).to.throw(DecimalFormatError, /more than 6 decimal places/);
    expect(toMicros('0.1234567', 'down')).to.equal(123_456n);
    expect(toMicros('0.1234567', 'up')).to.equal(123_457n);
    expect(toMicros('0.1234565', 'half-up')).to.equal(123_457n);
    expect(toMicros('0.1234564', 'half-up')).to.equal(123_456n);
    expect(toMicros('-0.1234567', 'down')).to.equal(-123_457n);
  });

  it('names malformed values', () => {
    for (const bad of ['', 'abc', '1.2.3', '0x10', ' - '])
      expect(() => toMicros(bad)).to.throw(DecimalFormatError);
    expect(() => toMicros(Number.NaN)).to.throw(/not a finite number/);
    expect(() => toMicros(1e16)).to.throw(/out of range/);
  });

  it('formats without trailing zeros and does exact products and quotients', () => {
    expect(formatMicros(950_000n)).to.equal('0.95');
    expect(formatMicros(5_000_000n)).to.equal('5');
    expect(formatMicros(-1_050_000n)).to.equal('-1.05');
    expect(formatMicros(1n)).to.equal('0.000001');
    expect(mulMicros(toMicros('12.34'), toMicros('0.37'))).to.equal(toMicros('4.5658'));
    expect(divMicros(toMicros('100'), toMicros('0.52'))).to.equal(192_307_692n);
    expect(divRound(7n, 2n, 'half-up')).to.equal(4n);
    expect(divRound(7n, 2n, 'up')).to.equal(4n);
    expect(divRound(6n, 2n, 'up')).to.equal(3n);
    expect(() => divRound(1n, 0n, 'down')).to.throw(RangeError);
    expect(() => divRound(-1n, 2n, 'down')).to.throw(RangeError);
    expect(floorTo(957n, 5n)).to.equal(955n);
    expect(ceilTo(957n, 5n)).to.equal(960n);
  });
});

describe('execution: order maths (reference §5.2, §16.2, §17)', () => {
  it('BUY 10 @ 0.50 at tick 0.01 signs 5000000 / 10000000', () => {
    const amounts = limitOrderAmounts('BUY', toMicros('10'), toMicros('0.5'));
    expect(amounts.makerAmount.toString()).to.equal('5000000');
    expect(amounts.takerAmount.toString()).to.equal('10000000');
  });

  it('market BUY $100 at 0.52 signs 100000000 / 192307600 (192.3076 shares)', () => {
    const amounts = marketOrderAmounts('BUY', toMicros('100'), toMicros('0.52'), '0.01');
    expect(amounts.makerAmount.toString()).to.equal('100000000');
    expect(amounts.takerAmount.toString()).to.equal('192307600');
  });

  it('SELL 12.345 @ 0.37 cuts shares to 12.34 and signs 12340000 / 4565800', () => {
    const amounts = limitOrderAmounts('SELL', toMicros('12.345'), toMicros('0.37'));
    expect(amounts.makerAmount.toString()).to.equal('12340000');
    expect(amounts.takerAmount.toString()).to.equal('4565800');
    const market = marketOrderAmounts('SELL', toMicros('12.345'), toMicros('0.37'), '0.01');
    expect(market).to.deep.equal(amounts);
  });

  it('rounds onto the tick GRID, not to a number of decimals (0.005 and 0.0025 ticks)', () => {
    const tick5 = toMicros('0.005');
    expect(formatMicros(roundPriceToTick(toMicros('0.955'), tick5, 'BUY'))).to.equal('0.955');
    expect(formatMicros(roundPriceToTick(toMicros('0.957'), tick5, 'BUY'))).to.equal('0.955');
    expect(formatMicros(roundPriceToTick(toMicros('0.957'), tick5, 'SELL'))).to.equal('0.96');
    const tick25 = toMicros('0.0025');
    expect(formatMicros(roundPriceToTick(toMicros('0.9512'), tick25, 'BUY'))).to.equal('0.95');
    expect(formatMicros(roundPriceToTick(toMicros('0.9512'), tick25, 'SELL'))).to.equal('0.9525');
    expect(formatMicros(roundPriceToTick(toMicros('0.57'), toMicros('0.01'), 'BUY'))).to.equal('0.57');
  });

  it('keeps prices within [tick, 1 - tick]', () => {
    const tick = toMicros('0.01');
    expect(() => assertPriceInRange(toMicros('0.99'), tick)).not.to.throw();
    expect(() => assertPriceInRange(toMicros('0.01'), tick)).not.to.throw();
    expect(() => assertPriceInRange(toMicros('0.995'), tick)).to.throw(
      InvalidOrderError,
      /outside \[0.01, 0.99\]/,
    );
    expect(() => assertPriceInRange(toMicros('0.005'), tick)).to.throw(InvalidOrderError);
  });

  it('converts dollars to whole-cent shares, rounding down', () => {
    expect(formatMicros(sharesForNotional(toMicros('20'), toMicros('0.95')))).to.equal('21.05');
    expect(formatMicros(sharesForNotional(toMicros('20'), toMicros('0.3')))).to.equal('66.66');
  });

  it('normalizes tick sizes and refuses ones the venue does not use', () => {
    expect(parseTickSize('0.010')).to.equal('0.01');
    expect(parseTickSize(0.005)).to.equal('0.005');
    expect(parseTickSize('0.0025')).to.equal('0.0025');
    expect(() => parseTickSize('0.02')).to.throw(InvalidOrderError, /not one the venue uses/);
    expect(() => parseTickSize('tick')).to.throw(InvalidOrderError, /not a decimal/);
  });

  describe('planOrder', () => {
    it('plans a $20 BUY at 0.957 on a 0.005 grid: 0.955, 20.94 shares, cost 19.9977', () => {
      const plan = planOrder(
        { side: 'BUY', orderType: 'GTC', price: '0.957', notional: '20' },
        rules('0.005'),
      );
      expect(formatMicros(plan.price)).to.equal('0.955');
      expect(formatMicros(plan.shares)).to.equal('20.94');
      expect(formatMicros(plan.collateral)).to.equal('19.9977');
      expect(plan.makerAmount.toString()).to.equal('19997700');
      expect(plan.takerAmount.toString()).to.equal('20940000');
      expect(formatMicros(plan.notional ?? 0n)).to.equal('20');
    });

    it('rounds a SELL price up and sizes in shares', () => {
      const plan = planOrder({ side: 'SELL', orderType: 'GTC', price: 0.957, size: 10.019 }, rules('0.01'));
      expect(formatMicros(plan.price)).to.equal('0.96');
      expect(formatMicros(plan.shares)).to.equal('10.01');
      expect(formatMicros(plan.collateral)).to.equal('9.6096');
    });

    it('plans a market (FOK) BUY with the client rules: dollars to cents, shares to amount decimals', () => {
      const plan = planOrder(
        { side: 'BUY', orderType: 'FOK', price: '0.52', notional: '100' },
        rules('0.01'),
      );
      expect(plan.makerAmount.toString()).to.equal('100000000');
      expect(plan.takerAmount.toString()).to.equal('192307600');
      const bySize = planOrder({ side: 'BUY', orderType: 'FAK', price: '0.5', size: '10' }, rules('0.01'));
      expect(bySize.makerAmount.toString()).to.equal('5000000');
      expect(bySize.takerAmount.toString()).to.equal('10000000');
    });

    it('refuses orders under the minimum size, over the range, or without exactly one of size and notional', () => {
      expect(() => planOrder({ side: 'BUY', orderType: 'GTC', price: '0.95', notional: '1' }, rules('0.01')))
        .to.throw(InvalidOrderError, /lower than the market's minimum of 5 shares/)
        .with.property('reason', 'below_min_size');
      expect(() => planOrder({ side: 'SELL', orderType: 'GTC', price: '0.995', size: '10' }, rules('0.01')))
        .to.throw(InvalidOrderError)
        .with.property('reason', 'price_out_of_range');
      expect(() =>
        planOrder({ side: 'BUY', orderType: 'GTC', price: '0.5', size: '10', notional: '5' }, rules('0.01')),
      ).to.throw(/exactly one of size/);
      expect(() => planOrder({ side: 'BUY', orderType: 'GTC', price: '0.5' }, rules('0.01'))).to.throw(
        /exactly one of size/,
      );
      expect(() =>
        planOrder({ side: 'BUY', orderType: 'GTC', price: 'x', size: '10' }, rules('0.01')),
      ).to.throw(/price "x" is not a decimal/);
      expect(() =>
        planOrder({ side: 'BUY', orderType: 'GTC', price: '0.5', size: '-3' }, rules('0.01')),
      ).to.throw(/size must be positive/);
      expect(() =>
        planOrder({ side: 'BUY', orderType: 'GTC', price: '0.5', size: '0.001' }, rules('0.01', '0')),
      ).to.throw(/rounds to nothing/);
      expect(() =>
        planOrder({ side: 'BUY', orderType: 'GTC', price: '0.5', size: '10' }, rules('0.01', 'many')),
      ).to.throw(/minimum order size "many" is not a decimal/);
    });
  });
});

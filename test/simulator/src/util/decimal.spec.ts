import { expect } from 'chai';
import { decimalsOf, fromMicro, fromMicroPadded, shareStep, toMicro } from './decimal.js';

describe('fixed-point decimals', () => {
  it('parses strings and numbers exactly into 1e6 units', () => {
    expect(toMicro('0.55')).to.equal(550_000n);
    expect(toMicro(0.55)).to.equal(550_000n);
    expect(toMicro('192.3076')).to.equal(192_307_600n);
    expect(toMicro(0.1 + 0.2)).to.equal(300_000n);
    expect(toMicro('5')).to.equal(5_000_000n);
    expect(toMicro('0.0025')).to.equal(2_500n);
    expect(toMicro('1.500000000')).to.equal(1_500_000n);
  });

  it('refuses more than 6 significant decimals, negatives and garbage', () => {
    expect(() => toMicro('0.0000001')).to.throw(RangeError);
    expect(() => toMicro(-1)).to.throw(RangeError);
    expect(() => toMicro('1e3')).to.throw(RangeError);
    expect(() => toMicro('abc')).to.throw(RangeError);
  });

  it('formats the shortest decimal and pads on request', () => {
    expect(fromMicro(5_000_000n)).to.equal('5');
    expect(fromMicro(550_000n)).to.equal('0.55');
    expect(fromMicro(1n)).to.equal('0.000001');
    expect(fromMicro(-2_500n)).to.equal('-0.0025');
    expect(fromMicroPadded(700_000n, 2)).to.equal('0.70');
    expect(decimalsOf('0.0025')).to.equal(4);
  });

  it('finds the smallest share step whose cost is whole collateral units', () => {
    expect(shareStep(500_000n)).to.equal(2n);
    expect(shareStep(520_000n)).to.equal(25n);
    expect(shareStep(2_500n)).to.equal(400n);
    expect((shareStep(520_000n) * 520_000n) % 1_000_000n).to.equal(0n);
  });
});

import { expect } from 'chai';
import { toDecimalString } from './decimal.js';

describe('toDecimalString', () => {
  it('recovers the decimal the author meant from binary noise', () => {
    expect(toDecimalString(0.1 + 0.2)).to.equal('0.3');
    expect(toDecimalString(0.95)).to.equal('0.95');
    expect(toDecimalString(20)).to.equal('20');
    expect(toDecimalString(1e-7)).to.equal('0.0000001');
    expect(toDecimalString(-0)).to.equal('0');
  });

  it('refuses non-finite values', () => {
    expect(() => toDecimalString(Number.NaN)).to.throw(RangeError);
    expect(() => toDecimalString(Number.POSITIVE_INFINITY)).to.throw(RangeError);
  });
});

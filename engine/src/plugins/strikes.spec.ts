import { expect } from 'chai';
import { Backoff, StrikeCounter } from './strikes.js';

describe('strikes and backoff', () => {
  it('quarantines at the limit inside the window only', () => {
    const strikes = new StrikeCounter(3, 1_000);
    expect(strikes.strike(0)).to.equal(false);
    expect(strikes.strike(500)).to.equal(false);
    expect(strikes.count(999)).to.equal(2);
    expect(strikes.strike(1_200)).to.equal(false);
    expect(strikes.count(1_200)).to.equal(2);
    expect(strikes.strike(1_300)).to.equal(true);
    strikes.reset();
    expect(strikes.count(1_300)).to.equal(0);
  });

  it('doubles the restart delay up to the cap and starts over after a reset', () => {
    const backoff = new Backoff(100, 500);
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next(), backoff.next()]).to.deep.equal([
      100, 200, 400, 500, 500,
    ]);
    expect(backoff.attempts).to.equal(5);
    backoff.reset();
    expect(backoff.next()).to.equal(100);
  });

  it('never overflows however long it keeps failing', () => {
    const backoff = new Backoff(1, 1_000);
    for (let i = 0; i < 1_000; i++) backoff.next();
    expect(backoff.next()).to.equal(1_000);
  });
});

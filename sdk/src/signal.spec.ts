import { expect } from 'chai';
import { buy, ignore, MAX_REASON_LENGTH, sell, validateSignal, watch } from './signal.js';

function errorsOf(value: unknown): string[] {
  const result = validateSignal(value);
  return result.ok ? [] : result.errors;
}

describe('signals', () => {
  describe('builders', () => {
    it('build each action with its reason and fields', () => {
      expect(buy('cheap', { price: 0.4, notional: 10 })).to.deep.equal({
        action: 'BUY',
        reason: 'cheap',
        price: 0.4,
        notional: 10,
      });
      expect(sell('exit', { size: 3, orderType: 'FOK' })).to.deep.equal({
        action: 'SELL',
        reason: 'exit',
        size: 3,
        orderType: 'FOK',
      });
      expect(watch('later', { watchForSeconds: 60 })).to.deep.equal({
        action: 'WATCH',
        reason: 'later',
        watchForSeconds: 60,
      });
      expect(ignore('no')).to.deep.equal({ action: 'IGNORE', reason: 'no' });
      expect(buy('plain')).to.deep.equal({ action: 'BUY', reason: 'plain' });
    });

    it('produce signals that validate', () => {
      for (const signal of [buy('a', { price: 0.5, size: 2 }), sell('b'), watch('c'), ignore('d')]) {
        expect(validateSignal(signal)).to.deep.equal({ ok: true, signal });
      }
    });
  });

  describe('validateSignal', () => {
    it('accepts GTD with an expiry', () => {
      expect(
        validateSignal({ action: 'BUY', reason: 'r', orderType: 'GTD', expiresInSeconds: 30 }).ok,
      ).to.equal(true);
    });

    it('refuses what is not an object', () => {
      expect(errorsOf('BUY')).to.deep.equal(['signal must be an object, got string']);
      expect(errorsOf(null)).to.deep.equal(['signal must be an object, got null']);
      expect(errorsOf(undefined)).to.deep.equal(['signal must be an object, got undefined']);
      expect(errorsOf([buy('x')])).to.deep.equal(['signal must be an object, got object']);
    });

    it('refuses an unknown action', () => {
      expect(errorsOf({ action: 'HOLD', reason: 'r' })[0]).to.match(
        /signal.action must be one of BUY, SELL, WATCH, IGNORE, got "HOLD"/,
      );
      expect(errorsOf({ reason: 'r' })[0]).to.match(/got undefined/);
    });

    it('requires a non-empty reason of bounded length', () => {
      expect(errorsOf({ action: 'IGNORE' })).to.deep.equal(['signal.reason must be a non-empty string']);
      expect(errorsOf({ action: 'IGNORE', reason: '   ' })).to.deep.equal([
        'signal.reason must be a non-empty string',
      ]);
      expect(errorsOf({ action: 'IGNORE', reason: 'x'.repeat(MAX_REASON_LENGTH) })).to.deep.equal([]);
      expect(errorsOf({ action: 'IGNORE', reason: 'x'.repeat(MAX_REASON_LENGTH + 1) })).to.deep.equal([
        `signal.reason must be at most ${MAX_REASON_LENGTH} characters`,
      ]);
    });

    it('refuses keys that do not belong to the action', () => {
      expect(errorsOf({ action: 'IGNORE', reason: 'r', price: 0.5 })).to.deep.equal([
        'signal.price is not allowed on a IGNORE signal',
      ]);
      expect(errorsOf({ action: 'WATCH', reason: 'r', size: 1 })).to.deep.equal([
        'signal.size is not allowed on a WATCH signal',
      ]);
      expect(errorsOf({ action: 'BUY', reason: 'r', tokenId: '1' })).to.deep.equal([
        'signal.tokenId is not allowed on a BUY signal',
      ]);
    });

    it('checks order fields', () => {
      expect(errorsOf({ action: 'BUY', reason: 'r', price: 1 })).to.deep.equal([
        'signal.price must be a number strictly between 0 and 1',
      ]);
      expect(errorsOf({ action: 'BUY', reason: 'r', price: 0 })).to.have.length(1);
      expect(errorsOf({ action: 'BUY', reason: 'r', price: Number.NaN })).to.have.length(1);
      expect(errorsOf({ action: 'SELL', reason: 'r', size: -1 })).to.deep.equal([
        'signal.size must be a positive number',
      ]);
      expect(errorsOf({ action: 'SELL', reason: 'r', notional: Infinity })).to.deep.equal([
        'signal.notional must be a positive number',
      ]);
      expect(errorsOf({ action: 'BUY', reason: 'r', size: 1, notional: 1 })).to.deep.equal([
        'signal.size and signal.notional are exclusive',
      ]);
      expect(errorsOf({ action: 'BUY', reason: 'r', orderType: 'IOC' })).to.deep.equal([
        'signal.orderType must be one of GTC, GTD, FOK, FAK',
      ]);
      expect(errorsOf({ action: 'BUY', reason: 'r', orderType: 'GTD' })).to.deep.equal([
        'signal.expiresInSeconds is required with orderType GTD',
      ]);
      expect(errorsOf({ action: 'BUY', reason: 'r', expiresInSeconds: 5 })).to.deep.equal([
        'signal.expiresInSeconds is only allowed with orderType GTD',
      ]);
    });

    it('checks watchForSeconds', () => {
      expect(errorsOf({ action: 'WATCH', reason: 'r', watchForSeconds: 0 })).to.deep.equal([
        'signal.watchForSeconds must be a positive number',
      ]);
    });

    it('names every problem at once', () => {
      expect(errorsOf({ action: 'BUY', reason: '', price: 2, size: 'big' })).to.have.length(3);
    });
  });
});

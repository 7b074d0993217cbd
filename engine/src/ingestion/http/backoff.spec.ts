import { expect } from 'chai';
import { backoffDelay, parseRetryAfter } from './backoff.js';
import { Semaphore } from './semaphore.js';

describe('backoff and Retry-After', () => {
  it('grows exponentially with jitter between half and all of the ceiling, capped', () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(policy, 0, () => 0)).to.equal(50);
    expect(backoffDelay(policy, 0, () => 1)).to.equal(100);
    expect(backoffDelay(policy, 3, () => 0)).to.equal(400);
    expect(backoffDelay(policy, 10, () => 1)).to.equal(1000);
    expect(backoffDelay(policy, 1000, () => 0.5)).to.equal(750);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('2', now)).to.equal(2000);
    expect(parseRetryAfter(['1.5'], now)).to.equal(1500);
    expect(parseRetryAfter(new Date(now + 3000).toUTCString(), now)).to.equal(3000);
    expect(parseRetryAfter(new Date(now - 3000).toUTCString(), now)).to.equal(0);
    expect(parseRetryAfter(undefined, now)).to.equal(null);
    expect(parseRetryAfter(' ', now)).to.equal(null);
    expect(parseRetryAfter('soon', now)).to.equal(null);
  });
});

describe('Semaphore', () => {
  it('never lets more than its capacity run, and serves waiters in order', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (n: number) =>
      semaphore.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(n);
        running--;
        return n;
      });
    const results = await Promise.all([1, 2, 3, 4, 5].map(task));
    expect(results).to.deep.equal([1, 2, 3, 4, 5]);
    expect(peak).to.equal(2);
    expect(semaphore.inFlight).to.equal(0);
    expect(semaphore.queued).to.equal(0);
  });

  it('releases its slot when the task throws', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.run(() => Promise.reject(new Error('boom'))).catch(() => undefined);
    expect(await semaphore.run(() => Promise.resolve('ok'))).to.equal('ok');
    expect(() => new Semaphore(0)).to.throw(RangeError);
  });
});

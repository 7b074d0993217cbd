import { expect } from 'chai';
import { MetricsRegistry } from '../monitoring/metrics.js';
import { EventQueue } from './event-queue.js';

describe('EventQueue', () => {
  it('processes events strictly in arrival order, one at a time', async () => {
    const seen: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const queue = new EventQueue<number>(
      async (n) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(n);
        inFlight -= 1;
      },
      () => undefined,
      new MetricsRegistry(),
    );
    for (let i = 0; i < 50; i += 1) queue.push(i);
    await queue.idle();
    expect(seen).to.deep.equal([...Array(50).keys()]);
    expect(maxInFlight).to.equal(1);
  });

  it('keeps going after a handler throws and reports the error with its event', async () => {
    const errors: number[] = [];
    const done: number[] = [];
    const metrics = new MetricsRegistry();
    const queue = new EventQueue<number>(
      async (n) => {
        if (n === 2) throw new Error('boom');
        done.push(n);
      },
      (_error, n) => errors.push(n),
      metrics,
    );
    [1, 2, 3].forEach((n) => queue.push(n));
    await queue.idle();
    expect(done).to.deep.equal([1, 3]);
    expect(errors).to.deep.equal([2]);
    expect(await metrics.value('polybot_event_handler_errors_total')).to.equal(1);
  });

  it('drops and counts events beyond its capacity instead of growing without bound', async () => {
    const metrics = new MetricsRegistry();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = new EventQueue<number>(
      () => gate,
      () => undefined,
      metrics,
      3,
    );
    const accepted = [1, 2, 3, 4, 5].map((n) => queue.push(n));
    expect(accepted).to.deep.equal([true, true, true, false, false]);
    expect(await metrics.value('polybot_event_queue_dropped_total')).to.equal(2);
    release();
    await queue.idle();
    expect(queue.size).to.equal(0);
  });

  it('refuses new events after close but finishes the queued ones', async () => {
    const done: number[] = [];
    const queue = new EventQueue<number>(
      async (n) => void done.push(n),
      () => undefined,
      new MetricsRegistry(),
    );
    queue.push(1);
    queue.push(2);
    await queue.close();
    expect(queue.push(3)).to.equal(false);
    expect(done).to.deep.equal([1, 2]);
  });

  it('compacts its backing array on long runs', async () => {
    let count = 0;
    const queue = new EventQueue<number>(
      async () => void (count += 1),
      () => undefined,
      new MetricsRegistry(),
    );
    for (let i = 0; i < 5000; i += 1) queue.push(i);
    await queue.idle();
    expect(count).to.equal(5000);
    expect(queue.size).to.equal(0);
  });
});

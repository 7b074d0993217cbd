import { expect } from 'chai';
import { createSilentLogger } from '../monitoring/index.js';
import type { PingResult } from '../storage/index.js';
import { DatabaseWatch } from './database-watch.js';

/** Stands in for the database: the watch only ever calls `ping`. */
class Pinger {
  pings = 0;
  mode: 'up' | 'down' | 'hang' = 'up';
  private hung: { resolve: (value: PingResult) => void } | null = null;

  ping(): Promise<PingResult> {
    this.pings++;
    if (this.mode === 'down') return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    if (this.mode === 'hang')
      return new Promise((resolve) => {
        this.hung = { resolve };
      });
    return Promise.resolve({ ok: true, latencyMs: 0.4, backend: 'postgres' });
  }

  /** The hung ping finally answers. */
  release(): void {
    this.hung?.resolve({ ok: true, latencyMs: 9_000, backend: 'postgres' });
    this.hung = null;
  }
}

async function waitUntil(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('app: DatabaseWatch', () => {
  let database: Pinger;
  let lost: string[];
  let restored: number;
  const watches: DatabaseWatch[] = [];

  function watch(intervalMs = 60_000, timeoutMs = 5_000): DatabaseWatch {
    const created = new DatabaseWatch(
      database,
      {
        onLost: (reason) => lost.push(reason),
        onRestored: () => restored++,
        logger: createSilentLogger(),
      },
      intervalMs,
      timeoutMs,
    );
    watches.push(created);
    return created;
  }

  beforeEach(() => {
    database = new Pinger();
    lost = [];
    restored = 0;
  });

  afterEach(() => {
    for (const created of watches.splice(0)) created.stop();
    database.release();
  });

  it('stays quiet while the database answers', async () => {
    const w = watch();
    await w.probe();
    await w.probe();
    expect(database.pings).to.equal(2);
    expect({ lost, restored, isLost: w.isLost }).to.deep.equal({ lost: [], restored: 0, isLost: false });
  });

  it('reports a lost database once, with the reason, however many probes fail', async () => {
    const w = watch();
    database.mode = 'down';
    await w.probe();
    await w.probe();
    await w.probe();
    expect(lost).to.have.length(1);
    expect(lost[0]).to.match(/ECONNREFUSED/);
    expect(w.isLost).to.equal(true);
    expect(restored).to.equal(0);
  });

  it('reports the way back once, and a second loss again', async () => {
    const w = watch();
    database.mode = 'down';
    await w.probe();
    database.mode = 'up';
    await w.probe();
    await w.probe();
    expect(restored).to.equal(1);
    expect(w.isLost).to.equal(false);
    database.mode = 'down';
    await w.probe();
    expect(lost).to.have.length(2);
  });

  it('counts a ping that hangs as lost, and does not pile up pings behind it', async () => {
    const w = watch(60_000, 20);
    database.mode = 'hang';
    await w.probe();
    expect(lost).to.have.length(1);
    expect(lost[0]).to.match(/did not answer a ping within 20 ms/);
    await w.probe();
    await w.probe();
    expect(database.pings, 'later probes wait on the same ping').to.equal(1);
    expect(lost).to.have.length(1);
    database.mode = 'up';
    database.release();
    await w.probe();
    expect(restored).to.equal(1);
    expect(w.isLost).to.equal(false);
  });

  it('runs one probe at a time', async () => {
    const w = watch(60_000, 20);
    database.mode = 'hang';
    await Promise.all([w.probe(), w.probe(), w.probe()]);
    expect(database.pings).to.equal(1);
    expect(lost).to.have.length(1);
  });

  it('probes on its interval once started', async () => {
    const w = watch(2);
    database.mode = 'down';
    w.start();
    await waitUntil(() => lost.length === 1, 'the loss to be noticed');
    database.mode = 'up';
    await waitUntil(() => restored === 1, 'the database to be back');
    w.stop();
  });

  it('starts one timer however often started, and stops idempotently', () => {
    const created: unknown[] = [];
    const cleared: unknown[] = [];
    const { setInterval: realSet, clearInterval: realClear } = globalThis;
    globalThis.setInterval = ((...args: Parameters<typeof realSet>) => {
      const handle = realSet(...args);
      created.push(handle);
      return handle;
    }) as typeof realSet;
    globalThis.clearInterval = ((handle: Parameters<typeof realClear>[0]) => {
      cleared.push(handle);
      realClear(handle);
    }) as typeof realClear;
    try {
      const w = watch();
      w.start();
      w.start();
      expect(created).to.have.length(1);
      w.stop();
      w.stop();
      expect(cleared).to.deep.equal(created);
      w.start();
      expect(created, 'restartable').to.have.length(2);
      w.stop();
      expect(cleared).to.deep.equal(created);
    } finally {
      globalThis.setInterval = realSet;
      globalThis.clearInterval = realClear;
    }
  });
});

import { expect } from 'chai';
import { createSilentLogger } from '../monitoring/logger.js';
import { ManualClock } from '../util/clock.js';
import type { TradeEvent } from './ports.js';
import { ArrayWatchlist } from './testing/in-memory-ports.js';
import { TradePoller } from './trade-poller.js';

const NOW = Date.UTC(2026, 0, 15, 12);

function print(tokenId: string, price: string, at: number): TradeEvent {
  return { tokenId, price, size: '60', side: 'BUY', timestamp: at, source: 'websocket', receivedAt: at };
}

describe('TradePoller', () => {
  let clock: ManualClock;
  let watchlist: ArrayWatchlist;
  let fed: TradeEvent[];
  let responses: Map<string, readonly TradeEvent[] | Error>;
  let poller: TradePoller;

  beforeEach(async () => {
    clock = new ManualClock(NOW);
    watchlist = new ArrayWatchlist();
    fed = [];
    responses = new Map();
    poller = new TradePoller({
      watchlist,
      recentTrades: async (tokenId) => {
        const answer = responses.get(tokenId) ?? [];
        if (answer instanceof Error) throw answer;
        return answer;
      },
      sink: (event) => fed.push(event),
      clock,
      logger: createSilentLogger(),
      maxAgeSeconds: 300,
    });
    await watchlist.add({
      tokenId: 'a',
      conditionId: '0xa',
      strategy: 's',
      reason: 'r',
      triggerPrice: '0.9',
      expiresAt: NOW + 600_000,
    });
    await watchlist.add({
      tokenId: 'b',
      conditionId: '0xb',
      strategy: 's',
      reason: 'r',
      triggerPrice: '0.9',
      expiresAt: NOW + 600_000,
    });
  });

  afterEach(async () => {
    await poller.stop();
  });

  it('feeds new prints of watched tokens as REST events, each print once', async () => {
    responses.set('a', [print('a', '0.95', NOW - 1000), print('a', '0.96', NOW - 500)]);
    expect(await poller.pollOnce()).to.equal(2);
    expect(fed.map((e) => `${e.tokenId}@${e.price}:${e.source}`)).to.deep.equal([
      'a@0.95:rest',
      'a@0.96:rest',
    ]);
    responses.set('a', [print('a', '0.96', NOW - 500), print('a', '0.97', NOW - 100)]);
    expect(await poller.pollOnce()).to.equal(1);
    expect(fed.at(-1)?.price).to.equal('0.97');
  });

  it('skips a market whose poll fails and still polls the others', async () => {
    responses.set('a', new Error('data api 500'));
    responses.set('b', [print('b', '0.95', NOW - 1000)]);
    expect(await poller.pollOnce()).to.equal(1);
    expect(fed.map((e) => e.tokenId)).to.deep.equal(['b']);
  });

  it('stops polling expired watch entries', async () => {
    responses.set('a', [print('a', '0.95', NOW - 1000)]);
    clock.advance(601_000);
    expect(await poller.pollOnce()).to.equal(0);
    expect(watchlist.entries.every((e) => e.status === 'expired')).to.equal(true);
  });

  it('forgets prints older than twice the age limit, so memory stays bounded', async () => {
    responses.set('a', [print('a', '0.95', NOW - 1000)]);
    expect(await poller.pollOnce()).to.equal(1);
    clock.advance(700_000);
    await watchlist.add({
      tokenId: 'a',
      conditionId: '0xa',
      strategy: 's2',
      reason: 'r',
      triggerPrice: '0.9',
      expiresAt: clock.now() + 600_000,
    });
    responses.set('a', []);
    expect(await poller.pollOnce()).to.equal(0);
    // The remembered print was dropped in that round, so the same print counts as new again.
    responses.set('a', [print('a', '0.95', NOW - 1000)]);
    expect(await poller.pollOnce()).to.equal(1);
  });

  it('polls on a timer once started, and stops cleanly', async () => {
    responses.set('a', [print('a', '0.95', NOW - 1000)]);
    poller.start(5);
    poller.start(5);
    const deadline = Date.now() + 5000;
    while (fed.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    await poller.stop();
    expect(fed).to.have.length(1);
  });

  it('logs a failing round and keeps its timer', async () => {
    const failing = new TradePoller({
      watchlist: {
        ...watchlist,
        expireDue: async () => Promise.reject(new Error('db down')),
        watchedTokens: async () => [],
      } as unknown as ArrayWatchlist,
      recentTrades: async () => [],
      sink: () => undefined,
      clock,
      logger: createSilentLogger(),
      maxAgeSeconds: 300,
    });
    failing.start(2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await failing.stop();
  });
});

import { expect } from 'chai';
import { Simulator } from '@polybot/simulator';
import type { LastTradeEvent, TickSizeChangeEvent } from 'polybot';
import { createIngestion, waitFor, type Ingestion } from './harness.js';

/** Token ids of the markets the feed should carry: open and active. */
function liveTokens(sim: Simulator): string[] {
  return sim.scenario
    .markets()
    .filter((m) => !m.closed && m.active)
    .flatMap((m) => [...m.tokenIds]);
}

describe('ingestion against the simulator: market feed', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let ingestion: Ingestion | undefined;

  afterEach(async () => {
    await ingestion?.stop();
    ingestion = undefined;
    await sim?.stop();
  });

  it('shards 3,000 markets over connections of at most 100 assets and syncs every book', async () => {
    sim = await Simulator.start({ seed: 21, marketCount: 3_000 });
    const tokens = liveTokens(sim);
    ingestion = createIngestion(sim.urls, { maxAssetsPerConnection: 100 });
    await ingestion.service.start();
    await ingestion.catalog.whenComplete();
    const shards = Math.ceil(tokens.length / 100);
    await waitFor(() => {
      const c = sim.scenario.connections();
      return c.market === shards && c.assetCounts.reduce((a, b) => a + b, 0) === tokens.length;
    }, `${shards} connections carrying ${tokens.length} assets`);
    expect(shards).to.be.greaterThan(40);
    expect(Math.max(...sim.scenario.connections().assetCounts)).to.be.at.most(100);
    expect(ingestion.feed.shardSizes().every((n) => n <= 100)).to.equal(true);
    await waitFor(() => ingestion?.feed.health().unsyncedBooks === 0, 'every book synced');
    expect(ingestion.feed.health()).to.include({
      connections: shards,
      open: shards,
      subscribed: tokens.length,
    });
    const sample = tokens[1234] ?? '';
    expect(ingestion.books.isSynced(sample)).to.equal(true);
  });

  it('reconnects and resubscribes everything after the server drops its connections', async () => {
    sim = await Simulator.start({ seed: 22, marketCount: 150 });
    const tokens = liveTokens(sim);
    ingestion = createIngestion(sim.urls, { maxAssetsPerConnection: 100 });
    await ingestion.service.start();
    const shards = Math.ceil(tokens.length / 100);
    await waitFor(
      () => ingestion?.feed.health().unsyncedBooks === 0 && sim.scenario.connections().market === shards,
      'synced',
    );

    const dropped = Date.now();
    sim.scenario.dropConnections('market');
    await waitFor(
      () => (ingestion?.statuses.filter((s) => s.state === 'disconnected').length ?? 0) >= shards,
      'every shard saw the drop',
    );
    await waitFor(() => {
      const c = sim.scenario.connections();
      return c.market === shards && c.assetCounts.reduce((a, b) => a + b, 0) === tokens.length;
    }, 'resubscribed on new connections');
    await waitFor(() => ingestion?.feed.health().unsyncedBooks === 0, 'books rebuilt');
    // Every book was rebuilt from a snapshot taken after the drop.
    expect(tokens.every((t) => (ingestion?.books.state(t)?.updatedAt ?? 0) >= dropped)).to.equal(true);
    expect(await ingestion.metrics.value('polybot_ws_reconnects_total')).to.be.at.least(shards);
  });

  it('replaces a silently frozen connection and rebuilds its books', async () => {
    sim = await Simulator.start({ seed: 23, marketCount: 20 });
    ingestion = createIngestion(sim.urls, { silentFeedSeconds: 0.6, pingIntervalSeconds: 0.1 });
    await ingestion.service.start();
    await waitFor(
      () => ingestion?.feed.health().unsyncedBooks === 0 && ingestion.feed.health().open === 1,
      'synced',
    );
    const frozenAt = Date.now();
    sim.scenario.freezeFeed(true, 'market');
    await waitFor(
      async () =>
        (await ingestion!.metrics.value('polybot_ws_reconnects_total', { reason: 'silent_feed' })) >= 1,
      'frozen connection replaced',
    );
    sim.scenario.freezeFeed(false, 'market');
    await waitFor(() => ingestion?.feed.health().unsyncedBooks === 0, 'books rebuilt after the freeze');
    const token = liveTokens(sim)[0] ?? '';
    expect(ingestion.books.state(token)?.updatedAt).to.be.at.least(frozenAt);
  });

  it('rebuilds a book from a fresh snapshot after tick_size_change', async () => {
    sim = await Simulator.start({ seed: 24, marketCount: 10 });
    const market = sim.scenario.createMarket({
      question: 'Will the tick shrink near the extremes?',
      tickSize: '0.01',
      book: { bids: [{ price: '0.96', size: '100' }], asks: [{ price: '0.97', size: '100' }] },
    });
    const token = market.tokenIds[0];
    ingestion = createIngestion(sim.urls);
    const changes: TickSizeChangeEvent[] = [];
    ingestion.feed.on('tickSizeChange', (e) => changes.push(e));
    await ingestion.service.start();
    await waitFor(() => ingestion?.books.isSynced(token) === true, 'synced');
    sim.scenario.clearRequestLog();

    sim.scenario.setTickSize(token, '0.001');
    await waitFor(() => changes.some((c) => c.tokenId === token), 'tick_size_change received');
    expect(changes.find((c) => c.tokenId === token)).to.include({
      oldTickSize: '0.01',
      newTickSize: '0.001',
    });
    await waitFor(
      () => sim.scenario.requestLog().some((r) => r.method === 'POST' && r.path === '/books'),
      'REST snapshot',
    );
    await waitFor(() => ingestion?.books.isSynced(token) === true, 'resynced');
    expect(ingestion.books.state(token)?.tickSize).to.equal('0.001');
    expect(ingestion.books.bestBid(token)?.priceText).to.equal('0.96');
    await waitFor(
      () => ingestion?.catalog.get(market.conditionId)?.tickSize === '0.001',
      'catalogue follows the tick',
    );
  });

  it('survives malformed frames, counting them, and keeps delivering trades with their size', async () => {
    sim = await Simulator.start({ seed: 25, marketCount: 10 });
    const market = sim.scenario.createMarket({ question: 'Will garbage frames break the feed?' });
    ingestion = createIngestion(sim.urls);
    const trades: LastTradeEvent[] = [];
    ingestion.feed.on('trade', (t) => trades.push(t));
    await ingestion.service.start();
    await waitFor(() => ingestion?.books.isSynced(market.tokenIds[0]) === true, 'synced');

    sim.scenario.sendRaw('this is not json');
    sim.scenario.sendRaw('{"event_type":"book","asset_id":"1"}');
    sim.scenario.sendRaw(
      '[{"event_type":"price_change","market":"0x1","timestamp":"1","price_changes":[{"price":"2"}]}]',
    );
    sim.scenario.sendRaw('{"event_type":"surprise"}');
    sim.scenario.printTrade({ tokenId: market.tokenIds[0], price: '0.42', size: '12.5', side: 'SELL' });
    await waitFor(() => trades.length === 1, 'a trade after the garbage');
    expect(trades[0]).to.include({
      tokenId: market.tokenIds[0],
      priceText: '0.42',
      sizeText: '12.5',
      size: 12.5,
      side: 'SELL',
    });
    const dropped = (reason: string) =>
      ingestion!.metrics.value('polybot_ws_frames_dropped_total', { reason });
    expect(await dropped('invalid_json')).to.equal(1);
    expect(await dropped('bad_book')).to.equal(1);
    expect(await dropped('bad_price_change')).to.equal(1);
    expect(await dropped('unknown_event_type')).to.equal(1);
    expect(ingestion.tape.trades.some((t) => t.price === '0.42' && t.size === '12.5')).to.equal(true);
  });

  it('B5: the venue’s PONG heartbeats never reach the frame parser: none dropped, no error, while a malformed frame is counted', async () => {
    sim = await Simulator.start({ seed: 26, marketCount: 10 });
    const market = sim.scenario.createMarket({ question: 'Will heartbeats be mistaken for data?' });
    ingestion = createIngestion(sim.urls);
    await ingestion.service.start();
    await waitFor(() => ingestion?.books.isSynced(market.tokenIds[0]) === true, 'synced');
    const metric = (name: string, labels: Record<string, string> = {}) =>
      ingestion!.metrics.value(name, labels);

    for (let i = 0; i < 5; i++) sim.scenario.sendRaw('PONG');
    sim.scenario.sendRaw('{"event_type":');
    // Sent after the PONGs on the same socket: once it is counted, they were handled.
    await waitFor(
      async () => (await metric('polybot_ws_frames_dropped_total', { reason: 'invalid_json' })) >= 1,
      'the malformed frame to be dropped',
    );
    expect(await metric('polybot_ws_frames_dropped_total'), 'only the malformed frame').to.equal(1);
    expect(await metric('polybot_ingestion_frame_errors_total')).to.equal(0);
  });
});

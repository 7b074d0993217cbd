import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { createLogger, type Logger } from '../../monitoring/logger.js';
import { HttpClient } from '../http/http-client.js';
import { ClobPublicClient } from '../rest/clob-public-client.js';
import { testDeps, type TestDeps } from '../testing/context.js';
import { bookEvent, lastTradeEvent, priceChangeEvent } from '../testing/fixtures.js';
import { MemoryTapeSink } from '../testing/memory-sinks.js';
import { StubHttpServer, StubWsServer } from '../testing/stub-server.js';
import { waitFor } from '../testing/wait-for.js';
import type { FeedStatusEvent, IngestionAlert } from '../types.js';
import { BookStore } from './book-store.js';
import { MarketFeed } from './market-feed.js';

const tokens = (n: number, from = 1) => Array.from({ length: n }, (_, i) => String(from + i));

describe('MarketFeed', function () {
  this.timeout(15_000);
  let ws: StubWsServer;
  let rest: StubHttpServer;
  let http: HttpClient;
  let feed: MarketFeed;
  let books: BookStore;
  let tape: MemoryTapeSink;
  let deps: TestDeps;
  let statuses: FeedStatusEvent[];
  let alerts: IngestionAlert[];

  async function setup(
    ingestion: Record<string, unknown> = {},
    snapshots = true,
    snapshotGraceMs = 150,
    logger?: Logger,
  ): Promise<void> {
    ws = new StubWsServer();
    rest = new StubHttpServer();
    const wsUrl = await ws.start();
    const restUrl = await rest.start();
    if (snapshots) {
      ws.onSubscribe = (socket, assets) =>
        socket.send(
          JSON.stringify(
            assets.map((id) => bookEvent(id, [{ price: '0.4', size: '10' }], [{ price: '0.6', size: '10' }])),
          ),
        );
    }
    rest.on('POST /books', (req) => ({
      body: (JSON.parse(req.body) as Array<{ token_id: string }>).map((t) => ({
        asset_id: t.token_id,
        market: '0xrest',
        timestamp: String(Date.now()),
        bids: [{ price: '0.45', size: '7' }],
        asks: [{ price: '0.55', size: '7' }],
        tick_size: '0.001',
      })),
    }));
    const base = testDeps({
      polymarket: { wsUrl, clobUrl: restUrl },
      ingestion: {
        maxAssetsPerConnection: 100,
        connectionSpacingMs: 5,
        pingIntervalSeconds: 0.05,
        silentFeedSeconds: 60,
        maxDisconnectSeconds: 60,
        ...ingestion,
      },
    });
    deps = logger === undefined ? base : { ...base, logger };
    http = new HttpClient(deps.config, deps.logger, deps.metrics);
    http.retryPolicy = { ...http.retryPolicy, baseMs: 5, maxMs: 10 };
    books = new BookStore();
    tape = new MemoryTapeSink();
    feed = new MarketFeed(
      deps.config,
      books,
      new ClobPublicClient(http, deps.clock),
      tape,
      deps.clock,
      deps.logger,
      deps.metrics,
    );
    feed.timing = {
      ...feed.timing,
      reconnect: { baseMs: 20, maxMs: 100 },
      snapshotGraceMs,
      resyncBatchMs: 10,
      resyncRetry: { baseMs: 20, maxMs: 50 },
    };
    statuses = [];
    alerts = [];
    feed.on('status', (s) => statuses.push(s));
    feed.on('alert', (a) => alerts.push(a));
  }

  afterEach(async () => {
    await feed?.stop();
    http?.close();
    await ws?.stop();
    await rest?.stop();
  });

  it('shards subscriptions over connections of at most maxAssetsPerConnection and syncs every book', async () => {
    await setup();
    feed.subscribe(tokens(250));
    expect(feed.shardSizes()).to.deep.equal([100, 100, 50]);
    feed.start();
    await waitFor(
      () => ws.sockets.size === 3 && ws.subscribedAssets().size === 250,
      'three subscribed sockets',
    );
    await waitFor(() => feed.health().unsyncedBooks === 0, 'all books synced');
    const initial = ws.messages.map((m) => m.message);
    expect(
      initial.every(
        (m) => m.type === 'market' && m.initial_dump === true && m.custom_feature_enabled === true,
      ),
    ).to.equal(true);
    expect(initial.map((m) => (m.assets_ids as string[]).length).sort()).to.deep.equal([100, 100, 50]);
    expect(feed.health()).to.include({ connections: 3, open: 3, subscribed: 250, paused: false });
    expect(await deps.metrics.value('polybot_ws_connections', { state: 'open' })).to.equal(3);
    expect(statuses.filter((s) => s.state === 'connected')).to.have.length(3);
    expect(tape.books.filter((b) => b.kind === 'snapshot')).to.have.length(250);
  });

  it('subscribes and unsubscribes on open sockets with operation messages, closing emptied shards', async () => {
    await setup();
    feed.subscribe(tokens(150));
    feed.start();
    await waitFor(() => ws.subscribedAssets().size === 150, 'first subscriptions');
    feed.subscribe([...tokens(30, 151), '1']);
    await waitFor(() => ws.subscribedAssets().size === 180, 'operation subscribe');
    const op = ws.messages.find((m) => m.message.operation === 'subscribe')?.message;
    expect(op?.assets_ids).to.have.length(30);
    expect(feed.shardSizes()).to.deep.equal([100, 80]);
    await waitFor(() => books.isSynced('180'), 'new book synced');

    feed.unsubscribe([...tokens(100, 101), 'unknown']);
    await waitFor(() => ws.sockets.size === 1, 'emptied shard closed');
    expect(feed.shardSizes()).to.deep.equal([100]);
    expect(books.has('150')).to.equal(false);
    feed.unsubscribe(tokens(10));
    await waitFor(() => ws.subscribedAssets().size === 90, 'operation unsubscribe');
    expect(feed.isSubscribed('5')).to.equal(false);
    expect(feed.isSubscribed('50')).to.equal(true);
  });

  it('reconnects and resubscribes everything after the server drops connections, resyncing books', async () => {
    await setup({}, true, 60_000);
    feed.subscribe(tokens(120));
    feed.start();
    await waitFor(() => feed.health().unsyncedBooks === 0 && ws.sockets.size === 2, 'synced');
    const accepted = ws.connectionsAccepted;
    ws.onSubscribe = null; // the next snapshots come late, so unsynced books are observable
    ws.dropAll();
    await waitFor(() => statuses.filter((s) => s.state === 'disconnected').length === 2, 'disconnects seen');
    await waitFor(
      () => ws.connectionsAccepted >= accepted + 2 && ws.subscribedAssets().size === 120,
      'resubscribed',
    );
    expect(books.isSynced('1')).to.equal(false);
    for (const socket of ws.sockets) {
      const assets = [...(ws.subscriptions.get(socket) ?? [])];
      socket.send(JSON.stringify(assets.map((id) => bookEvent(id, [{ price: '0.3', size: '1' }], []))));
    }
    await waitFor(() => feed.health().unsyncedBooks === 0, 'books rebuilt from the new snapshots');
    expect(books.bestBid('1')?.price).to.equal(0.3);
    expect(await deps.metrics.value('polybot_ws_reconnects_total')).to.be.at.least(2);
  });

  it('replaces a connection that stops answering PING', async () => {
    await setup();
    feed.subscribe(tokens(5));
    feed.start();
    await waitFor(() => ws.sockets.size === 1, 'connected');
    ws.answerPing = false;
    await waitFor(
      async () => (await deps.metrics.value('polybot_ws_reconnects_total', { reason: 'no_pong' })) >= 1,
      'dead connection replaced',
    );
    ws.answerPing = true;
    await waitFor(() => ws.sockets.size === 1 && ws.subscribedAssets().size === 5, 'replacement subscribed');
  });

  it('replaces a connection that answers PONG but delivers no data (silent freeze)', async () => {
    await setup({ silentFeedSeconds: 0.3 });
    feed.subscribe(tokens(5));
    feed.start();
    await waitFor(() => feed.health().unsyncedBooks === 0, 'synced');
    const accepted = ws.connectionsAccepted;
    await waitFor(
      async () => (await deps.metrics.value('polybot_ws_reconnects_total', { reason: 'silent_feed' })) >= 1,
      'frozen connection replaced',
    );
    await waitFor(
      () => ws.connectionsAccepted > accepted && ws.subscribedAssets().size === 5,
      'resubscribed',
    );
  });

  it('B5: PONG heartbeats never reach the frame parser — nothing dropped, nothing logged — while a malformed frame is counted', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
    });
    await setup(
      { pingIntervalSeconds: 0.1 },
      true,
      150,
      createLogger({ level: 'debug', json: true, stream }),
    );
    feed.subscribe(tokens(3));
    feed.start();
    await waitFor(() => feed.health().unsyncedBooks === 0, 'synced');
    // Real heartbeats: the feed pings, the venue answers with the bare text PONG…
    const answered = ws.pingsAnswered;
    await waitFor(() => ws.pingsAnswered >= answered + 3, 'three heartbeat round trips');
    // …and unsolicited ones, byte for byte what the venue sends.
    for (let i = 0; i < 5; i++) ws.broadcast('PONG');
    ws.broadcast('{"event_type":');
    // The malformed frame went out after every PONG on the same socket: once it is counted, so
    // would they have been.
    await waitFor(
      async () =>
        (await deps.metrics.value('polybot_ws_frames_dropped_total', { reason: 'invalid_json' })) >= 1,
      'the malformed frame to be dropped',
    );
    expect(await deps.metrics.value('polybot_ws_frames_dropped_total'), 'only the malformed frame').to.equal(
      1,
    );
    expect(await deps.metrics.value('polybot_ingestion_frame_errors_total')).to.equal(0);
    const drops = lines.filter((l) => l.message === 'dropped malformed market frame');
    expect(drops.map((l) => l.sample)).to.deep.equal(['{"event_type":']);
    expect(lines.filter((l) => l.level === 'error' || l.level === 'warn')).to.deep.equal([]);
    expect(alerts).to.deep.equal([]);
  });

  it('resyncs a book from REST after a tick_size_change', async () => {
    await setup();
    feed.subscribe(['7']);
    feed.start();
    await waitFor(() => books.isSynced('7'), 'synced');
    const changes: string[] = [];
    feed.on('tickSizeChange', (e) => changes.push(e.newTickSize));
    ws.sendFor(
      '7',
      JSON.stringify({
        event_type: 'tick_size_change',
        asset_id: '7',
        market: '0x1',
        old_tick_size: '0.01',
        new_tick_size: '0.001',
        timestamp: String(Date.now()),
      }),
    );
    await waitFor(() => rest.count('POST /books') === 1, 'REST snapshot requested');
    await waitFor(() => books.isSynced('7'), 'resynced');
    expect(changes).to.deep.equal(['0.001']);
    expect(books.bestBid('7')?.priceText).to.equal('0.45');
    expect(books.state('7')?.tickSize).to.equal('0.001');
    expect(JSON.parse(rest.requests[0]?.body ?? '[]')).to.deep.equal([{ token_id: '7' }]);
    expect(await deps.metrics.value('polybot_book_resyncs_total', { reason: 'tick_size_change' })).to.equal(
      1,
    );
  });

  it('fetches books over REST when the socket sends no snapshot, retrying REST failures', async () => {
    await setup({}, false);
    let failures = 1;
    const books200 = rest.routes.get('POST /books');
    rest.on('POST /books', (req) =>
      failures-- > 0
        ? { status: 400, body: { error: 'Invalid payload' } }
        : (books200 as NonNullable<typeof books200>)(req),
    );
    feed.subscribe(['8', '9']);
    feed.start();
    await waitFor(() => books.isSynced('8') && books.isSynced('9'), 'books from REST');
    expect(rest.count('POST /books')).to.equal(2);
    expect(await deps.metrics.value('polybot_book_resync_errors_total')).to.equal(1);
    expect(tape.books.filter((b) => b.kind === 'snapshot' && b.payload.source === 'rest')).to.have.length(2);
  });

  it('emits market data, survives malformed frames and counts them', async () => {
    await setup();
    feed.subscribe(['1']);
    const trades: string[] = [];
    feed.on('trade', (t) => trades.push(t.priceText));
    feed.on('priceChange', () => {
      throw new Error('a buggy listener');
    });
    feed.start();
    await waitFor(() => books.isSynced('1'), 'synced');
    ws.broadcast('{"event_type":');
    ws.broadcast('[1,2]');
    ws.broadcast(
      JSON.stringify(priceChangeEvent([{ asset_id: '1', price: '0.41', size: '5', side: 'BUY' }])),
    );
    ws.broadcast(JSON.stringify(lastTradeEvent('1', { price: '0.6', timestamp: String(Date.now()) })));
    await waitFor(() => trades.length === 1, 'trade after garbage');
    expect(books.bestBid('1')?.price).to.equal(0.41);
    expect(await deps.metrics.value('polybot_ws_frames_dropped_total', { reason: 'invalid_json' })).to.equal(
      1,
    );
    expect(await deps.metrics.value('polybot_ws_frames_dropped_total', { reason: 'not_object' })).to.equal(2);
    expect(
      await deps.metrics.value('polybot_ingestion_listener_errors_total', { event: 'priceChange' }),
    ).to.equal(1);
    feed.ingestFrame(JSON.stringify(lastTradeEvent('1', { price: '0.7', timestamp: String(Date.now()) })));
    expect(trades).to.deep.equal(['0.6', '0.7']);
  });

  it('pauses with an alert when a shard stays disconnected too long, and resumes when back', async () => {
    await setup({ maxDisconnectSeconds: 0.3 });
    feed.subscribe(tokens(3));
    feed.start();
    await waitFor(() => feed.health().open === 1, 'connected');
    ws.acceptConnections = false;
    ws.dropAll();
    await waitFor(() => feed.isPaused, 'paused');
    expect(statuses.some((s) => s.state === 'paused')).to.equal(true);
    expect(alerts[0]).to.include({ severity: 'critical', code: 'feed_disconnected' });
    expect(await deps.metrics.value('polybot_ws_paused')).to.equal(1);
    expect(feed.health().longestOutageMs).to.be.greaterThan(300);
    ws.acceptConnections = true;
    await waitFor(() => !feed.isPaused, 'resumed');
    expect(statuses.at(-1)?.state).to.equal('resumed');
    expect(alerts.at(-1)).to.include({ severity: 'recovered' });
    await waitFor(() => feed.health().unsyncedBooks === 0, 'books back');
  });

  it('stops cleanly: no sockets, no reconnects', async () => {
    await setup();
    feed.subscribe(tokens(3));
    feed.start();
    await waitFor(() => ws.sockets.size === 1, 'connected');
    await feed.stop();
    await waitFor(() => ws.sockets.size === 0, 'socket closed');
    const accepted = ws.connectionsAccepted;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(ws.connectionsAccepted).to.equal(accepted);
    feed.subscribe(['99']);
    expect(feed.isSubscribed('99')).to.equal(false);
  });
});

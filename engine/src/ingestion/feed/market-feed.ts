import { inject, injectable } from 'tsyringe';
import type { Counter, Gauge } from 'prom-client';
import { Tokens } from '../../di/tokens.js';
import type { EngineConfig } from '../../config/types.js';
import { describeError } from '../../errors.js';
import type { Logger } from '../../monitoring/logger.js';
import type { MetricsRegistry } from '../../monitoring/metrics.js';
import type { Clock } from '../../util/clock.js';
import { TypedEmitter } from '../emitter.js';
import type { BackoffPolicy } from '../http/backoff.js';
import type { ClobPublicClient } from '../rest/clob-public-client.js';
import type { FeedStatusEvent, IngestionAlert, TapeSink } from '../types.js';
import type { BookStore } from './book-store.js';
import { BookResync } from './book-resync.js';
import { FeedConnection, type ConnectionListener } from './feed-connection.js';
import { FrameDispatcher, type MarketDataEvents } from './frame-dispatcher.js';
import { OpenGate } from './open-gate.js';

export interface FeedEvents extends MarketDataEvents {
  status: FeedStatusEvent;
  alert: IngestionAlert;
}

export interface FeedTiming {
  readonly reconnect: BackoffPolicy;
  /** After (re)subscribing, books without a socket snapshot by then are fetched over REST. */
  readonly snapshotGraceMs: number;
  /** REST resync requests arriving within this window go out as one POST /books. */
  readonly resyncBatchMs: number;
  readonly resyncRetry: BackoffPolicy;
  readonly handshakeTimeoutMs: number;
}

export interface FeedHealth {
  readonly connections: number;
  readonly open: number;
  readonly subscribed: number;
  readonly unsyncedBooks: number;
  readonly paused: boolean;
  /** The longest current outage of any shard, ms. */
  readonly longestOutageMs: number;
}

/**
 * The market WebSocket feed. Subscriptions are sharded over several connections of at most
 * `ingestion.maxAssetsPerConnection` assets, opened with spacing; each connection keeps itself
 * alive (see FeedConnection). The feed keeps the BookStore in step: a shard that drops marks its
 * books unsynced until fresh snapshots arrive (socket initial dump, or REST after a grace period),
 * and a tick-size change triggers a REST snapshot. A shard down for longer than
 * `ingestion.maxDisconnectSeconds` pauses the feed with a critical alert until every shard is back.
 */
@injectable()
export class MarketFeed {
  /** Tunable by the composition root (and tests) before `start()`. */
  timing: FeedTiming = {
    reconnect: { baseMs: 500, maxMs: 30_000 },
    snapshotGraceMs: 5_000,
    resyncBatchMs: 50,
    resyncRetry: { baseMs: 1_000, maxMs: 30_000 },
    handshakeTimeoutMs: 10_000,
  };

  private readonly emitter: TypedEmitter<FeedEvents>;
  private readonly dispatcher: FrameDispatcher;
  private readonly shards: FeedConnection[] = [];
  private readonly shardOf = new Map<string, FeedConnection>();
  private readonly gate: OpenGate;
  private resync: BookResync | null = null;
  private nextShardId = 1;
  private started = false;
  private stopped = false;
  private paused = false;
  private monitor: NodeJS.Timeout | null = null;
  private readonly graceTimers = new Set<NodeJS.Timeout>();
  private readonly connectionsGauge: Gauge<'state'>;
  private readonly subscribedGauge: Gauge;
  private readonly pausedGauge: Gauge;
  private readonly reconnects: Counter<'reason'>;
  private readonly listenerErrors: Counter<'event'>;

  constructor(
    @inject(Tokens.Config) private readonly config: EngineConfig,
    @inject(Tokens.BookStore) private readonly books: BookStore,
    @inject(Tokens.ClobPublicClient) private readonly clob: ClobPublicClient,
    @inject(Tokens.TapeSink) tape: TapeSink,
    @inject(Tokens.Clock) private readonly clock: Clock,
    @inject(Tokens.Logger) private readonly logger: Logger,
    @inject(Tokens.Metrics) private readonly metrics: MetricsRegistry,
  ) {
    this.listenerErrors = metrics.counter(
      'polybot_ingestion_listener_errors_total',
      'Listeners of ingestion events that threw',
      ['event'],
    );
    this.emitter = new TypedEmitter<FeedEvents>((event, error) => {
      this.listenerErrors.labels(String(event)).inc();
      this.logger.error('market feed listener failed', {
        component: 'feed',
        event: String(event),
        error: describeError(error),
      });
    });
    this.dispatcher = new FrameDispatcher(books, this.emitter, tape, logger, metrics, {
      maxTradeAgeMs: config.filters.maxTradeAgeSeconds * 1000,
      now: () => clock.now(),
      accepts: (tokenId) => this.shardOf.has(tokenId),
      requestResync: (tokenId, reason) => this.resync?.request(tokenId, reason),
    });
    this.gate = new OpenGate(config.ingestion.connectionSpacingMs);
    this.connectionsGauge = metrics.gauge('polybot_ws_connections', 'Market-channel connections, by state', [
      'state',
    ]);
    this.subscribedGauge = metrics.gauge(
      'polybot_ws_subscribed_assets',
      'Assets subscribed on the market channel',
    );
    this.pausedGauge = metrics.gauge(
      'polybot_ws_paused',
      '1 while the feed is paused because a shard has been disconnected too long',
    );
    this.reconnects = metrics.counter(
      'polybot_ws_reconnects_total',
      'Market-channel connections lost or replaced, by reason',
      ['reason'],
    );
  }

  on<K extends keyof FeedEvents>(event: K, listener: (payload: FeedEvents[K]) => void): () => void {
    return this.emitter.on(event, listener);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  isSubscribed(tokenId: string): boolean {
    return this.shardOf.has(tokenId);
  }

  /** Shards and the assets each carries, in creation order. */
  shardSizes(): number[] {
    return this.shards.map((shard) => shard.assets.size);
  }

  health(): FeedHealth {
    const now = performance.now();
    let open = 0;
    let longest = 0;
    for (const shard of this.shards) {
      if (shard.state === 'open') open++;
      longest = Math.max(longest, shard.downForMs(now));
    }
    let unsynced = 0;
    for (const tokenId of this.shardOf.keys()) if (!this.books.isSynced(tokenId)) unsynced++;
    return {
      connections: this.shards.length,
      open,
      subscribed: this.shardOf.size,
      unsyncedBooks: unsynced,
      paused: this.paused,
      longestOutageMs: Math.round(longest),
    };
  }

  /** Opens every shard (spaced) and starts the outage monitor. Subscriptions may come before or after. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.resync = new BookResync(
      this.clob,
      {
        needs: (tokenId) => this.shardOf.has(tokenId) && !this.books.isSynced(tokenId),
        apply: (snapshot) => this.dispatcher.applySnapshot(snapshot),
      },
      this.logger,
      this.metrics,
      this.timing.resyncBatchMs,
      this.timing.resyncRetry,
    );
    for (const shard of this.shards) shard.start();
    const maxDown = this.config.ingestion.maxDisconnectSeconds * 1000;
    this.monitor = setInterval(() => this.checkOutages(), Math.max(50, Math.min(1_000, maxDown / 5)));
    this.updateGauges();
  }

  /** Subscribes tokens, filling shards with room first and opening new ones as needed. */
  subscribe(tokenIds: Iterable<string>): void {
    if (this.stopped) return;
    const fresh = [...new Set(tokenIds)].filter((id) => !this.shardOf.has(id));
    if (fresh.length === 0) return;
    const capacity = this.config.ingestion.maxAssetsPerConnection;
    const byShard = new Map<FeedConnection, string[]>();
    let index = 0;
    for (const shard of this.shards) {
      while (index < fresh.length && shard.assets.size + (byShard.get(shard)?.length ?? 0) < capacity) {
        const list = byShard.get(shard) ?? [];
        list.push(fresh[index++] as string);
        byShard.set(shard, list);
      }
    }
    const created: FeedConnection[] = [];
    while (index < fresh.length) {
      const shard = this.createShard();
      created.push(shard);
      byShard.set(shard, fresh.slice(index, index + capacity));
      index += capacity;
    }
    for (const [shard, ids] of byShard) {
      for (const id of ids) this.shardOf.set(id, shard);
      shard.add(ids);
      if (shard.state === 'open') this.armSnapshotGrace(ids);
    }
    if (this.started) for (const shard of created) shard.start();
    this.updateGauges();
  }

  /** Unsubscribes tokens; a shard left empty is closed. Their books are forgotten. */
  unsubscribe(tokenIds: Iterable<string>): void {
    const byShard = new Map<FeedConnection, string[]>();
    for (const id of new Set(tokenIds)) {
      const shard = this.shardOf.get(id);
      if (!shard) continue;
      this.shardOf.delete(id);
      this.books.remove(id);
      const list = byShard.get(shard) ?? [];
      list.push(id);
      byShard.set(shard, list);
    }
    for (const [shard, ids] of byShard) {
      shard.remove(ids);
      if (shard.assets.size === 0) {
        shard.stop();
        this.shards.splice(this.shards.indexOf(shard), 1);
      }
    }
    this.updateGauges();
  }

  /** Feeds one raw frame through the same path as the sockets (replay, tests, benchmarks). */
  ingestFrame(text: string): void {
    this.dispatcher.handleFrame(text, this.clock.now());
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.monitor) clearInterval(this.monitor);
    this.monitor = null;
    for (const timer of this.graceTimers) clearTimeout(timer);
    this.graceTimers.clear();
    this.gate.cancelAll();
    this.resync?.stop();
    for (const shard of this.shards) shard.stop();
    this.updateGauges();
    this.emitter.removeAll();
    await Promise.resolve();
  }

  private createShard(): FeedConnection {
    const { ingestion, polymarket } = this.config;
    const listener: ConnectionListener = {
      onFrame: (text) => this.dispatcher.handleFrame(text, this.clock.now()),
      onOpen: (shard) => this.handleOpen(shard),
      onClose: (shard, reason) => this.handleClose(shard, reason),
    };
    const shard = new FeedConnection(
      this.nextShardId++,
      {
        url: polymarket.wsUrl,
        pingIntervalMs: ingestion.pingIntervalSeconds * 1000,
        silentFeedMs: ingestion.silentFeedSeconds * 1000,
        reconnect: this.timing.reconnect,
        handshakeTimeoutMs: this.timing.handshakeTimeoutMs,
      },
      (task, delay) => this.gate.schedule(task, delay),
      listener,
      this.logger,
    );
    this.shards.push(shard);
    return shard;
  }

  private handleOpen(shard: FeedConnection): void {
    this.emitStatus({ state: 'connected', shard: shard.id, reason: 'open', at: this.clock.now() });
    this.armSnapshotGrace([...shard.assets]);
    this.updateGauges();
    if (this.paused && this.shards.every((s) => s.state === 'open')) this.resume();
  }

  private handleClose(shard: FeedConnection, reason: string): void {
    this.reconnects.labels(reasonLabel(reason)).inc();
    for (const tokenId of shard.assets) this.books.markUnsynced(tokenId);
    this.emitStatus({ state: 'disconnected', shard: shard.id, reason, at: this.clock.now() });
    this.updateGauges();
  }

  /** Books that got no snapshot over the socket within the grace period are fetched over REST. */
  private armSnapshotGrace(tokenIds: readonly string[]): void {
    if (tokenIds.length === 0 || !this.resync) return;
    const timer = setTimeout(() => {
      this.graceTimers.delete(timer);
      for (const id of tokenIds) {
        if (this.shardOf.has(id) && !this.books.isSynced(id)) this.resync?.request(id, 'no_snapshot');
      }
    }, this.timing.snapshotGraceMs);
    this.graceTimers.add(timer);
  }

  private checkOutages(): void {
    const maxDown = this.config.ingestion.maxDisconnectSeconds * 1000;
    const now = performance.now();
    const down = this.shards.filter((shard) => shard.downForMs(now) > maxDown);
    if (down.length > 0 && !this.paused) {
      this.paused = true;
      this.pausedGauge.set(1);
      const message = `market feed: ${down.length} of ${this.shards.length} connections down for more than ${this.config.ingestion.maxDisconnectSeconds} s; processing paused`;
      this.logger.error(message, { component: 'feed', shards: down.map((s) => s.id) });
      this.emitStatus({ state: 'paused', reason: 'disconnected_too_long', at: this.clock.now() });
      this.emitter.emit('alert', {
        severity: 'critical',
        code: 'feed_disconnected',
        message,
        at: this.clock.now(),
      });
    } else if (this.paused && this.shards.every((s) => s.state === 'open')) {
      this.resume();
    }
  }

  private resume(): void {
    this.paused = false;
    this.pausedGauge.set(0);
    this.logger.info('market feed back: processing resumes', { component: 'feed' });
    this.emitStatus({ state: 'resumed', reason: 'all_connections_open', at: this.clock.now() });
    this.emitter.emit('alert', {
      severity: 'recovered',
      code: 'feed_disconnected',
      message: 'market feed reconnected; processing resumed',
      at: this.clock.now(),
    });
  }

  private emitStatus(status: FeedStatusEvent): void {
    this.emitter.emit('status', status);
  }

  private updateGauges(): void {
    let open = 0;
    for (const shard of this.shards) if (shard.state === 'open') open++;
    this.connectionsGauge.labels('open').set(open);
    this.connectionsGauge.labels('down').set(this.shards.length - open);
    this.subscribedGauge.set(this.shardOf.size);
  }
}

/** Bounded label values for the reconnect counter. */
function reasonLabel(reason: string): string {
  if (reason === 'no_pong' || reason === 'silent_feed') return reason;
  if (reason.startsWith('error')) return 'error';
  if (reason.startsWith('send failed')) return 'send_failed';
  return 'closed';
}

import WebSocket from 'ws';
import type { Logger } from '../../monitoring/logger.js';
import { describeError } from '../../errors.js';
import { backoffDelay, type BackoffPolicy } from '../http/backoff.js';

export interface ConnectionSettings {
  readonly url: string;
  readonly pingIntervalMs: number;
  /** No data frame for this long while subscribed → the connection is frozen and replaced. */
  readonly silentFeedMs: number;
  readonly reconnect: BackoffPolicy;
  readonly handshakeTimeoutMs: number;
}

export interface ConnectionListener {
  /** A data frame (anything but PONG). */
  onFrame(text: string): void;
  onOpen(connection: FeedConnection): void;
  onClose(connection: FeedConnection, reason: string): void;
}

/** Runs a connection attempt at the next free slot (see OpenGate); returns a cancel function. */
export type ConnectScheduler = (task: () => void, notBeforeMs: number) => () => void;

export type ConnectionState = 'idle' | 'waiting' | 'connecting' | 'open' | 'stopped';

/**
 * One market-channel socket carrying one shard of subscriptions. Keeps itself alive: text PING on
 * a timer, a connection that answers nothing is dead, one that answers PONG but sends no data for
 * `silentFeedMs` is frozen (the silent freeze users report) — both are replaced. Reconnects with
 * exponential backoff and jitter through the shared OpenGate, and resubscribes everything.
 */
export class FeedConnection {
  readonly assets = new Set<string>();
  private ws: WebSocket | null = null;
  private current: ConnectionState = 'idle';
  private attempts = 0;
  private pingTimer: NodeJS.Timeout | null = null;
  private cancelScheduled: (() => void) | null = null;
  private awaitingPong = false;
  private lastDataAt = 0;
  private closeReason: string | null = null;
  /** performance.now() when the connection went down (or first tried); null while open. */
  private downSince: number | null = null;

  constructor(
    readonly id: number,
    private readonly settings: ConnectionSettings,
    private readonly schedule: ConnectScheduler,
    private readonly listener: ConnectionListener,
    private readonly logger: Logger,
  ) {}

  get state(): ConnectionState {
    return this.current;
  }

  /** Milliseconds this shard has been without a connection; 0 while open. */
  downForMs(now: number = performance.now()): number {
    return this.downSince === null ? 0 : now - this.downSince;
  }

  start(): void {
    if (this.current !== 'idle') return;
    this.downSince = performance.now();
    this.scheduleConnect(0);
  }

  /** Adds assets; on an open socket they are subscribed at once with an operation message. */
  add(tokenIds: readonly string[]): void {
    const fresh = tokenIds.filter((id) => !this.assets.has(id));
    for (const id of fresh) this.assets.add(id);
    if (fresh.length > 0 && this.current === 'open') {
      this.send(JSON.stringify({ operation: 'subscribe', assets_ids: fresh, custom_feature_enabled: true }));
    }
  }

  remove(tokenIds: readonly string[]): void {
    const gone = tokenIds.filter((id) => this.assets.delete(id));
    if (gone.length > 0 && this.current === 'open') {
      this.send(JSON.stringify({ operation: 'unsubscribe', assets_ids: gone, custom_feature_enabled: true }));
    }
  }

  /** Drops the socket and reconnects (dead, frozen, or asked to by a test). */
  replace(reason: string): void {
    if (this.current !== 'open' && this.current !== 'connecting') return;
    this.closeReason = reason;
    this.ws?.terminate();
  }

  stop(): void {
    if (this.current === 'stopped') return;
    this.current = 'stopped';
    this.clearPing();
    this.cancelScheduled?.();
    this.cancelScheduled = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
    }
  }

  private scheduleConnect(delayMs: number): void {
    this.current = 'waiting';
    this.cancelScheduled = this.schedule(() => {
      this.cancelScheduled = null;
      this.connect();
    }, delayMs);
  }

  private connect(): void {
    if (this.current === 'stopped') return;
    this.current = 'connecting';
    this.closeReason = null;
    const ws = new WebSocket(this.settings.url, {
      perMessageDeflate: false,
      handshakeTimeout: this.settings.handshakeTimeoutMs,
    });
    this.ws = ws;
    ws.on('open', () => this.handleOpen(ws));
    ws.on('message', (data: WebSocket.RawData) => {
      if (this.ws === ws) this.handleMessage(data);
    });
    ws.on('close', (code: number, reason: Buffer) => {
      if (this.ws !== ws) return;
      const text = reason.toString().slice(0, 120);
      this.handleClose(this.closeReason ?? `closed (${code}${text ? `: ${text}` : ''})`);
    });
    ws.on('error', (error: Error) => {
      // 'close' follows every 'error'; remember why for the reconnect log.
      this.closeReason ??= `error: ${describeError(error)}`;
    });
  }

  private handleOpen(ws: WebSocket): void {
    if (this.ws !== ws || this.current === 'stopped') return;
    this.current = 'open';
    this.downSince = null;
    this.awaitingPong = false;
    this.lastDataAt = performance.now();
    if (this.assets.size > 0) {
      this.send(
        JSON.stringify({
          assets_ids: [...this.assets],
          type: 'market',
          initial_dump: true,
          custom_feature_enabled: true,
        }),
      );
    }
    this.pingTimer = setInterval(() => this.tick(), this.settings.pingIntervalMs);
    this.listener.onOpen(this);
  }

  private handleMessage(data: WebSocket.RawData): void {
    const text = typeof data === 'string' ? data : data.toString();
    this.awaitingPong = false;
    if (text === 'PONG') return;
    this.lastDataAt = performance.now();
    // Data flows: the subscription works, so the next outage starts its backoff afresh.
    this.attempts = 0;
    this.listener.onFrame(text);
  }

  private handleClose(reason: string): void {
    this.clearPing();
    this.ws = null;
    if (this.current === 'stopped') return;
    const wasOpen = this.current === 'open';
    this.downSince ??= performance.now();
    const delay = backoffDelay(this.settings.reconnect, this.attempts++);
    // 1008 = policy violation: the venue refused the subscription (e.g. too many assets per socket).
    const level = reason.startsWith('closed (1008') ? 'error' : 'info';
    this.logger[level]('market feed connection lost; reconnecting', {
      component: 'feed',
      shard: this.id,
      reason,
      delayMs: delay,
      assets: this.assets.size,
    });
    this.scheduleConnect(delay);
    if (wasOpen || this.attempts === 1) this.listener.onClose(this, reason);
  }

  private tick(): void {
    if (this.current !== 'open') return;
    if (this.awaitingPong) {
      this.replace('no_pong');
      return;
    }
    if (this.assets.size > 0 && performance.now() - this.lastDataAt > this.settings.silentFeedMs) {
      this.replace('silent_feed');
      return;
    }
    this.awaitingPong = true;
    this.send('PING');
  }

  private send(text: string): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(text, (error) => {
      if (error) this.closeReason ??= `send failed: ${describeError(error)}`;
    });
  }

  private clearPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}

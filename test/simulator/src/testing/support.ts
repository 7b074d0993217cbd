/**
 * Helpers for the simulator's own specs: raw HTTP with L1/L2 headers, hand-signed V2/V1 orders (so
 * tampering and wrong domains can be exercised), and a WebSocket frame collector.
 */
import { Wallet } from 'ethers';
import WebSocket from 'ws';
import { buildHmacSignature, CLOB_AUTH_MESSAGE } from '../clob/auth.js';
import { ORDER_V1_TYPES, ORDER_V2_TYPES, orderDomain } from '../clob/order-signing.js';
import type { ApiCreds, Side } from '../types.js';

export const HARDHAT_KEY_0 = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const HARDHAT_KEY_1 = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
export const ZERO32 = `0x${'0'.repeat(64)}`;

export function wallet(key = HARDHAT_KEY_0): Wallet {
  return new Wallet(key);
}

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export async function http<T = unknown>(url: string, init: RequestInit = {}): Promise<HttpResult<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? '' : (JSON.parse(text) as unknown);
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, body: body as T, text, headers: res.headers };
}

export function l2Headers(
  creds: ApiCreds,
  address: string,
  method: string,
  path: string,
  body?: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    POLY_ADDRESS: address,
    POLY_SIGNATURE: buildHmacSignature(creds.secret, timestamp, method, path, body),
    POLY_TIMESTAMP: String(timestamp),
    POLY_API_KEY: creds.key,
    POLY_PASSPHRASE: creds.passphrase,
    'Content-Type': 'application/json',
  };
}

export async function l1Headers(
  w: Wallet,
  nonce = 0,
  chainId = 137,
  timestamp = Math.floor(Date.now() / 1000),
): Promise<Record<string, string>> {
  const signature = await w._signTypedData(
    { name: 'ClobAuthDomain', version: '1', chainId },
    {
      ClobAuth: [
        { name: 'address', type: 'address' },
        { name: 'timestamp', type: 'string' },
        { name: 'nonce', type: 'uint256' },
        { name: 'message', type: 'string' },
      ],
    },
    { address: w.address, timestamp: String(timestamp), nonce, message: CLOB_AUTH_MESSAGE },
  );
  return {
    POLY_ADDRESS: w.address,
    POLY_SIGNATURE: signature,
    POLY_TIMESTAMP: String(timestamp),
    POLY_NONCE: String(nonce),
  };
}

/** An authenticated caller of the CLOB REST API. */
export class Caller {
  constructor(
    readonly base: string,
    readonly w: Wallet,
    readonly creds: ApiCreds,
  ) {}

  async call<T = unknown>(method: string, pathAndQuery: string, body?: unknown): Promise<HttpResult<T>> {
    const raw = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const path = pathAndQuery.split('?')[0] as string;
    return http<T>(`${this.base}${pathAndQuery}`, {
      method,
      headers: l2Headers(this.creds, this.w.address, method, path, raw),
      ...(raw === undefined ? {} : { body: raw }),
    });
  }
}

export interface OrderArgs {
  tokenId: string;
  side: Side;
  makerAmount: string | bigint;
  takerAmount: string | bigint;
  negRisk?: boolean;
  signatureType?: number;
  maker?: string;
  signer?: string;
  salt?: string;
  timestamp?: string;
  expiration?: string;
  chainId?: number;
}

let saltSeq = 1_000;

/** A V2 order signed exactly as clob-client-v2 does, in its wire shape (§16.7). */
export async function signOrderV2(w: Wallet, a: OrderArgs): Promise<Record<string, unknown>> {
  const chainId = a.chainId ?? 137;
  const message = {
    salt: a.salt ?? String(++saltSeq),
    maker: a.maker ?? w.address,
    signer: a.signer ?? w.address,
    tokenId: a.tokenId,
    makerAmount: String(a.makerAmount),
    takerAmount: String(a.takerAmount),
    side: a.side === 'BUY' ? 0 : 1,
    signatureType: a.signatureType ?? 0,
    timestamp: a.timestamp ?? String(Date.now()),
    metadata: ZERO32,
    builder: ZERO32,
  };
  const signature = await w._signTypedData(
    orderDomain(2, chainId, a.negRisk ?? false),
    ORDER_V2_TYPES,
    message,
  );
  return {
    salt: Number(message.salt),
    maker: message.maker,
    signer: message.signer,
    tokenId: message.tokenId,
    makerAmount: message.makerAmount,
    takerAmount: message.takerAmount,
    side: a.side,
    signatureType: message.signatureType,
    timestamp: message.timestamp,
    expiration: a.expiration ?? '0',
    metadata: ZERO32,
    builder: ZERO32,
    signature,
  };
}

/** A V1 (5.8.1) order in its wire shape (§5.3). */
export async function signOrderV1(
  w: Wallet,
  a: OrderArgs & { feeRateBps?: string },
): Promise<Record<string, unknown>> {
  const message = {
    salt: a.salt ?? String(++saltSeq),
    maker: a.maker ?? w.address,
    signer: a.signer ?? w.address,
    taker: '0x0000000000000000000000000000000000000000',
    tokenId: a.tokenId,
    makerAmount: String(a.makerAmount),
    takerAmount: String(a.takerAmount),
    expiration: a.expiration ?? '0',
    nonce: '0',
    feeRateBps: a.feeRateBps ?? '0',
    side: a.side === 'BUY' ? 0 : 1,
    signatureType: a.signatureType ?? 0,
  };
  const signature = await w._signTypedData(
    orderDomain(1, a.chainId ?? 137, a.negRisk ?? false),
    ORDER_V1_TYPES,
    message,
  );
  return { ...message, salt: Number(message.salt), side: a.side, signature };
}

export function orderPayload(
  order: Record<string, unknown>,
  owner: string,
  orderType = 'GTC',
  postOnly = false,
): Record<string, unknown> {
  return { deferExec: false, postOnly, order, owner, orderType };
}

/** Collects every frame of a WebSocket; `next` waits for the first frame matching a predicate. */
export class WsCollector {
  readonly frames: string[] = [];
  private cursor = 0;
  private waiters: (() => void)[] = [];
  closeCode: number | undefined;
  closeReason = '';

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(data.toString());
      this.notify();
    });
    socket.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      this.notify();
    });
  }

  static open(url: string): Promise<WsCollector> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const collector = new WsCollector(socket);
      socket.once('open', () => resolve(collector));
      socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Next unread frame satisfying `match` (earlier non-matching frames are consumed). */
  async next(match: (frame: string) => boolean = () => true, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.frames.length) {
        const frame = this.frames[this.cursor++] as string;
        if (match(frame)) return frame;
      }
      if (this.closeCode !== undefined)
        throw new Error(`socket closed (${this.closeCode} ${this.closeReason}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Next JSON event (frames may be arrays) whose event_type is `type`. */
  async event(
    type: string,
    match: (e: Record<string, unknown>) => boolean = () => true,
  ): Promise<Record<string, unknown>> {
    let found: Record<string, unknown> | undefined;
    await this.next((frame) => {
      found = events(frame).find((e) => e['event_type'] === type && match(e));
      return found !== undefined;
    });
    return found as Record<string, unknown>;
  }

  /** Round trip through PING/PONG: everything the server sent before is in `frames` afterwards. */
  async sync(): Promise<void> {
    this.send('PING');
    await this.next((f) => f === 'PONG');
  }

  /** Frames not yet consumed by `next`. */
  unread(): string[] {
    return this.frames.slice(this.cursor);
  }

  skipAll(): void {
    this.cursor = this.frames.length;
  }

  waitClosed(timeoutMs = 5_000): Promise<number> {
    if (this.closeCode !== undefined) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.socket.once('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  close(): void {
    this.socket.terminate();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Events of one frame (arrays are flattened; non-JSON frames yield none). */
export function events(frame: string): Record<string, unknown>[] {
  try {
    const parsed = JSON.parse(frame) as unknown;
    const list = Array.isArray(parsed) ? parsed : [parsed];
    return list.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
  } catch {
    return [];
  }
}

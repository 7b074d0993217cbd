import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { utils } from 'ethers';
import type { ApiCreds } from '../types.js';
import { HttpError, header, type RequestContext } from '../util/http.js';
import { sha256Hex, uuidFrom } from '../util/ids.js';

/** The text every L1 (ClobAuth) signature attests. */
export const CLOB_AUTH_MESSAGE = 'This message attests that I control the given wallet';
export const UNAUTHORIZED = 'Unauthorized/Invalid api key';
export const INVALID_L1 = 'Invalid L1 Request headers';

const CLOB_AUTH_TYPES = {
  ClobAuth: [
    { name: 'address', type: 'address' },
    { name: 'timestamp', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'message', type: 'string' },
  ],
};

export interface ApiKeyRecord extends ApiCreds {
  /** Lower-case EOA the key belongs to. */
  readonly address: string;
  readonly nonce: string;
}

/**
 * L2 credentials. They are derived deterministically from (seed, address, nonce), so a key created,
 * forgotten and derived again is the same key — as `derive-api-key` behaves on the venue.
 */
export class ApiKeyStore {
  private readonly byKey = new Map<string, ApiKeyRecord>();
  private readonly byAddressNonce = new Map<string, ApiKeyRecord>();

  constructor(private readonly seed: number) {}

  /** POST /auth/api-key: a new key, or undefined when (address, nonce) already has one. */
  create(address: string, nonce: string): ApiKeyRecord | undefined {
    const id = `${address.toLowerCase()}|${nonce}`;
    if (this.byAddressNonce.has(id)) return undefined;
    const record = this.derive(address, nonce);
    this.byAddressNonce.set(id, record);
    this.byKey.set(record.key, record);
    return record;
  }

  /** GET /auth/derive-api-key: the key already created for (address, nonce). */
  existing(address: string, nonce: string): ApiKeyRecord | undefined {
    return this.byAddressNonce.get(`${address.toLowerCase()}|${nonce}`);
  }

  /** Creates (if needed) and returns the key for nonce 0: tests that skip L1 use this. */
  ensure(address: string, nonce = '0'): ApiKeyRecord {
    return this.existing(address, nonce) ?? (this.create(address, nonce) as ApiKeyRecord);
  }

  get(key: string): ApiKeyRecord | undefined {
    return this.byKey.get(key);
  }

  forAddress(address: string): ApiKeyRecord[] {
    const lower = address.toLowerCase();
    return [...this.byKey.values()].filter((r) => r.address === lower);
  }

  delete(key: string): boolean {
    const record = this.byKey.get(key);
    if (!record) return false;
    this.byKey.delete(key);
    this.byAddressNonce.delete(`${record.address}|${record.nonce}`);
    return true;
  }

  private derive(address: string, nonce: string): ApiKeyRecord {
    const lower = address.toLowerCase();
    const secretBytes = createHash('sha256')
      .update(`${this.seed}\u0000secret\u0000${lower}\u0000${nonce}`)
      .digest();
    return {
      key: uuidFrom(this.seed, 'api-key', lower, nonce),
      secret: toUrlSafe(secretBytes.toString('base64')),
      passphrase: sha256Hex(this.seed, 'passphrase', lower, nonce),
      address: lower,
      nonce,
    };
  }
}

/** Recovers the signer of a ClobAuth typed-data signature (reference §3.1). */
export function recoverClobAuth(
  address: string,
  timestamp: string,
  nonce: string,
  signature: string,
  chainId: number,
): string | undefined {
  try {
    return utils.verifyTypedData(
      { name: 'ClobAuthDomain', version: '1', chainId },
      CLOB_AUTH_TYPES,
      { address, timestamp, nonce, message: CLOB_AUTH_MESSAGE },
      signature,
    );
  } catch {
    return undefined;
  }
}

/** L1 headers → the wallet address they prove control of; 401 otherwise. */
export function verifyL1(
  ctx: RequestContext,
  chainId: number,
  now: number,
  maxSkewSeconds?: number,
): { address: string; nonce: string } {
  const address = header(ctx, 'POLY_ADDRESS');
  const signature = header(ctx, 'POLY_SIGNATURE');
  const timestamp = header(ctx, 'POLY_TIMESTAMP');
  const nonce = header(ctx, 'POLY_NONCE') ?? '0';
  if (!address || !signature || !timestamp || !/^\d+$/.test(nonce) || !utils.isAddress(address)) {
    throw new HttpError(401, INVALID_L1);
  }
  checkSkew(timestamp, now, maxSkewSeconds, INVALID_L1);
  const recovered = recoverClobAuth(address, timestamp, nonce, signature, chainId);
  if (!recovered || recovered.toLowerCase() !== address.toLowerCase()) throw new HttpError(401, INVALID_L1);
  return { address: utils.getAddress(address), nonce };
}

/**
 * The venue's L2 signature: HMAC-SHA256 keyed with the base64 secret (url-safe or standard) over
 * timestamp + METHOD + path + body, encoded url-safe base64 with padding (reference §3.2).
 */
export function buildHmacSignature(
  secret: string,
  timestamp: string | number,
  method: string,
  path: string,
  body?: string,
): string {
  const key = Buffer.from(secret.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const message = `${timestamp}${method}${path}${body ?? ''}`;
  return toUrlSafe(createHmac('sha256', key).update(message, 'utf8').digest('base64'));
}

/** L2 headers → the API key record they authenticate; 401 `Unauthorized/Invalid api key` otherwise. */
export function verifyL2(
  ctx: RequestContext,
  keys: ApiKeyStore,
  now: number,
  maxSkewSeconds?: number,
): ApiKeyRecord {
  const address = header(ctx, 'POLY_ADDRESS');
  const signature = header(ctx, 'POLY_SIGNATURE');
  const timestamp = header(ctx, 'POLY_TIMESTAMP');
  const apiKey = header(ctx, 'POLY_API_KEY');
  const passphrase = header(ctx, 'POLY_PASSPHRASE');
  if (!address || !signature || !timestamp || !apiKey || !passphrase) throw new HttpError(401, UNAUTHORIZED);
  const record = keys.get(apiKey);
  if (!record || record.address !== address.toLowerCase() || !safeEqual(record.passphrase, passphrase)) {
    throw new HttpError(401, UNAUTHORIZED);
  }
  checkSkew(timestamp, now, maxSkewSeconds, UNAUTHORIZED);
  const expected = buildHmacSignature(
    record.secret,
    timestamp,
    ctx.method,
    ctx.path,
    ctx.rawBody === '' ? undefined : ctx.rawBody,
  );
  if (!safeEqual(expected, signature)) throw new HttpError(401, UNAUTHORIZED);
  return record;
}

function checkSkew(
  timestamp: string,
  now: number,
  maxSkewSeconds: number | undefined,
  message: string,
): void {
  if (!/^\d+$/.test(timestamp)) throw new HttpError(401, message);
  if (maxSkewSeconds === undefined) return;
  if (Math.abs(Number(timestamp) - Math.floor(now / 1000)) > maxSkewSeconds)
    throw new HttpError(401, message);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function toUrlSafe(base64: string): string {
  return base64.replace(/\+/g, '-').replace(/\//g, '_');
}

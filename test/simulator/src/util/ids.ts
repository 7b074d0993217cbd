import { createHash } from 'node:crypto';

/** Deterministic identifiers: the same seed always yields the same condition, token and key ids. */

export function sha256Hex(...parts: readonly (string | number)[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** 0x-prefixed 32-byte hex (condition ids, question ids, transaction hashes). */
export function bytes32(...parts: readonly (string | number)[]): string {
  return `0x${sha256Hex(...parts)}`;
}

/** A uint256 token id as a decimal string, like the venue's (≈77 digits). */
export function tokenIdFrom(...parts: readonly (string | number)[]): string {
  return BigInt(`0x${sha256Hex(...parts)}`).toString(10);
}

/** RFC 4122 v4-shaped UUID from a hash. */
export function uuidFrom(...parts: readonly (string | number)[]): string {
  const h = sha256Hex(...parts);
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** 20-byte address (lower case) from a hash. */
export function addressFrom(...parts: readonly (string | number)[]): string {
  return `0x${sha256Hex(...parts).slice(0, 40)}`;
}

/** Cursor encoding of the CLOB: base64 of a decimal offset; `LTE=` ("-1") marks the end. */
export const INITIAL_CURSOR = 'MA==';
export const END_CURSOR = 'LTE=';

export function encodeCursor(offset: number): string {
  return Buffer.from(String(offset), 'utf8').toString('base64');
}

export function decodeCursor(cursor: string | null): number | undefined {
  if (cursor === null || cursor === '') return 0;
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  if (!/^-?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n < 0 ? -1 : n;
}

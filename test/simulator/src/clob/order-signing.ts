import { utils } from 'ethers';

/**
 * EIP-712 hashing and signer recovery for CTF Exchange orders: V2 (what the venue accepts since
 * 2026-04-28, reference §16.6) and V1 (for 5.8.1 clients, §5.1). The order ID is the typed-data hash.
 */

export const EXCHANGE_V1 = '0x4bFb41d5B3570DeFd03C39a9A4D8dE6Bd8B8982E';
export const NEG_RISK_EXCHANGE_V1 = '0xC5d563A36AE78145C45a50134d48A1215220f80a';
export const EXCHANGE_V2 = '0xE111180000d2663C0091e4f400237545B87B996B';
export const NEG_RISK_EXCHANGE_V2 = '0xe2222d279d744050d28e00520010520000310F59';
export const NEG_RISK_ADAPTER = '0xd91E80cF2E7be2e162c6513ceD06f1dD0dA35296';
export const COLLATERAL_PUSD = '0xC011a7E12a19f7B1f670d46F03B03f3342E82DFB';

export const ORDER_V2_TYPES = {
  Order: [
    { name: 'salt', type: 'uint256' },
    { name: 'maker', type: 'address' },
    { name: 'signer', type: 'address' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'makerAmount', type: 'uint256' },
    { name: 'takerAmount', type: 'uint256' },
    { name: 'side', type: 'uint8' },
    { name: 'signatureType', type: 'uint8' },
    { name: 'timestamp', type: 'uint256' },
    { name: 'metadata', type: 'bytes32' },
    { name: 'builder', type: 'bytes32' },
  ],
};

export const ORDER_V1_TYPES = {
  Order: [
    { name: 'salt', type: 'uint256' },
    { name: 'maker', type: 'address' },
    { name: 'signer', type: 'address' },
    { name: 'taker', type: 'address' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'makerAmount', type: 'uint256' },
    { name: 'takerAmount', type: 'uint256' },
    { name: 'expiration', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'feeRateBps', type: 'uint256' },
    { name: 'side', type: 'uint8' },
    { name: 'signatureType', type: 'uint8' },
  ],
};

export interface OrderV2Message {
  salt: string;
  maker: string;
  signer: string;
  tokenId: string;
  makerAmount: string;
  takerAmount: string;
  /** 0 = BUY, 1 = SELL. */
  side: 0 | 1;
  signatureType: number;
  timestamp: string;
  metadata: string;
  builder: string;
}

export interface OrderV1Message {
  salt: string;
  maker: string;
  signer: string;
  taker: string;
  tokenId: string;
  makerAmount: string;
  takerAmount: string;
  expiration: string;
  nonce: string;
  feeRateBps: string;
  side: 0 | 1;
  signatureType: number;
}

const v2Encoder = utils._TypedDataEncoder.from(ORDER_V2_TYPES);
const v1Encoder = utils._TypedDataEncoder.from(ORDER_V1_TYPES);
const domainCache = new Map<string, string>();

function domainSeparator(version: 1 | 2, chainId: number, negRisk: boolean): string {
  const key = `${version}:${chainId}:${negRisk}`;
  let sep = domainCache.get(key);
  if (!sep) {
    sep = utils._TypedDataEncoder.hashDomain(orderDomain(version, chainId, negRisk));
    domainCache.set(key, sep);
  }
  return sep;
}

export function exchangeFor(version: 1 | 2, negRisk: boolean): string {
  if (version === 1) return negRisk ? NEG_RISK_EXCHANGE_V1 : EXCHANGE_V1;
  return negRisk ? NEG_RISK_EXCHANGE_V2 : EXCHANGE_V2;
}

/** The EIP-712 domain an order of this protocol version is signed under. */
export function orderDomain(
  version: 1 | 2,
  chainId: number,
  negRisk: boolean,
): { name: string; version: string; chainId: number; verifyingContract: string } {
  return {
    name: 'Polymarket CTF Exchange',
    version: String(version),
    chainId,
    verifyingContract: exchangeFor(version, negRisk),
  };
}

export function hashOrderV2(order: OrderV2Message, negRisk: boolean, chainId: number): string {
  const domain = domainSeparator(2, chainId, negRisk);
  return utils.keccak256(utils.concat(['0x1901', domain, v2Encoder.hash(order)]));
}

export function hashOrderV1(order: OrderV1Message, negRisk: boolean, chainId: number): string {
  const domain = domainSeparator(1, chainId, negRisk);
  return utils.keccak256(utils.concat(['0x1901', domain, v1Encoder.hash(order)]));
}

/** The address that produced a 65-byte signature over a digest, or undefined if it is malformed. */
export function recoverSigner(digest: string, signature: string): string | undefined {
  try {
    return utils.recoverAddress(digest, signature);
  } catch {
    return undefined;
  }
}

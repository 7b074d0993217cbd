/**
 * Live-mode credentials, resolved and checked before anything talks to the venue. Every problem
 * is named (never the secret itself) so the operator sees why live mode refused to start.
 */
import type { EngineConfig, Secrets } from '../config/types.js';
import { LiveModeError } from '../errors.js';
import type { SignatureType } from './order-signer.js';

export interface LiveCredentials {
  readonly privateKey: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly apiPassphrase: string;
  readonly signatureType: SignatureType;
  /** The proxy/safe/deposit wallet that holds the funds; null for a plain EOA. */
  readonly funder: string | null;
  readonly chainId: number;
  readonly host: string;
}

const PRIVATE_KEY = /^(0x)?[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Reads the creds file's values (`Secrets.polymarketCreds`) with PRIVATE_KEY as the fallback
 * signer key. The host comes from the config (`polymarket.clobUrl`), the chain from the creds
 * file when it names one, else the config.
 */
export function resolveLiveCredentials(config: EngineConfig, secrets: Secrets): LiveCredentials {
  const creds = secrets.polymarketCreds;
  const credsFile = config.polymarket.credsFile;
  if (!creds) {
    throw new LiveModeError(
      'live_credentials_missing',
      `live mode needs Polymarket API credentials: ${credsFile} was not found or not readable (set POLYMARKET_CREDS_FILE)`,
    );
  }
  const problems: string[] = [];
  const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');
  const apiKey = text(creds.api_key);
  const apiSecret = text(creds.api_secret);
  const apiPassphrase = text(creds.api_passphrase);
  if (!apiKey) problems.push('api_key is missing');
  if (!apiSecret) problems.push('api_secret is missing');
  else if (!/^[A-Za-z0-9+/_=-]+$/.test(apiSecret)) problems.push('api_secret is not base64');
  if (!apiPassphrase) problems.push('api_passphrase is missing');

  const privateKey = text(creds.private_key) || text(secrets.privateKey);
  if (!privateKey) problems.push('no private key (private_key in the creds file, or PRIVATE_KEY)');
  else if (!PRIVATE_KEY.test(privateKey)) problems.push('the private key is not 32 bytes of hex');

  const rawType = creds.signature_type ?? 0;
  const signatureType = rawType as SignatureType;
  if (![0, 1, 2, 3].includes(rawType)) problems.push(`signature_type ${String(rawType)} is not 0, 1, 2 or 3`);
  const funder = text(creds.funder) || null;
  if (funder && !ADDRESS.test(funder)) problems.push('funder is not a 0x address');
  if (!funder && rawType !== 0) problems.push(`signature_type ${rawType} needs a funder address`);

  const chainId = creds.chain_id ?? config.polymarket.chainId;
  if (!Number.isInteger(chainId) || chainId <= 0)
    problems.push(`chain_id ${String(chainId)} is not a chain id`);

  if (problems.length > 0) {
    throw new LiveModeError(
      'live_credentials_invalid',
      `live mode credentials in ${credsFile} are invalid: ${problems.join('; ')}`,
    );
  }
  return {
    privateKey: privateKey.startsWith('0x') ? privateKey : `0x${privateKey}`,
    apiKey,
    apiSecret,
    apiPassphrase,
    signatureType,
    funder,
    chainId,
    host: config.polymarket.clobUrl.replace(/\/+$/, ''),
  };
}

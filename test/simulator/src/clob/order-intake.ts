import { utils } from 'ethers';
import type { OrderType, ReceivedOrder, Side, SimMarket } from '../types.js';
import { MICRO, fromMicro, toMicro } from '../util/decimal.js';
import { HttpError, json, type Reply } from '../util/http.js';
import { feeRateBps, takerFee } from '../venue/fees.js';
import type { FillPlan, SubmitInput } from '../venue/matching-engine.js';
import type { Venue } from '../venue/venue.js';
import type { ApiKeyRecord } from './auth.js';
import { hashOrderV1, hashOrderV2, recoverSigner } from './order-signing.js';

/** Error texts the venue answers with (reference §5.4, py-clob-client/clob-client issues). */
export const ORDER_ERRORS = {
  invalidPayload: 'Invalid order payload',
  versionMismatch: 'order_version_mismatch',
  owner: 'the order owner has to be the owner of the API KEY',
  signer: 'the order signer address has to be the address of the API KEY',
  signature: 'invalid signature',
  marketNotFound: 'market not found',
  marketClosed: 'the market is closed',
  marketNotReady: 'the market is not yet ready to process new orders',
  balance: 'not enough balance / allowance',
  fok: "order couldn't be fully filled. FOK orders are fully filled or killed.",
  fak: 'no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found.',
  postOnlyType: 'invalid post-only order: post-only is only allowed for GTC and GTD orders',
  postOnlyCrosses: 'invalid post-only order: order crosses book',
  tooMany: 'Too many orders in payload, max allowed: 15',
} as const;

export const MAX_BATCH = 15;
/** Bound on the received-orders log, so a long paper or demo run cannot grow it without end. */
const MAX_RECEIVED = 50_000;
const ORDER_TYPES: readonly OrderType[] = ['GTC', 'GTD', 'FOK', 'FAK'];
const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

/** What POST /order answers on success (reference §5.4 / §16.7). */
export interface OrderResponse {
  success: boolean;
  errorMsg: string;
  orderID: string;
  status: string;
  takingAmount: string;
  makingAmount: string;
  transactionsHashes: string[];
  tradeIDs: string[];
}

interface ParsedOrder {
  readonly version: 1 | 2;
  readonly salt: string;
  readonly maker: string;
  readonly signer: string;
  readonly tokenId: string;
  readonly makerAmount: bigint;
  readonly takerAmount: bigint;
  readonly side: Side;
  readonly signatureType: number;
  readonly expiration: string;
  readonly signature: string;
  readonly timestamp: string;
  readonly metadata: string;
  readonly builder: string;
  readonly taker: string;
  readonly nonce: string;
  readonly feeRateBps: string;
}

interface Candidate {
  readonly orderID: string;
  readonly input: SubmitInput;
  readonly market: SimMarket;
}

class Rejection {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly orderID?: string,
  ) {}
}

/** Amounts already promised to earlier orders of the same batch (all-or-nothing validation). */
class Provisional {
  readonly ids = new Set<string>();
  private readonly amounts = new Map<string, bigint>();

  get(key: string): bigint {
    return this.amounts.get(key) ?? 0n;
  }

  add(key: string, amount: bigint): void {
    this.amounts.set(key, this.get(key) + amount);
  }
}

/**
 * Validates signed orders exactly as the venue does — struct version, owner and signer binding,
 * EIP-712 signature over the neg-risk-aware domain, tick grid, minimum size, expiration, balance —
 * then hands them to the matching engine. Every order body received is recorded with its verdict.
 */
export class OrderIntake {
  constructor(private readonly venue: Venue) {}

  /** Records bodies that never reached validation (authentication failed). */
  recordUnauthenticated(path: '/order' | '/orders', rawBody: string, error: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody) as unknown;
    } catch {
      parsed = rawBody;
    }
    const payloads = path === '/orders' && Array.isArray(parsed) ? parsed : [parsed];
    for (const payload of payloads) this.record(path, '', payload, { verdict: 'rejected', error });
  }

  postOrder(rawBody: string, auth: ApiKeyRecord): Reply {
    let payload: unknown;
    try {
      payload = JSON.parse(rawBody) as unknown;
    } catch {
      this.record('/order', auth.key, rawBody, { verdict: 'rejected', error: ORDER_ERRORS.invalidPayload });
      throw new HttpError(400, ORDER_ERRORS.invalidPayload);
    }
    const outcome = this.validate(payload, auth, extractSalts(rawBody)[0], new Provisional());
    const rejection = outcome instanceof Rejection ? outcome : this.fillability(outcome);
    if (rejection) {
      this.record('/order', auth.key, payload, {
        verdict: 'rejected',
        error: rejection.error,
        orderID: rejection.orderID,
      });
      throw new HttpError(rejection.status, rejection.error);
    }
    const response = this.execute(outcome as Candidate);
    this.record('/order', auth.key, payload, {
      verdict: 'accepted',
      orderID: response.orderID,
      status: response.status,
    });
    return json(response);
  }

  postOrders(rawBody: string, auth: ApiKeyRecord): Reply {
    let payloads: unknown;
    try {
      payloads = JSON.parse(rawBody) as unknown;
    } catch {
      payloads = undefined;
    }
    if (!Array.isArray(payloads) || payloads.length === 0) {
      this.record('/orders', auth.key, payloads ?? rawBody, {
        verdict: 'rejected',
        error: 'Invalid payload',
      });
      throw new HttpError(400, 'Invalid payload');
    }
    if (payloads.length > MAX_BATCH) {
      for (const p of payloads)
        this.record('/orders', auth.key, p, { verdict: 'rejected', error: ORDER_ERRORS.tooMany });
      throw new HttpError(400, ORDER_ERRORS.tooMany);
    }
    const salts = extractSalts(rawBody);
    const provisional = new Provisional();
    const candidates: Candidate[] = [];
    for (let i = 0; i < payloads.length; i++) {
      const outcome = this.validate(payloads[i], auth, salts[i], provisional);
      if (outcome instanceof Rejection) {
        payloads.forEach((p: unknown, j: number) =>
          this.record('/orders', auth.key, p, {
            verdict: 'rejected',
            error: j === i ? outcome.error : `batch rejected: order ${i}: ${outcome.error}`,
            orderID: j === i ? outcome.orderID : undefined,
          }),
        );
        throw new HttpError(outcome.status, outcome.error);
      }
      candidates.push(outcome);
    }
    const responses = candidates.map((c, i) => {
      const rejection = this.fillability(c);
      if (rejection) {
        this.record('/orders', auth.key, payloads[i], {
          verdict: 'rejected',
          error: rejection.error,
          orderID: c.orderID,
        });
        return failedResponse(c.orderID, rejection.error);
      }
      const response = this.execute(c);
      this.record('/orders', auth.key, payloads[i], {
        verdict: 'accepted',
        orderID: c.orderID,
        status: response.status,
      });
      return response;
    });
    return json(responses);
  }

  private validate(
    raw: unknown,
    auth: ApiKeyRecord,
    rawSalt: string | undefined,
    provisional: Provisional,
  ): Candidate | Rejection {
    const { venue } = this;
    if (!isRecord(raw) || !isRecord(raw['order'])) return new Rejection(400, ORDER_ERRORS.invalidPayload);
    const fields = raw['order'];
    const version: 1 | 2 = 'nonce' in fields || 'feeRateBps' in fields || !('timestamp' in fields) ? 1 : 2;
    if (version !== venue.apiVersion) return new Rejection(400, ORDER_ERRORS.versionMismatch);
    const parsed = parseOrder(fields, version, rawSalt);
    if (!parsed) return new Rejection(400, ORDER_ERRORS.invalidPayload);
    const orderType = raw['orderType'] ?? 'GTC';
    if (typeof orderType !== 'string' || !ORDER_TYPES.includes(orderType as OrderType)) {
      return new Rejection(400, ORDER_ERRORS.invalidPayload);
    }
    const type = orderType as OrderType;
    const postOnly = raw['postOnly'] === true;

    if (raw['owner'] !== auth.key) return new Rejection(400, ORDER_ERRORS.owner);
    if (parsed.signer.toLowerCase() !== auth.address) return new Rejection(400, ORDER_ERRORS.signer);
    const ref = venue.registry.token(parsed.tokenId);
    if (!ref) return new Rejection(400, ORDER_ERRORS.marketNotFound);
    const { market, outcomeIndex } = ref;

    const orderID = digestOf(parsed, market.negRisk, venue.config.chainId);
    const recovered = recoverSigner(orderID, parsed.signature);
    if (!recovered || recovered.toLowerCase() !== parsed.signer.toLowerCase()) {
      return new Rejection(400, ORDER_ERRORS.signature, orderID);
    }
    if (parsed.signatureType === 0 && parsed.maker.toLowerCase() !== parsed.signer.toLowerCase()) {
      return new Rejection(400, ORDER_ERRORS.signature, orderID);
    }
    if (venue.engine.order(orderID) || provisional.ids.has(orderID)) {
      return new Rejection(400, `order ${orderID} is invalid. Duplicated.`, orderID);
    }
    if (market.closed) return new Rejection(400, ORDER_ERRORS.marketClosed, orderID);
    if (!market.active || !market.acceptingOrders)
      return new Rejection(400, ORDER_ERRORS.marketNotReady, orderID);
    if (postOnly && (type === 'FOK' || type === 'FAK'))
      return new Rejection(400, ORDER_ERRORS.postOnlyType, orderID);

    const nowSeconds = Math.floor(venue.now() / 1000);
    const expiration = Number(parsed.expiration);
    const threshold = venue.config.gtdThresholdSeconds;
    if (type === 'GTD' && expiration <= nowSeconds + threshold) {
      return new Rejection(
        400,
        `invalid expiration value (${parsed.expiration}): GTD orders must expire more than ${threshold} seconds from now (security threshold)`,
        orderID,
      );
    }
    if (type !== 'GTD' && expiration !== 0) {
      return new Rejection(
        400,
        `invalid expiration value (${parsed.expiration}): only GTD orders can expire`,
        orderID,
      );
    }
    if (version === 1 && parsed.feeRateBps !== feeRateBps(market)) {
      return new Rejection(
        400,
        `invalid fee rate (${parsed.feeRateBps}), current market's fee rate: ${feeRateBps(market)}`,
        orderID,
      );
    }

    const shares = parsed.side === 'BUY' ? parsed.takerAmount : parsed.makerAmount;
    const collateral = parsed.side === 'BUY' ? parsed.makerAmount : parsed.takerAmount;
    const tick = toMicro(market.tickSize);
    const price = gridPrice(collateral, shares, tick, market.tickSize);
    if (price === undefined || price < tick || price > MICRO - tick) {
      const shown = fromMicro((collateral * MICRO) / shares);
      return new Rejection(
        400,
        `order ${orderID} is invalid. Price (${shown}) breaks minimum tick size rule: ${market.tickSize}`,
        orderID,
      );
    }
    const resting = type === 'GTC' || type === 'GTD';
    if (resting && shares < toMicro(market.minOrderSize)) {
      return new Rejection(
        400,
        `order ${orderID} is invalid. Size (${fromMicro(shares)}) lower than the minimum: ${market.minOrderSize}`,
        orderID,
      );
    }

    const input: SubmitInput = {
      id: orderID,
      owner: auth.key,
      makerAddress: parsed.maker,
      signerAddress: parsed.signer,
      system: false,
      market,
      outcomeIndex,
      side: parsed.side,
      price,
      size: shares,
      makerAmount: parsed.makerAmount,
      takerAmount: parsed.takerAmount,
      orderType: type,
      expiration,
      amountBased: parsed.side === 'BUY' && !resting,
    };
    const marketable = venue.engine.isMarketable(input);
    if (postOnly && marketable) return new Rejection(400, ORDER_ERRORS.postOnlyCrosses, orderID);
    if ((marketable || !resting) && collateral < MICRO) {
      return new Rejection(
        400,
        `invalid amount for a marketable ${parsed.side} order ($${fromMicro(collateral)}), min size: $1`,
        orderID,
      );
    }

    if (parsed.signatureType !== 0) venue.ledger.linkFunder(parsed.signer, parsed.maker);
    const account = parsed.maker.toLowerCase();
    const { ledger } = venue;
    if (parsed.side === 'BUY') {
      const plan = marketable ? venue.engine.plan(input) : undefined;
      const fees = plan ? plan.legs.reduce((sum, leg) => sum + takerFee(market, leg.qty, leg.price), 0n) : 0n;
      const need = parsed.makerAmount + fees;
      const key = `c|${account}`;
      const available = ledger.availableCollateral(account) - provisional.get(key);
      if (available < need) return new Rejection(400, balanceError('balance', available, need), orderID);
      if (ledger.allowance(account) - provisional.get(key) < need) {
        return new Rejection(400, balanceError('allowance', ledger.allowance(account), need), orderID);
      }
      provisional.add(key, need);
    } else {
      const key = `s|${account}|${market.tokenIds[outcomeIndex]}`;
      const available = ledger.availableShares(account, market.tokenIds[outcomeIndex]) - provisional.get(key);
      if (available < shares) return new Rejection(400, balanceError('balance', available, shares), orderID);
      if (!ledger.conditionalApproved(account))
        return new Rejection(400, balanceError('allowance', 0n, shares), orderID);
      provisional.add(key, shares);
    }
    provisional.ids.add(orderID);
    return { orderID, input, market };
  }

  /** FOK must fill completely and FAK at least partly, judged against the book right now. */
  private fillability(c: Candidate): Rejection | undefined {
    const { orderType } = c.input;
    if (orderType !== 'FOK' && orderType !== 'FAK') return undefined;
    // A marketable order of a delayed market is judged when its delay ends.
    if (c.market.secondsDelay > 0 && this.venue.engine.isMarketable(c.input)) return undefined;
    const plan: FillPlan = this.venue.engine.plan(c.input);
    if (orderType === 'FOK' && !plan.complete) return new Rejection(400, ORDER_ERRORS.fok, c.orderID);
    if (orderType === 'FAK' && plan.shares === 0n) return new Rejection(400, ORDER_ERRORS.fak, c.orderID);
    return undefined;
  }

  private execute(c: Candidate): OrderResponse {
    const delayMs = c.market.secondsDelay > 0 ? c.market.secondsDelay * 1000 : undefined;
    const exec = this.venue.engine.submit(c.input, delayMs === undefined ? {} : { delayMs });
    if (exec.delayed) {
      return {
        success: true,
        errorMsg: '',
        orderID: c.orderID,
        status: 'delayed',
        takingAmount: '',
        makingAmount: '',
        transactionsHashes: [],
        tradeIDs: [],
      };
    }
    const matched = exec.trades.length > 0;
    const immediate = c.input.orderType === 'FOK' || c.input.orderType === 'FAK';
    const shares = matched ? fromMicro(exec.shares) : '';
    const collateral = matched ? fromMicro(exec.collateral) : '';
    return {
      success: true,
      errorMsg: '',
      orderID: c.orderID,
      status: matched ? 'matched' : 'live',
      takingAmount: c.input.side === 'BUY' ? shares : collateral,
      makingAmount: c.input.side === 'BUY' ? collateral : shares,
      // Since 2026-07-24 FOK/FAK answers carry only tradeIDs; clients resolve hashes via /data/trades?id=.
      transactionsHashes: immediate ? [] : exec.trades.map((t) => t.transactionHash),
      tradeIDs: exec.trades.map((t) => t.id),
    };
  }

  private record(
    path: '/order' | '/orders',
    apiKey: string,
    payload: unknown,
    verdict: Pick<ReceivedOrder, 'verdict' | 'error' | 'orderID' | 'status'>,
  ): void {
    const entry: ReceivedOrder = { at: this.venue.now(), path, apiKey, payload, verdict: verdict.verdict };
    if (verdict.error !== undefined) entry.error = verdict.error;
    if (verdict.orderID !== undefined) entry.orderID = verdict.orderID;
    if (verdict.status !== undefined) entry.status = verdict.status;
    const log = this.venue.received;
    log.push(entry);
    if (log.length > MAX_RECEIVED) log.splice(0, log.length - MAX_RECEIVED);
  }
}

function failedResponse(orderID: string, error: string): OrderResponse {
  return {
    success: false,
    errorMsg: error,
    orderID,
    status: '',
    takingAmount: '',
    makingAmount: '',
    transactionsHashes: [],
    tradeIDs: [],
  };
}

function balanceError(what: 'balance' | 'allowance', have: bigint, need: bigint): string {
  return `${ORDER_ERRORS.balance}: the ${what} is not enough -> ${what}: ${have < 0n ? 0n : have}, order amount: ${need}`;
}

/** Amount decimals the client rounds to per tick (reference §5.2, §16.2). */
const AMOUNT_DECIMALS: Record<string, number> = {
  '0.1': 3,
  '0.01': 4,
  '0.005': 5,
  '0.0025': 6,
  '0.001': 5,
  '0.0001': 6,
};

/**
 * The order's limit price on the tick grid, or undefined when it is off the grid. A price is on the
 * grid when collateral/shares equals a tick multiple up to the rounding the official client applies
 * to amounts (market orders divide dollars by the price), never more.
 */
export function gridPrice(
  collateral: bigint,
  shares: bigint,
  tick: bigint,
  tickSize: string,
): bigint | undefined {
  if (shares <= 0n || collateral <= 0n) return undefined;
  const scaled = collateral * MICRO; // price × shares, 1e12 scale
  const k = (scaled + (shares * tick) / 2n) / (shares * tick);
  const price = k * tick;
  const tolerance = 10n ** BigInt(12 - (AMOUNT_DECIMALS[tickSize] ?? 6));
  const diff = scaled - price * shares;
  return (diff < 0n ? -diff : diff) <= tolerance ? price : undefined;
}

function digestOf(order: ParsedOrder, negRisk: boolean, chainId: number): string {
  const side: 0 | 1 = order.side === 'BUY' ? 0 : 1;
  const common = {
    salt: order.salt,
    maker: order.maker,
    signer: order.signer,
    tokenId: order.tokenId,
    makerAmount: order.makerAmount.toString(),
    takerAmount: order.takerAmount.toString(),
    side,
    signatureType: order.signatureType,
  };
  if (order.version === 2) {
    return hashOrderV2(
      { ...common, timestamp: order.timestamp, metadata: order.metadata, builder: order.builder },
      negRisk,
      chainId,
    );
  }
  return hashOrderV1(
    {
      ...common,
      taker: order.taker,
      expiration: order.expiration,
      nonce: order.nonce,
      feeRateBps: order.feeRateBps,
    },
    negRisk,
    chainId,
  );
}

/** Salts exactly as sent: JSON numbers beyond 2^53 would lose digits through JSON.parse. */
export function extractSalts(rawBody: string): string[] {
  return [...rawBody.matchAll(/"salt"\s*:\s*"?(\d+)"?/g)].map((m) => m[1] as string);
}

const UINT = /^\d+$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130,}$/;

function parseOrder(
  o: Record<string, unknown>,
  version: 1 | 2,
  rawSalt: string | undefined,
): ParsedOrder | undefined {
  const salt =
    typeof o['salt'] === 'number' ? rawSalt : typeof o['salt'] === 'string' ? o['salt'] : undefined;
  const text = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : undefined;
  const maker = text(o['maker']);
  const signer = text(o['signer']);
  const tokenId = text(o['tokenId']);
  const makerAmount = text(o['makerAmount']);
  const takerAmount = text(o['takerAmount']);
  const signatureType = Number(o['signatureType'] ?? 0);
  const expiration = text(o['expiration'] ?? '0');
  const signature = text(o['signature']);
  const sideRaw = o['side'];
  const side: Side | undefined =
    sideRaw === 'BUY' || sideRaw === 0 ? 'BUY' : sideRaw === 'SELL' || sideRaw === 1 ? 'SELL' : undefined;
  if (
    !salt ||
    !UINT.test(salt) ||
    !maker ||
    !utils.isAddress(maker) ||
    !signer ||
    !utils.isAddress(signer) ||
    !tokenId ||
    !UINT.test(tokenId) ||
    !makerAmount ||
    !UINT.test(makerAmount) ||
    !takerAmount ||
    !UINT.test(takerAmount) ||
    !side ||
    !Number.isInteger(signatureType) ||
    signatureType < 0 ||
    signatureType > 3 ||
    !expiration ||
    !UINT.test(expiration) ||
    !signature ||
    !SIGNATURE.test(signature)
  ) {
    return undefined;
  }
  if (BigInt(makerAmount) === 0n || BigInt(takerAmount) === 0n) return undefined;
  const timestamp = text(o['timestamp']) ?? '0';
  const metadata = text(o['metadata']) ?? `0x${'0'.repeat(64)}`;
  const builder = text(o['builder']) ?? `0x${'0'.repeat(64)}`;
  const taker = text(o['taker']) ?? ZERO_ADDRESS;
  const nonce = text(o['nonce']) ?? '0';
  const fee = text(o['feeRateBps']) ?? '0';
  if (version === 2 && (!UINT.test(timestamp) || !BYTES32.test(metadata) || !BYTES32.test(builder)))
    return undefined;
  if (version === 1 && (!utils.isAddress(taker) || !UINT.test(nonce) || !UINT.test(fee))) return undefined;
  return {
    version,
    salt,
    maker,
    signer,
    tokenId,
    makerAmount: BigInt(makerAmount),
    takerAmount: BigInt(takerAmount),
    side,
    signatureType,
    expiration,
    signature,
    timestamp,
    metadata,
    builder,
    taker,
    nonce,
    feeRateBps: fee,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

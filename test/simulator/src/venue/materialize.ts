import type { Side, SimMarket } from '../types.js';
import { MICRO, toMicro } from '../util/decimal.js';
import { addressFrom, sha256Hex } from '../util/ids.js';
import { Prng } from '../util/prng.js';
import type { MatchingEngine } from './matching-engine.js';
import { SYSTEM_OWNER } from './records.js';
import type { Tape } from './tape.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface MaterializeDeps {
  readonly engine: MatchingEngine;
  readonly tape: Tape;
  readonly seed: number;
  /** Simulator start (history is placed relative to it, so a seed always gives the same tape). */
  readonly startedAt: number;
  readonly liquidityAddress: string;
}

/**
 * Builds a generated market's resting liquidity (mirror-consistent books for both outcomes, owned by
 * the simulator's liquidity account) and its trade history. Liquid markets get fresh prints; thin
 * ones days-old prints; illiquid ones only prints months old, sometimes far from today's book (G1).
 */
export function materializeMarket(market: SimMarket, deps: MaterializeDeps): void {
  if (market.scripted) return;
  // One hash per market; ids below extend it with a counter (hashing per order costs more than all the rest).
  const rng = Prng.from(deps.seed, 'materialize', market.conditionId);
  const tick = toMicro(market.tickSize);
  const center = snap(toMicro(market.basePrice.toFixed(6)), tick);

  if (!market.closed) placeBook(market, rng, tick, center, deps);
  writeHistory(market, rng, tick, center, deps);
}

/** Rounds to the tick grid and keeps inside [tick, 1 − tick]. */
export function snap(price: bigint, tick: bigint): bigint {
  const k = (price + tick / 2n) / tick;
  const p = k * tick;
  if (p < tick) return tick;
  if (p > MICRO - tick) return MICRO - tick;
  return p;
}

function placeBook(market: SimMarket, rng: Prng, tick: bigint, center: bigint, deps: MaterializeDeps): void {
  const gapScale = tick >= 10_000n ? 1n : BigInt(Math.max(1, Math.round(2_000 / Number(tick))));
  const profile = {
    liquid: { spread: [1, 3], levels: [4, 8], size: [20, 2_000] },
    thin: { spread: [2, 8], levels: [2, 4], size: [5, 300] },
    illiquid: { spread: [5, 30], levels: [0, 2], size: [5, 100] },
  }[market.liquidity];

  const spreadTicks = BigInt(rng.int(profile.spread[0] as number, profile.spread[1] as number)) * gapScale;
  const bestBid = center - (spreadTicks / 2n) * tick;
  const bestAsk = bestBid + spreadTicks * tick;
  const levels = (side: Side): [bigint, bigint][] => {
    const out: [bigint, bigint][] = [];
    const count = rng.int(profile.levels[0] as number, profile.levels[1] as number);
    let price = side === 'BUY' ? bestBid : bestAsk;
    for (let i = 0; i < count; i++) {
      if (price < tick || price > MICRO - tick) break;
      const size =
        BigInt(rng.int((profile.size[0] as number) * 100, (profile.size[1] as number) * 100)) * 10_000n;
      out.push([price, size]);
      const gap = BigInt(rng.int(1, 3)) * gapScale * tick;
      price = side === 'BUY' ? price - gap : price + gap;
    }
    return out;
  };
  const bids = levels('BUY');
  const asks = levels('SELL');

  let n = 0;
  const prefix = sha256Hex(deps.seed, 'liquidity', market.conditionId).slice(0, 56);
  const place = (outcomeIndex: 0 | 1, side: Side, price: bigint, size: bigint): void => {
    const cost = (size * price) / MICRO;
    deps.engine.restLiquidity({
      id: `0x${prefix}${(n++).toString(16).padStart(8, '0')}`,
      owner: SYSTEM_OWNER,
      makerAddress: deps.liquidityAddress,
      signerAddress: deps.liquidityAddress,
      system: true,
      market,
      outcomeIndex,
      side,
      price,
      size,
      makerAmount: side === 'BUY' ? cost : size,
      takerAmount: side === 'BUY' ? size : cost,
      orderType: 'GTC',
      expiration: 0,
      amountBased: false,
    });
  };
  for (const [price, size] of bids) {
    place(0, 'BUY', price, size);
    place(1, 'SELL', MICRO - price, size);
  }
  for (const [price, size] of asks) {
    place(0, 'SELL', price, size);
    place(1, 'BUY', MICRO - price, size);
  }
}

function writeHistory(
  market: SimMarket,
  rng: Prng,
  tick: bigint,
  center: bigint,
  deps: MaterializeDeps,
): void {
  const { startedAt } = deps;
  let count: number;
  let ageOf: () => number;
  if (market.closed) {
    count = rng.int(1, 3);
    const ended = startedAt - market.endDate;
    ageOf = () => ended + rng.float(1 * HOUR, 5 * DAY);
  } else if (market.liquidity === 'liquid') {
    count = rng.int(5, 20);
    ageOf = () => (rng.chance(0.3) ? rng.float(5_000, 4 * MINUTE) : rng.float(5 * MINUTE, 6 * HOUR));
  } else if (market.liquidity === 'thin') {
    count = rng.int(2, 6);
    ageOf = () => rng.float(1 * DAY, 14 * DAY);
  } else {
    count = rng.int(1, 4);
    ageOf = () => rng.float(30 * DAY, 150 * DAY);
  }
  // An illiquid market's last print may sit far from today's book (the "Belichick" case, G1).
  const historic = market.liquidity === 'illiquid' && rng.chance(0.5) ? snap(MICRO - center, tick) : center;

  const prefix = sha256Hex(deps.seed, 'history', market.conditionId).slice(0, 56);
  const wallets = traders(deps.seed);
  for (let i = 0; i < count; i++) {
    const outcomeIndex: 0 | 1 = rng.chance(0.8) ? 0 : 1;
    const drift = BigInt(rng.int(-3, 3)) * tick;
    const p0 = snap(historic + drift, tick);
    const price = outcomeIndex === 0 ? p0 : MICRO - p0;
    const size = BigInt(rng.int(500, 50_000)) * 10_000n;
    const timestamp = Math.round(startedAt - ageOf());
    const id = `0x${prefix}${i.toString(16).padStart(8, '0')}`;
    deps.tape.add({
      id,
      tokenId: market.tokenIds[outcomeIndex],
      market,
      outcomeIndex,
      side: rng.chance(0.55) ? 'BUY' : 'SELL',
      size,
      price,
      timestamp,
      wallet: wallets[rng.int(0, 499)] as string,
      makerWallet: wallets[rng.int(500, 999)] as string,
      transactionHash: `0x${prefix}${(0x80000000 + i).toString(16)}`,
      feeRateBps: '0',
    });
  }
}

const traderPools = new Map<number, string[]>();

/** A fixed pool of trader wallets per seed, so history does not hash an address per print. */
function traders(seed: number): string[] {
  let pool = traderPools.get(seed);
  if (!pool) {
    pool = Array.from({ length: 1_000 }, (_, i) => addressFrom(seed, 'trader', i));
    traderPools.set(seed, pool);
  }
  return pool;
}

import type { ActivitySpec, Side, SimMarket } from '../types.js';
import { MICRO, minBig, roundDownTo, shareStep } from '../util/decimal.js';
import { addressFrom, bytes32 } from '../util/ids.js';
import { Prng } from '../util/prng.js';
import { opposite } from '../venue/matching-engine.js';
import { SYSTEM_OWNER } from '../venue/records.js';
import type { Venue } from '../venue/venue.js';

/**
 * Synthetic market activity for demos and paper runs: a noise trader takes liquidity at the top of
 * random books (real matches: last_trade_price, book, Data-API prints; a user's resting order can be
 * hit), and the simulator's market maker replenishes what was taken.
 */
export class Activity {
  private timer: NodeJS.Timeout | undefined;
  private rng: Prng;
  private seq = 0;
  private readonly trader: string;

  constructor(
    private readonly venue: Venue,
    private readonly seed: number,
  ) {
    this.rng = Prng.from(seed, 'activity');
    this.trader = addressFrom(seed, 'activity-trader');
  }

  start(spec: ActivitySpec): void {
    if (!(spec.intervalMs > 0))
      throw new RangeError(`activity intervalMs must be > 0, got ${spec.intervalMs}`);
    this.stop();
    const wanted = spec.conditionIds ? new Set(spec.conditionIds.map((c) => c.toLowerCase())) : undefined;
    const eligible = (): SimMarket[] =>
      this.venue.registry
        .allMarkets()
        .filter(
          (m) =>
            m.active &&
            !m.closed &&
            m.acceptingOrders &&
            (!wanted || wanted.has(m.conditionId.toLowerCase())),
        );
    const tick = (): void => {
      const markets = eligible();
      if (markets.length > 0) this.trade(this.rng.pick(markets));
      this.timer = setTimeout(tick, Math.max(1, Math.round(spec.intervalMs * this.rng.float(0.5, 1.5))));
      this.timer.unref();
    };
    this.timer = setTimeout(tick, spec.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One aggressive trade on a random side of a market, then the maker tops the level back up. */
  trade(market: SimMarket): void {
    const { engine } = this.venue;
    const outcomeIndex: 0 | 1 = this.rng.chance(0.75) ? 0 : 1;
    const side: Side = this.rng.chance(0.5) ? 'BUY' : 'SELL';
    const book = engine.book(market, outcomeIndex);
    const price = book.best(opposite(side));
    if (price === undefined) return;
    const available = book.levelTotal(opposite(side), price);
    const wanted = BigInt(this.rng.int(5, 250)) * MICRO;
    const size = roundDownTo(
      minBig(available, wanted),
      shareStep(price) > 10_000n ? shareStep(price) : 10_000n,
    );
    if (size <= 0n) return;
    const cost = (size * price) / MICRO;
    const n = ++this.seq;
    engine.submit({
      id: bytes32(this.seed, 'activity', n),
      owner: SYSTEM_OWNER,
      makerAddress: this.trader,
      signerAddress: this.trader,
      system: true,
      market,
      outcomeIndex,
      side,
      price,
      size,
      makerAmount: side === 'BUY' ? cost : size,
      takerAmount: side === 'BUY' ? size : cost,
      orderType: 'FAK',
      expiration: 0,
      amountBased: false,
    });
    if (book.levelTotal(opposite(side), price) === 0n && book.depth(opposite(side)) < 3) {
      const refill = BigInt(this.rng.int(20, 500)) * MICRO;
      const refillCost = (refill * price) / MICRO;
      const makerSide = opposite(side);
      engine.submit({
        id: bytes32(this.seed, 'activity-refill', n),
        owner: SYSTEM_OWNER,
        makerAddress: this.venue.liquidityAddress,
        signerAddress: this.venue.liquidityAddress,
        system: true,
        market,
        outcomeIndex,
        side: makerSide,
        price,
        size: refill,
        makerAmount: makerSide === 'BUY' ? refillCost : refill,
        takerAmount: makerSide === 'BUY' ? refill : refillCost,
        orderType: 'GTC',
        expiration: 0,
        amountBased: false,
      });
    }
  }
}

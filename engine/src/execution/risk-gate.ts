/**
 * Every check an order passes before anything is persisted or sent. Limits are evaluated on
 * execution's in-memory view (no database round trip on the hot path); the G5 price check asks
 * the live book last, because it is the only one that may wait.
 */
import type { EngineConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import { PriceDivergenceError, RiskLimitError, TradingHaltedError } from './errors.js';
import { ZERO, formatMicros, toMicros, type Micros } from './fixed.js';
import type { OrderPlan } from './order-math.js';
import type { PriceVerifier } from './ports.js';

/** What the gate needs to know about the book of orders, positions and money. */
export interface RiskView {
  /** Balance minus open reservations; null before the first balance read. */
  freeBalance(): Micros | null;
  /** Balance under the trading floor. */
  isHalted(): boolean;
  openPositionCount(): number;
  hasPosition(conditionId: string): boolean;
  /** A BUY for the condition that is open or not yet resolved (pending, submitting, unknown). */
  hasOpenEntry(conditionId: string): boolean;
  /** Conditions with an open entry order but no position yet. */
  pendingEntryCount(): number;
  /** Shares of the token held in our position (zero when none). */
  heldShares(tokenId: string): Micros;
  /** Shares already offered by open SELL orders of the token. */
  openSellShares(tokenId: string): Micros;
}

export interface RiskSubject {
  readonly tokenId: string;
  readonly conditionId: string;
}

export class RiskGate {
  private readonly positionSize: Micros;
  private readonly reserve: Micros;
  private readonly maxDeviation: number;

  constructor(
    private readonly config: EngineConfig,
    private readonly view: RiskView,
    private readonly verifier: PriceVerifier,
  ) {
    this.positionSize = toMicros(config.risk.positionSize, 'down');
    this.reserve = toMicros(config.risk.minBalanceReserve, 'up');
    this.maxDeviation = config.filters.maxPriceDeviation;
  }

  /** Limits for a new entry: trading floor, one position per condition, MAX_POSITIONS, POSITION_SIZE, reserve. */
  checkEntry(subject: RiskSubject, plan: OrderPlan): void {
    if (this.view.isHalted()) {
      throw new TradingHaltedError(
        `trading is stopped: the balance is under the floor of ${this.config.risk.minTradingBalance}`,
      );
    }
    if (this.view.hasPosition(subject.conditionId) || this.view.hasOpenEntry(subject.conditionId)) {
      throw new RiskLimitError(
        'duplicate_position',
        `condition ${subject.conditionId} already has a position or an open entry order (one position per market)`,
      );
    }
    const open = this.view.openPositionCount() + this.view.pendingEntryCount();
    if (open >= this.config.risk.maxPositions) {
      throw new RiskLimitError(
        'max_positions',
        `${open} positions and entries are open; the limit is ${this.config.risk.maxPositions}`,
      );
    }
    if (plan.collateral > this.positionSize) {
      throw new RiskLimitError(
        'position_size',
        `the order costs ${formatMicros(plan.collateral)}, over the position size of ${formatMicros(this.positionSize)}`,
      );
    }
    const free = this.view.freeBalance();
    if (free === null || free - plan.collateral < this.reserve) {
      throw new RiskLimitError(
        'balance_reserve',
        `free balance ${free === null ? 'unknown' : formatMicros(free)} minus ${formatMicros(plan.collateral)} would fall under the reserve of ${formatMicros(this.reserve)}`,
      );
    }
  }

  /** Reduce-only exits: the shares sold must be held and not already offered. Returns what may be sold. */
  checkExit(subject: RiskSubject, plan: OrderPlan): Micros {
    const available = this.view.heldShares(subject.tokenId) - this.view.openSellShares(subject.tokenId);
    if (available <= ZERO) {
      throw new RiskLimitError('no_position', `no unsold shares of token ${subject.tokenId} are held`);
    }
    if (plan.shares > available) {
      throw new RiskLimitError(
        'no_position',
        `selling ${formatMicros(plan.shares)} shares but only ${formatMicros(available)} are held and not already offered`,
      );
    }
    return available;
  }

  /** G5: the live book must be within `filters.maxPriceDeviation` of the price the decision was made on. */
  async verifyPrice(tokenId: string, expectedPrice: string, side: 'BUY' | 'SELL'): Promise<void> {
    let check: { valid: boolean; actualPrice: number | null; reason: string };
    try {
      check = await this.verifier.verifyPrice(tokenId, Number(expectedPrice), this.maxDeviation, { side });
    } catch (error) {
      // Never trade on an unverified price.
      throw new PriceDivergenceError(
        `cannot verify the price of ${tokenId} against the book: ${describeError(error)}`,
        expectedPrice,
        null,
      );
    }
    if (!check.valid) {
      throw new PriceDivergenceError(
        `orderbook mismatch for ${tokenId}: ${check.reason} (expected ${expectedPrice}, book ${check.actualPrice ?? 'n/a'})`,
        expectedPrice,
        check.actualPrice,
      );
    }
  }
}

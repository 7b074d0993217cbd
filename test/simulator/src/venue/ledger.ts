import { toMicro } from '../util/decimal.js';

/** uint256 max: what the venue reports for an unlimited ERC-20 allowance. */
export const MAX_ALLOWANCE = (1n << 256n) - 1n;

interface Account {
  collateral: bigint;
  reservedCollateral: bigint;
  allowance: bigint;
  readonly positions: Map<string, bigint>;
  readonly reservedShares: Map<string, bigint>;
  conditionalApproved: boolean;
}

/**
 * Collateral and conditional-token balances per address (lower-cased), plus the amounts held back
 * by open orders. `balance` is what the chain holds; `available` is what a new order may use.
 * Also keeps the venue's aggressive balance cache (G4): with staleness on, reads answer the value
 * cached at the last /balance-allowance/update.
 */
export class Ledger {
  private readonly accounts = new Map<string, Account>();
  private readonly cache = new Map<string, bigint>();
  private readonly funders = new Map<string, string>();
  stale = false;

  constructor(private readonly startingCollateral: bigint) {}

  collateral(address: string): bigint {
    return this.account(address).collateral;
  }

  setCollateral(address: string, units: bigint): void {
    if (units < 0n) throw new RangeError('balance cannot be negative');
    this.account(address).collateral = units;
  }

  setCollateralDollars(address: string, dollars: number | string): void {
    this.setCollateral(address, toMicro(dollars));
  }

  availableCollateral(address: string): bigint {
    const a = this.account(address);
    return a.collateral - a.reservedCollateral;
  }

  allowance(address: string): bigint {
    return this.account(address).allowance;
  }

  setAllowance(address: string, units: bigint): void {
    this.account(address).allowance = units;
  }

  conditionalApproved(address: string): boolean {
    return this.account(address).conditionalApproved;
  }

  setConditionalApproved(address: string, approved: boolean): void {
    this.account(address).conditionalApproved = approved;
  }

  shares(address: string, tokenId: string): bigint {
    return this.account(address).positions.get(tokenId) ?? 0n;
  }

  setShares(address: string, tokenId: string, units: bigint): void {
    if (units < 0n) throw new RangeError('position cannot be negative');
    this.account(address).positions.set(tokenId, units);
  }

  availableShares(address: string, tokenId: string): bigint {
    const a = this.account(address);
    return (a.positions.get(tokenId) ?? 0n) - (a.reservedShares.get(tokenId) ?? 0n);
  }

  positions(address: string): Map<string, bigint> {
    return new Map(this.account(address).positions);
  }

  /** Moves collateral (negative = debit). */
  addCollateral(address: string, delta: bigint): void {
    const a = this.account(address);
    a.collateral += delta;
  }

  addShares(address: string, tokenId: string, delta: bigint): void {
    const a = this.account(address);
    a.positions.set(tokenId, (a.positions.get(tokenId) ?? 0n) + delta);
  }

  reserveCollateral(address: string, delta: bigint): void {
    this.account(address).reservedCollateral += delta;
  }

  reserveShares(address: string, tokenId: string, delta: bigint): void {
    const a = this.account(address);
    a.reservedShares.set(tokenId, (a.reservedShares.get(tokenId) ?? 0n) + delta);
  }

  /** The funder (proxy/safe) an EOA trades for, learned from its orders or set by a test. */
  linkFunder(eoa: string, funder: string): void {
    this.funders.set(eoa.toLowerCase(), funder.toLowerCase());
  }

  funderOf(eoa: string): string | undefined {
    return this.funders.get(eoa.toLowerCase());
  }

  /** What /balance-allowance reports: fresh, or the cached value while staleness is on. */
  reportedBalance(cacheKey: string, fresh: () => bigint): bigint {
    const cached = this.cache.get(cacheKey);
    if (this.stale && cached !== undefined) return cached;
    const value = fresh();
    this.cache.set(cacheKey, value);
    return value;
  }

  /** /balance-allowance/update: re-read chain state into the cache. */
  refreshCache(cacheKey: string, fresh: () => bigint): void {
    this.cache.set(cacheKey, fresh());
  }

  private account(address: string): Account {
    const key = address.toLowerCase();
    let a = this.accounts.get(key);
    if (!a) {
      a = {
        collateral: this.startingCollateral,
        reservedCollateral: 0n,
        allowance: MAX_ALLOWANCE,
        positions: new Map(),
        reservedShares: new Map(),
        conditionalApproved: true,
      };
      this.accounts.set(key, a);
    }
    return a;
  }
}

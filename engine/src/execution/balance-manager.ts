/**
 * The collateral picture: the balance last read from the venue and what open BUY orders still
 * need. The balance is re-read with the venue's cache refresh (G4) at startup and after every
 * fill, and each reading is stored as a snapshot. Falling under `risk.minTradingBalance` stops new
 * entries and raises one alert; recovering lifts the stop.
 */
import type { EngineConfig } from '../config/types.js';
import type { Logger } from '../monitoring/logger.js';
import type { BalanceRepositoryApi } from '../storage/index.js';
import type { Exchange } from './exchange.js';
import type { ExecutionMetrics } from './execution-metrics.js';
import { ZERO, formatMicros, microsToNumber, toMicros, type Micros } from './fixed.js';
import type { AlertSink } from './ports.js';

export class BalanceManager {
  private balance: Micros | null = null;
  private readonly reservations = new Map<string, Micros>();
  private halted = false;
  private readonly floor: Micros;

  constructor(
    private readonly exchange: Exchange,
    private readonly snapshots: BalanceRepositoryApi,
    config: EngineConfig,
    private readonly alerts: AlertSink,
    private readonly metrics: ExecutionMetrics,
    private readonly log: Logger,
  ) {
    this.floor = toMicros(config.risk.minTradingBalance, 'up');
  }

  /** Last balance read from the venue; null before the first read. */
  get current(): Micros | null {
    return this.balance;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  /** Balance minus what open BUY orders still reserve; null before the first read. */
  get free(): Micros | null {
    return this.balance === null ? null : this.balance - this.reserved;
  }

  get reserved(): Micros {
    let total = ZERO;
    for (const amount of this.reservations.values()) total += amount;
    return total;
  }

  reservationOf(clientOrderId: string): Micros {
    return this.reservations.get(clientOrderId) ?? ZERO;
  }

  /** Sets what an order still reserves (its unfilled part); zero or less drops it. */
  setReservation(clientOrderId: string, amount: Micros): void {
    if (amount > ZERO) this.reservations.set(clientOrderId, amount);
    else this.reservations.delete(clientOrderId);
    this.metrics.reserved.set(microsToNumber(this.reserved));
  }

  dropReservation(clientOrderId: string): void {
    this.setReservation(clientOrderId, ZERO);
  }

  /**
   * Reads the balance from the venue, asking it to refresh its cache first (G4), records a
   * snapshot, and applies the trading floor.
   */
  async refresh(reason: string): Promise<Micros> {
    const text = await this.exchange.getBalance({ refresh: true });
    const balance = toMicros(text, 'down');
    this.balance = balance;
    await this.snapshots.snapshot(formatMicros(balance), this.exchange.kind);
    this.metrics.balance.set(microsToNumber(balance));
    this.log.debug('balance refreshed', {
      reason,
      balance: formatMicros(balance),
      reserved: formatMicros(this.reserved),
    });
    this.applyFloor(balance);
    return balance;
  }

  private applyFloor(balance: Micros): void {
    if (balance < this.floor && !this.halted) {
      this.halted = true;
      this.metrics.tradingHalted.set(1);
      const detail = `balance ${formatMicros(balance)} is under the trading floor of ${formatMicros(this.floor)}; no new entries until it recovers`;
      this.log.error('trading stopped: balance under the floor', { balance: formatMicros(balance) });
      this.alerts.alert({ severity: 'critical', title: 'Trading stopped: balance too low', detail });
    } else if (balance >= this.floor && this.halted) {
      this.halted = false;
      this.metrics.tradingHalted.set(0);
      this.log.warn('trading resumed: balance back over the floor', { balance: formatMicros(balance) });
      this.alerts.alert({
        severity: 'info',
        title: 'Trading resumed',
        detail: `balance ${formatMicros(balance)} is back over ${formatMicros(this.floor)}`,
      });
    }
  }
}

import type { EngineConfig } from '../config/types.js';
import { toMicros, type Micros } from './fixed.js';

export type ExitReason = 'profit_target' | 'stop_loss';

const DAY_MS = 86_400_000;

/**
 * The seed's exit rule: once a position has been held MIN_HOLD_DAYS (counted from its first BUY,
 * G10), sell when the best bid reaches PROFIT_TARGET or falls to STOP_LOSS. Before that, nothing.
 */
export function exitReason(
  bestBid: Micros | null,
  heldSince: number,
  now: number,
  exits: EngineConfig['exits'],
): ExitReason | null {
  if (bestBid === null) return null;
  if (now - heldSince < exits.minHoldDays * DAY_MS) return null;
  if (bestBid >= toMicros(exits.profitTarget, 'up')) return 'profit_target';
  if (bestBid <= toMicros(exits.stopLoss, 'down')) return 'stop_loss';
  return null;
}

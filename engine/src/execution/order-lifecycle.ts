/**
 * Where an order stands, derived from two facts: the fills we have recorded and what the venue
 * says. Recorded fills decide how much is filled (they are what positions are built from); the
 * venue decides whether the order can still fill. While the venue reports more matched than we
 * have recorded, the order stays open — it is never closed on a fill we have not seen.
 */
import type { OrderState } from '../storage/index.js';
import type { PlacementStatus, VenueOrderStatus } from './exchange.js';
import { ZERO, type Micros } from './fixed.js';
import { isMarketOrder, type OrderType } from './order-math.js';

export const TERMINAL_STATES: ReadonlySet<OrderState> = new Set([
  'filled',
  'cancelled',
  'rejected',
  'expired',
]);

export function isTerminalState(state: OrderState): boolean {
  return TERMINAL_STATES.has(state);
}

export interface OrderProgress {
  readonly orderType: OrderType;
  /** Shares the order is for. */
  readonly size: Micros;
  /** Shares filled according to our recorded fills. */
  readonly filled: Micros;
  /** What the venue reports matched, when it says. */
  readonly venueMatched: Micros | null;
  readonly venueStatus: VenueOrderStatus | PlacementStatus;
  /** A GTD order past its expiration. */
  readonly expired?: boolean;
}

export function deriveState(progress: OrderProgress): OrderState {
  const { filled, size, venueMatched, venueStatus } = progress;
  if (filled >= size) return 'filled';
  const missingFills = venueMatched !== null && filled < venueMatched;
  const restingState: OrderState =
    filled > ZERO ? 'partially_filled' : venueStatus === 'delayed' ? 'delayed' : 'live';
  if (missingFills) return restingState;
  switch (venueStatus) {
    case 'live':
    case 'unmatched':
    case 'delayed':
      return restingState;
    case 'matched':
      // A GTC/GTD reported matched but short of its size still rests for the remainder; a FOK/FAK
      // remainder is killed by the venue.
      return isMarketOrder(progress.orderType) ? 'cancelled' : restingState;
    case 'cancelled':
      return progress.expired ? 'expired' : 'cancelled';
    case 'invalid':
      return filled > ZERO ? 'cancelled' : 'rejected';
  }
}

/**
 * Storage refuses backward moves (e.g. live → rejected); map a derived state onto one the
 * current state may reach, keeping the meaning (nothing more can fill).
 */
export function reachableState(current: OrderState, derived: OrderState): OrderState {
  if (current === derived) return derived;
  if (
    derived === 'rejected' &&
    current !== 'pending' &&
    current !== 'submitting' &&
    current !== 'unknown' &&
    current !== 'delayed'
  )
    return 'cancelled';
  if (derived === 'live' && current === 'partially_filled') return current;
  if (derived === 'delayed' && (current === 'live' || current === 'partially_filled')) return current;
  return derived;
}

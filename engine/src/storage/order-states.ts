import type { OrderState } from './types.js';

/**
 * The order state machine. An order only moves forward: an intent is persisted (`pending`), marked
 * `submitting` before it is sent, and then follows what the venue says. Terminal states never move
 * again. Staying in a state is always allowed (re-applying the same venue answer is a no-op move),
 * so late or duplicated venue messages update fields without breaking the guard.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderState, readonly OrderState[]>> = {
  pending: ['submitting', 'rejected', 'cancelled'],
  submitting: [
    'live',
    'delayed',
    'partially_filled',
    'filled',
    'rejected',
    'cancelled',
    'expired',
    'unknown',
  ],
  live: ['partially_filled', 'filled', 'cancelled', 'expired', 'unknown'],
  delayed: ['live', 'partially_filled', 'filled', 'rejected', 'cancelled', 'expired', 'unknown'],
  partially_filled: ['filled', 'cancelled', 'expired', 'unknown'],
  unknown: ['live', 'delayed', 'partially_filled', 'filled', 'rejected', 'cancelled', 'expired'],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

export const ORDER_STATES = Object.keys(ORDER_TRANSITIONS) as OrderState[];
export const TERMINAL_ORDER_STATES: readonly OrderState[] = ['filled', 'cancelled', 'rejected', 'expired'];
/** May rest on the venue. */
export const OPEN_ORDER_STATES: readonly OrderState[] = ['live', 'delayed', 'partially_filled'];
/** Outcome at the venue not known: reconcile these on restart. */
export const UNRESOLVED_ORDER_STATES: readonly OrderState[] = ['pending', 'submitting', 'unknown'];

export function canTransition(from: OrderState, to: OrderState): boolean {
  return from === to || ORDER_TRANSITIONS[from].includes(to);
}

/** States from which `to` may be reached (including `to` itself). */
export function statesLeadingTo(to: OrderState): OrderState[] {
  return ORDER_STATES.filter((from) => canTransition(from, to));
}

export function isTerminal(state: OrderState): boolean {
  return TERMINAL_ORDER_STATES.includes(state);
}

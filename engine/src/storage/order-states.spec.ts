import { expect } from 'chai';
import {
  OPEN_ORDER_STATES,
  ORDER_STATES,
  TERMINAL_ORDER_STATES,
  UNRESOLVED_ORDER_STATES,
  canTransition,
  isTerminal,
  statesLeadingTo,
} from './order-states.js';

describe('order state machine', () => {
  it('knows all ten states', () => {
    expect(ORDER_STATES).to.have.members([
      'pending',
      'submitting',
      'live',
      'delayed',
      'partially_filled',
      'filled',
      'cancelled',
      'rejected',
      'expired',
      'unknown',
    ]);
  });

  it('never leaves a terminal state, but may stay in it', () => {
    for (const terminal of TERMINAL_ORDER_STATES) {
      expect(isTerminal(terminal)).to.equal(true);
      for (const to of ORDER_STATES) expect(canTransition(terminal, to)).to.equal(to === terminal);
    }
  });

  it('requires submitting before anything the venue says', () => {
    expect(canTransition('pending', 'submitting')).to.equal(true);
    expect(canTransition('pending', 'live')).to.equal(false);
    expect(canTransition('pending', 'filled')).to.equal(false);
    expect(canTransition('submitting', 'pending')).to.equal(false);
  });

  it('moves forward through fills and lets unknown orders be reconciled', () => {
    expect(canTransition('live', 'partially_filled')).to.equal(true);
    expect(canTransition('partially_filled', 'live')).to.equal(false);
    expect(canTransition('delayed', 'live')).to.equal(true);
    expect(canTransition('unknown', 'filled')).to.equal(true);
    expect(canTransition('unknown', 'pending')).to.equal(false);
  });

  it('lists the sources of a target state', () => {
    expect(statesLeadingTo('submitting')).to.have.members(['pending', 'submitting']);
    expect(statesLeadingTo('pending')).to.deep.equal(['pending']);
  });

  it('partitions open and unresolved states', () => {
    expect(OPEN_ORDER_STATES).to.have.members(['live', 'delayed', 'partially_filled']);
    expect(UNRESOLVED_ORDER_STATES).to.have.members(['pending', 'submitting', 'unknown']);
    for (const s of [...OPEN_ORDER_STATES, ...UNRESOLVED_ORDER_STATES]) expect(isTerminal(s)).to.equal(false);
  });
});

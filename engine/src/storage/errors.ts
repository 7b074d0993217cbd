import { RecoverableError } from '../errors.js';

/** A value handed to storage could not be stored as it is (bad decimal, bad timestamp). */
export class StorageInputError extends RecoverableError {
  constructor(message: string) {
    super('storage_input_invalid', message);
  }
}

/** An order state change the state machine forbids, or an order that does not exist. */
export class OrderStateError extends RecoverableError {
  constructor(
    message: string,
    readonly clientOrderId: string,
    readonly from: string | null,
    readonly to: string,
  ) {
    super('order_state_invalid', message);
  }
}

/** A fill that cannot apply to the position book (sell more than held, other token of the condition). */
export class PositionError extends RecoverableError {
  constructor(message: string) {
    super('position_invalid', message);
  }
}

import { inject, injectable } from 'tsyringe';
import { Tokens } from '../../di/tokens.js';
import { OrderStateError } from '../errors.js';
import { OPEN_ORDER_STATES, UNRESOLVED_ORDER_STATES, statesLeadingTo } from '../order-states.js';
import { toDecimal, toDecimalOrNull, toJson, toTimestamp, toTimestampOrNull } from '../values.js';
import type {
  Database,
  OrderIntentInput,
  OrderRepositoryApi,
  OrderRow,
  OrderState,
  OrderUpdate,
  Queryable,
  SubmissionDetails,
  VenueResponseUpdate,
} from '../types.js';
import { format, runner } from './sql.js';

export const ORDER_COLUMNS = `id, client_order_id AS "clientOrderId", venue_order_id AS "venueOrderId",
  token_id AS "tokenId", condition_id AS "conditionId", strategy, side, order_type AS "orderType", price, size,
  notional, filled_size AS "filledSize", average_fill_price AS "averageFillPrice", state, dry_run AS "dryRun",
  salt, order_hash AS "orderHash", signed_payload AS "signedPayload", venue_response AS "venueResponse", error,
  created_at AS "createdAt", updated_at AS "updatedAt", submitted_at AS "submittedAt", expires_at AS "expiresAt"`;

/**
 * Orders from intent to outcome. The intent is stored before anything reaches the venue, every
 * change goes through the state machine (checked inside the UPDATE, so two writers cannot both
 * move an order from the same state), and the venue's raw answer is kept.
 */
@injectable()
export class OrderRepository implements OrderRepositoryApi {
  constructor(@inject(Tokens.Database) private readonly database: Database) {}

  async createIntent(intent: OrderIntentInput, tx?: Queryable): Promise<OrderRow> {
    const q = runner(this.database, tx);
    const created = await q.oneOrNone<OrderRow>(
      `INSERT INTO orders (client_order_id, token_id, condition_id, strategy, side, order_type, price, size,
         notional, expires_at, salt, order_hash, signed_payload, dry_run, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8::numeric, $9::numeric, $10, $11, $12, $13::jsonb, $14, $15, $15)
       ON CONFLICT (client_order_id) DO NOTHING RETURNING ${ORDER_COLUMNS}`,
      [
        intent.clientOrderId,
        intent.tokenId,
        intent.conditionId,
        intent.strategy,
        intent.side,
        intent.orderType,
        toDecimal(intent.price, 'order price'),
        toDecimal(intent.size, 'order size'),
        toDecimalOrNull(intent.notional, 'order notional'),
        toTimestampOrNull(intent.expiresAt, 'order expiresAt'),
        intent.salt ?? null,
        intent.orderHash ?? null,
        toJson(intent.signedPayload),
        intent.dryRun ?? false,
        intent.createdAt === undefined ? new Date() : toTimestamp(intent.createdAt, 'order createdAt'),
      ],
    );
    if (created) return created;
    // Retried after a crash: the stored intent is the truth, provided it is the same order.
    const existing = (await this.findByClientOrderId(intent.clientOrderId, q)) as OrderRow;
    if (existing.tokenId !== intent.tokenId || existing.side !== intent.side)
      throw new OrderStateError(
        `client order id ${intent.clientOrderId} is already used by another order (${existing.side} ${existing.tokenId})`,
        intent.clientOrderId,
        existing.state,
        'pending',
      );
    return existing;
  }

  markSubmitting(clientOrderId: string, details: SubmissionDetails = {}, tx?: Queryable): Promise<OrderRow> {
    return this.transition(clientOrderId, 'submitting', details, tx);
  }

  applyVenueResponse(clientOrderId: string, update: VenueResponseUpdate, tx?: Queryable): Promise<OrderRow> {
    const { state, ...fields } = update;
    return this.transition(clientOrderId, state, fields, tx);
  }

  async transition(
    clientOrderId: string,
    to: OrderState,
    update: OrderUpdate = {},
    tx?: Queryable,
  ): Promise<OrderRow> {
    const q = runner(this.database, tx);
    const at = update.at === undefined ? new Date() : toTimestamp(update.at, 'order update time');
    const sets = [format('state = $1', [to]), format('updated_at = $1', [at])];
    if (to === 'submitting') sets.push(format('submitted_at = COALESCE(submitted_at, $1)', [at]));
    if (update.venueOrderId !== undefined) sets.push(format('venue_order_id = $1', [update.venueOrderId]));
    if (update.filledSize !== undefined)
      sets.push(format('filled_size = $1::numeric', [toDecimal(update.filledSize, 'order filledSize')]));
    if (update.averageFillPrice !== undefined)
      sets.push(
        format('average_fill_price = $1::numeric', [
          toDecimalOrNull(update.averageFillPrice, 'order averageFillPrice'),
        ]),
      );
    if (update.venueResponse !== undefined)
      sets.push(format('venue_response = $1::jsonb', [toJson(update.venueResponse)]));
    if (update.error !== undefined) sets.push(format('error = $1', [update.error]));
    if (update.salt !== undefined) sets.push(format('salt = $1', [update.salt]));
    if (update.orderHash !== undefined) sets.push(format('order_hash = $1', [update.orderHash]));
    if (update.signedPayload !== undefined)
      sets.push(format('signed_payload = $1::jsonb', [toJson(update.signedPayload)]));
    const row = await q.oneOrNone<OrderRow>(
      `UPDATE orders SET ${sets.join(', ')} WHERE client_order_id = $1 AND state IN ($2:csv)
       RETURNING ${ORDER_COLUMNS}`,
      [clientOrderId, statesLeadingTo(to)],
    );
    if (row) return row;
    const current = await this.findByClientOrderId(clientOrderId, q);
    if (!current) throw new OrderStateError(`order ${clientOrderId} does not exist`, clientOrderId, null, to);
    throw new OrderStateError(
      `order ${clientOrderId} cannot move from ${current.state} to ${to}`,
      clientOrderId,
      current.state,
      to,
    );
  }

  findByClientOrderId(clientOrderId: string, tx?: Queryable): Promise<OrderRow | null> {
    return runner(this.database, tx).oneOrNone<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE client_order_id = $1`,
      [clientOrderId],
    );
  }

  findByVenueOrderId(venueOrderId: string, tx?: Queryable): Promise<OrderRow | null> {
    return runner(this.database, tx).oneOrNone<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE venue_order_id = $1`,
      [venueOrderId],
    );
  }

  listOpen(): Promise<OrderRow[]> {
    return this.listInStates(OPEN_ORDER_STATES);
  }

  listUnresolvedIntents(): Promise<OrderRow[]> {
    return this.listInStates(UNRESOLVED_ORDER_STATES);
  }

  listByCondition(conditionId: string): Promise<OrderRow[]> {
    return this.database.db.manyOrNone<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE condition_id = $1 ORDER BY created_at, id`,
      [conditionId],
    );
  }

  async hasOrdersInMode(dryRun: boolean): Promise<boolean> {
    const row = await this.database.db.one<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM orders WHERE dry_run = $1) AS found`,
      [dryRun],
    );
    return row.found;
  }

  listRecent(query: { state?: OrderState; limit?: number } = {}): Promise<OrderRow[]> {
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), 1000);
    return query.state === undefined
      ? this.database.db.manyOrNone<OrderRow>(
          `SELECT ${ORDER_COLUMNS} FROM orders ORDER BY created_at DESC, id DESC LIMIT $1`,
          [limit],
        )
      : this.database.db.manyOrNone<OrderRow>(
          `SELECT ${ORDER_COLUMNS} FROM orders WHERE state = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
          [query.state, limit],
        );
  }

  private listInStates(states: readonly OrderState[]): Promise<OrderRow[]> {
    return this.database.db.manyOrNone<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE state IN ($1:csv) ORDER BY created_at, id`,
      [states],
    );
  }
}

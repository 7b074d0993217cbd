import { inject, injectable } from 'tsyringe';
import { Tokens } from '../../di/tokens.js';
import { toDecimal, toJson, toTimestamp } from '../values.js';
import type { Database, Decimal, FillInput, FillRepositoryApi, FillRow, Queryable } from '../types.js';
import { runner } from './sql.js';

const FILL_COLUMNS = `id, trade_id AS "tradeId", client_order_id AS "clientOrderId", token_id AS "tokenId",
  condition_id AS "conditionId", side, price, size, fee, filled_at AS "filledAt", status, raw,
  created_at AS "createdAt"`;

/** Fills of our orders, idempotent by (venue trade id, order): importing the same trades twice is a no-op. */
@injectable()
export class FillRepository implements FillRepositoryApi {
  constructor(@inject(Tokens.Database) private readonly database: Database) {}

  insert(fill: FillInput, tx?: Queryable): Promise<FillRow | null> {
    return runner(this.database, tx).oneOrNone<FillRow>(
      `INSERT INTO fills (trade_id, client_order_id, token_id, condition_id, side, price, size, fee, filled_at,
         status, raw)
       VALUES ($1, $2, $3, $4, $5, $6::numeric, $7::numeric, $8::numeric, $9, $10, $11::jsonb)
       ON CONFLICT (trade_id, client_order_id) DO NOTHING RETURNING ${FILL_COLUMNS}`,
      [
        fill.tradeId,
        fill.clientOrderId,
        fill.tokenId,
        fill.conditionId,
        fill.side,
        toDecimal(fill.price, 'fill price'),
        toDecimal(fill.size, 'fill size'),
        toDecimal(fill.fee ?? 0, 'fill fee'),
        toTimestamp(fill.filledAt, 'fill filledAt'),
        fill.status ?? null,
        toJson(fill.raw),
      ],
    );
  }

  listByOrder(clientOrderId: string): Promise<FillRow[]> {
    return this.database.db.manyOrNone<FillRow>(
      `SELECT ${FILL_COLUMNS} FROM fills WHERE client_order_id = $1 ORDER BY filled_at, id`,
      [clientOrderId],
    );
  }

  totalsForOrder(
    clientOrderId: string,
    tx?: Queryable,
  ): Promise<{ size: Decimal; averagePrice: Decimal | null }> {
    return runner(this.database, tx).one<{ size: Decimal; averagePrice: Decimal | null }>(
      `SELECT COALESCE(sum(size), 0) AS size,
         CASE WHEN sum(size) > 0 THEN trim_scale(round(sum(price * size) / sum(size), 12)) END AS "averagePrice"
       FROM fills WHERE client_order_id = $1`,
      [clientOrderId],
    );
  }
}

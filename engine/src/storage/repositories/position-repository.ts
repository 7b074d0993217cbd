import { inject, injectable } from 'tsyringe';
import { Tokens } from '../../di/tokens.js';
import { PositionError, StorageInputError } from '../errors.js';
import { toDecimal, toDecimalOrNull, toTimestamp } from '../values.js';
import type {
  Database,
  DecimalInput,
  PositionFillInput,
  PositionRepositoryApi,
  PositionRow,
  Queryable,
  TimestampInput,
} from '../types.js';
import { runner } from './sql.js';

const POSITION_COLUMNS = `id, token_id AS "tokenId", condition_id AS "conditionId", strategy, size,
  average_price AS "averagePrice", cost_basis AS "costBasis", realized_pnl AS "realizedPnl", status,
  opened_at AS "openedAt", closed_at AS "closedAt", updated_at AS "updatedAt"`;

/** Digits kept when a division is involved (average price, pro-rata cost); all else is exact. */
const SCALE = 12;

/**
 * The position book, one open position per market (condition). All arithmetic happens in
 * PostgreSQL NUMERIC: cost basis includes fees, the average price is cost basis / size, a sell
 * realizes (proceeds − fee) − its pro-rata share of the cost basis, and size 0 closes the position.
 */
@injectable()
export class PositionRepository implements PositionRepositoryApi {
  constructor(@inject(Tokens.Database) private readonly database: Database) {}

  async applyFill(fill: PositionFillInput, tx?: Queryable): Promise<PositionRow> {
    const size = toDecimal(fill.size, 'fill size');
    if (!(Number(size) > 0)) throw new StorageInputError(`fill size must be positive, got ${size}`);
    const price = toDecimal(fill.price, 'fill price');
    const fee = toDecimal(fill.fee ?? 0, 'fill fee');
    const at = fill.at === undefined ? new Date() : toTimestamp(fill.at, 'fill time');
    const q = runner(this.database, tx);
    const row =
      fill.side === 'BUY'
        ? await q.oneOrNone<PositionRow>(
            // An upsert, so two fills opening the same market at once still end in one position.
            `INSERT INTO positions (token_id, condition_id, strategy, size, cost_basis, average_price, opened_at, updated_at)
             VALUES ($1, $2, $3, $4::numeric, trim_scale($5::numeric * $4::numeric + $6::numeric),
               trim_scale(round(($5::numeric * $4::numeric + $6::numeric) / $4::numeric, ${SCALE})), $7, $7)
             ON CONFLICT (condition_id) WHERE status = 'open' DO UPDATE SET
               size = positions.size + EXCLUDED.size,
               cost_basis = trim_scale(positions.cost_basis + EXCLUDED.cost_basis),
               average_price = trim_scale(round((positions.cost_basis + EXCLUDED.cost_basis)
                 / (positions.size + EXCLUDED.size), ${SCALE})),
               updated_at = EXCLUDED.updated_at
             WHERE positions.token_id = EXCLUDED.token_id AND positions.strategy = EXCLUDED.strategy
             RETURNING ${POSITION_COLUMNS}`,
            [fill.tokenId, fill.conditionId, fill.strategy, size, price, fee, at],
          )
        : await q.oneOrNone<PositionRow>(
            `UPDATE positions SET
               realized_pnl = trim_scale(realized_pnl + ($1::numeric * $2::numeric - $3::numeric)
                 - round(cost_basis * $2::numeric / size, ${SCALE})),
               cost_basis = CASE WHEN size = $2::numeric THEN 0
                 ELSE trim_scale(cost_basis - round(cost_basis * $2::numeric / size, ${SCALE})) END,
               size = size - $2::numeric,
               status = CASE WHEN size = $2::numeric THEN 'closed' ELSE 'open' END,
               closed_at = CASE WHEN size = $2::numeric THEN $4::timestamptz END,
               updated_at = $4
             WHERE condition_id = $5 AND status = 'open' AND token_id = $6 AND size >= $2::numeric
             RETURNING ${POSITION_COLUMNS}`,
            [price, size, fee, at, fill.conditionId, fill.tokenId],
          );
    if (row) return row;
    throw await this.explainRefusal(fill, size, q);
  }

  private async explainRefusal(fill: PositionFillInput, size: string, q: Queryable): Promise<PositionError> {
    const open = await this.getOpenByCondition(fill.conditionId, q);
    if (!open)
      return new PositionError(
        `${fill.side} fill of ${size} on ${fill.conditionId}: no open position to sell from`,
      );
    if (open.tokenId !== fill.tokenId)
      return new PositionError(
        `${fill.side} fill for token ${fill.tokenId} but market ${fill.conditionId} already has an open position in token ${open.tokenId}`,
      );
    if (open.strategy !== fill.strategy && fill.side === 'BUY')
      return new PositionError(
        `BUY fill for strategy ${fill.strategy} but market ${fill.conditionId} is held by strategy ${open.strategy}`,
      );
    return new PositionError(
      `SELL fill of ${size} exceeds the open position of ${open.size} in ${fill.conditionId}`,
    );
  }

  listOpen(strategy?: string): Promise<PositionRow[]> {
    return this.database.db.manyOrNone<PositionRow>(
      `SELECT ${POSITION_COLUMNS} FROM positions WHERE status = 'open' ${strategy === undefined ? '' : 'AND strategy = $1'}
       ORDER BY opened_at, id`,
      strategy === undefined ? [] : [strategy],
    );
  }

  getOpenByCondition(conditionId: string, tx?: Queryable): Promise<PositionRow | null> {
    return runner(this.database, tx).oneOrNone<PositionRow>(
      `SELECT ${POSITION_COLUMNS} FROM positions WHERE condition_id = $1 AND status = 'open'`,
      [conditionId],
    );
  }

  close(
    conditionId: string,
    options: { exitPrice?: DecimalInput; at?: TimestampInput } = {},
    tx?: Queryable,
  ): Promise<PositionRow | null> {
    const exitPrice = toDecimalOrNull(options.exitPrice, 'exit price');
    const at = options.at === undefined ? new Date() : toTimestamp(options.at, 'close time');
    // Without an exit price the position is closed as it stands (size kept for the record).
    return runner(this.database, tx).oneOrNone<PositionRow>(
      `UPDATE positions SET status = 'closed', closed_at = $2, updated_at = $2,
         realized_pnl = CASE WHEN $3::numeric IS NULL THEN realized_pnl
           ELSE trim_scale(realized_pnl + $3::numeric * size - cost_basis) END,
         size = CASE WHEN $3::numeric IS NULL THEN size ELSE 0 END,
         cost_basis = CASE WHEN $3::numeric IS NULL THEN cost_basis ELSE 0 END
       WHERE condition_id = $1 AND status = 'open' RETURNING ${POSITION_COLUMNS}`,
      [conditionId, at, exitPrice],
    );
  }

  async countOpen(): Promise<number> {
    const row = await this.database.db.one<{ n: number }>(
      `SELECT count(*) AS n FROM positions WHERE status = 'open'`,
    );
    return row.n;
  }
}

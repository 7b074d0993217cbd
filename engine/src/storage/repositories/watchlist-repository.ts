import { inject, injectable } from 'tsyringe';
import { Tokens } from '../../di/tokens.js';
import { toDecimalOrNull, toTimestamp } from '../values.js';
import type {
  Database,
  Queryable,
  TimestampInput,
  WatchInput,
  WatchlistRepositoryApi,
  WatchRow,
  WatchStatus,
} from '../types.js';
import { runner } from './sql.js';

const WATCH_COLUMNS = `id, token_id AS "tokenId", condition_id AS "conditionId", strategy, reason,
  trigger_price AS "triggerPrice", added_at AS "addedAt", expires_at AS "expiresAt", status, updated_at AS "updatedAt"`;

/** Markets a strategy asked to WATCH: re-evaluated on later events until triggered or expired. */
@injectable()
export class WatchlistRepository implements WatchlistRepositoryApi {
  constructor(@inject(Tokens.Database) private readonly database: Database) {}

  add(entry: WatchInput, tx?: Queryable): Promise<WatchRow> {
    const addedAt = entry.addedAt === undefined ? new Date() : toTimestamp(entry.addedAt, 'watch addedAt');
    return runner(this.database, tx).one<WatchRow>(
      `INSERT INTO watchlist (token_id, condition_id, strategy, reason, trigger_price, added_at, expires_at, updated_at)
       VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $6)
       ON CONFLICT (token_id, strategy) WHERE status = 'active' DO UPDATE SET
         condition_id = EXCLUDED.condition_id, reason = EXCLUDED.reason, trigger_price = EXCLUDED.trigger_price,
         expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
       RETURNING ${WATCH_COLUMNS}`,
      [
        entry.tokenId,
        entry.conditionId,
        entry.strategy,
        entry.reason,
        toDecimalOrNull(entry.triggerPrice, 'watch triggerPrice'),
        addedAt,
        toTimestamp(entry.expiresAt, 'watch expiresAt'),
      ],
    );
  }

  listActive(now: TimestampInput = new Date()): Promise<WatchRow[]> {
    return this.database.db.manyOrNone<WatchRow>(
      `SELECT ${WATCH_COLUMNS} FROM watchlist WHERE status = 'active' AND expires_at > $1 ORDER BY added_at, id`,
      [toTimestamp(now, 'now')],
    );
  }

  getActive(tokenId: string, strategy: string, tx?: Queryable): Promise<WatchRow | null> {
    return runner(this.database, tx).oneOrNone<WatchRow>(
      `SELECT ${WATCH_COLUMNS} FROM watchlist WHERE token_id = $1 AND strategy = $2 AND status = 'active'`,
      [tokenId, strategy],
    );
  }

  async setStatus(id: number, status: Exclude<WatchStatus, 'active'>, tx?: Queryable): Promise<boolean> {
    const result = await runner(this.database, tx).result(
      `UPDATE watchlist SET status = $2, updated_at = now() WHERE id = $1 AND status = 'active'`,
      [id, status],
    );
    return result.rowCount > 0;
  }

  async expireDue(now: TimestampInput = new Date(), tx?: Queryable): Promise<number> {
    const result = await runner(this.database, tx).result(
      `UPDATE watchlist SET status = 'expired', updated_at = $1 WHERE status = 'active' AND expires_at <= $1`,
      [toTimestamp(now, 'now')],
    );
    return result.rowCount;
  }
}

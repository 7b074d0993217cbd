import { inject, injectable } from 'tsyringe';
import { Tokens } from '../../di/tokens.js';
import { toDecimal, toTimestamp } from '../values.js';
import type {
  BalanceRepositoryApi,
  BalanceReservationRow,
  BalanceSnapshotRow,
  Database,
  Decimal,
  DecimalInput,
  Queryable,
  TimestampInput,
} from '../types.js';
import { runner } from './sql.js';

const SNAPSHOT_COLUMNS = `id, balance, source, taken_at AS "takenAt"`;
const RESERVATION_COLUMNS = `id, client_order_id AS "clientOrderId", amount, created_at AS "createdAt",
  released_at AS "releasedAt"`;

/**
 * Collateral: balance snapshots (the venue's figure is cached and can be stale, G4, so every
 * refresh is recorded with its source) and per-order reservations, so free balance = latest
 * snapshot − open reservations even before the venue catches up.
 */
@injectable()
export class BalanceRepository implements BalanceRepositoryApi {
  constructor(@inject(Tokens.Database) private readonly database: Database) {}

  snapshot(
    balance: DecimalInput,
    source: string,
    takenAt?: TimestampInput,
    tx?: Queryable,
  ): Promise<BalanceSnapshotRow> {
    return runner(this.database, tx).one<BalanceSnapshotRow>(
      `INSERT INTO balance_snapshots (balance, source, taken_at) VALUES ($1::numeric, $2, $3)
       RETURNING ${SNAPSHOT_COLUMNS}`,
      [
        toDecimal(balance, 'balance'),
        source,
        takenAt === undefined ? new Date() : toTimestamp(takenAt, 'balance takenAt'),
      ],
    );
  }

  latest(tx?: Queryable): Promise<BalanceSnapshotRow | null> {
    return runner(this.database, tx).oneOrNone<BalanceSnapshotRow>(
      `SELECT ${SNAPSHOT_COLUMNS} FROM balance_snapshots ORDER BY taken_at DESC, id DESC LIMIT 1`,
    );
  }

  async reserve(clientOrderId: string, amount: DecimalInput, tx?: Queryable): Promise<boolean> {
    const row = await runner(this.database, tx).oneOrNone<{ id: number }>(
      `INSERT INTO balance_reservations (client_order_id, amount) VALUES ($1, $2::numeric)
       ON CONFLICT (client_order_id) DO NOTHING RETURNING id`,
      [clientOrderId, toDecimal(amount, 'reservation amount')],
    );
    return row !== null;
  }

  async release(clientOrderId: string, at?: TimestampInput, tx?: Queryable): Promise<boolean> {
    const result = await runner(this.database, tx).result(
      `UPDATE balance_reservations SET released_at = $2 WHERE client_order_id = $1 AND released_at IS NULL`,
      [clientOrderId, at === undefined ? new Date() : toTimestamp(at, 'release time')],
    );
    return result.rowCount > 0;
  }

  async totalReserved(tx?: Queryable): Promise<Decimal> {
    const row = await runner(this.database, tx).one<{ total: Decimal }>(
      `SELECT COALESCE(sum(amount), 0) AS total FROM balance_reservations WHERE released_at IS NULL`,
    );
    return row.total;
  }

  listOpenReservations(): Promise<BalanceReservationRow[]> {
    return this.database.db.manyOrNone<BalanceReservationRow>(
      `SELECT ${RESERVATION_COLUMNS} FROM balance_reservations WHERE released_at IS NULL ORDER BY created_at, id`,
    );
  }
}

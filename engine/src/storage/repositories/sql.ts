import type pgPromise from 'pg-promise';
import { pgp } from '../pg.js';
import type { Database, Queryable } from '../types.js';

/** Rows per INSERT statement: large enough to amortise the round trip, small enough to stay a few MB. */
export const INSERT_BATCH_ROWS = 2_000;

/** The task/transaction the caller is in, or the pool. */
export function runner(database: Database, tx: Queryable | undefined): Queryable {
  return tx ?? database.db;
}

/** Column set for multi-row inserts. */
export function columnSet(table: string, columns: readonly (string | pgPromise.IColumnConfig<object>)[]) {
  return new pgp.helpers.ColumnSet(columns as (string | pgPromise.IColumnConfig<object>)[], { table });
}

/** Multi-row INSERTs in batches of INSERT_BATCH_ROWS; `suffix` is appended to each (ON CONFLICT ...). */
export async function insertMany(
  q: Queryable,
  columns: pgPromise.ColumnSet<object>,
  rows: readonly object[],
  suffix = '',
): Promise<number> {
  let written = 0;
  for (let start = 0; start < rows.length; start += INSERT_BATCH_ROWS) {
    const batch = rows.slice(start, start + INSERT_BATCH_ROWS);
    const result = await q.result(`${pgp.helpers.insert(batch, columns)} ${suffix}`);
    written += result.rowCount;
  }
  return written;
}

/** Builds `WHERE a AND b` from optional conditions; empty when none applies. */
export function where(conditions: readonly (string | null | undefined | false)[]): string {
  const parts = conditions.filter((c): c is string => typeof c === 'string' && c.length > 0);
  return parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`;
}

export const format = pgp.as.format;

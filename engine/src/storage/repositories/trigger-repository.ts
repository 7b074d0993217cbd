import { inject, injectable } from 'tsyringe';
import { Tokens } from '../../di/tokens.js';
import { toDecimal, toTimestamp } from '../values.js';
import type {
  Database,
  DecimalInput,
  Queryable,
  TriggerInput,
  TriggerRepositoryApi,
  TriggerRow,
} from '../types.js';
import { runner } from './sql.js';

const TRIGGER_COLUMNS = `id, token_id AS "tokenId", condition_id AS "conditionId", threshold, strategy,
  created_at AS "createdAt"`;

/**
 * First-trigger-only bookkeeping (G2). Several token ids share one condition, so "has this
 * triggered?" asks about the token AND its whole condition; the table's unique constraints
 * (condition, threshold) and (token, threshold) make the same rule hold between racing engines.
 */
@injectable()
export class TriggerRepository implements TriggerRepositoryApi {
  constructor(@inject(Tokens.Database) private readonly database: Database) {}

  async shouldTrigger(
    tokenId: string,
    conditionId: string,
    threshold: DecimalInput,
    tx?: Queryable,
  ): Promise<boolean> {
    const row = await runner(this.database, tx).one<{ free: boolean }>(
      `SELECT NOT EXISTS (
         SELECT 1 FROM triggers WHERE threshold = $3::numeric AND (token_id = $1 OR condition_id = $2)
       ) AS free`,
      [tokenId, conditionId, toDecimal(threshold, 'trigger threshold')],
    );
    return row.free;
  }

  async recordTrigger(trigger: TriggerInput, tx?: Queryable): Promise<boolean> {
    // ON CONFLICT DO NOTHING covers both unique constraints: a concurrent winner's row makes ours a
    // no-op (the loser waits for the winner's commit, then inserts nothing).
    const row = await runner(this.database, tx).oneOrNone<{ id: number }>(
      `INSERT INTO triggers (token_id, condition_id, threshold, strategy, created_at)
       VALUES ($1, $2, $3::numeric, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
      [
        trigger.tokenId,
        trigger.conditionId,
        toDecimal(trigger.threshold, 'trigger threshold'),
        trigger.strategy,
        trigger.createdAt === undefined ? new Date() : toTimestamp(trigger.createdAt, 'trigger createdAt'),
      ],
    );
    return row !== null;
  }

  async releaseTrigger(trigger: Omit<TriggerInput, 'createdAt'>, tx?: Queryable): Promise<boolean> {
    const result = await runner(this.database, tx).result(
      `DELETE FROM triggers WHERE token_id = $1 AND condition_id = $2 AND threshold = $3::numeric AND strategy = $4`,
      [
        trigger.tokenId,
        trigger.conditionId,
        toDecimal(trigger.threshold, 'trigger threshold'),
        trigger.strategy,
      ],
    );
    return result.rowCount > 0;
  }

  async listTriggered(threshold: DecimalInput): Promise<{ tokenIds: string[]; conditionIds: string[] }> {
    const rows = await this.database.db.manyOrNone<{ tokenId: string; conditionId: string }>(
      `SELECT token_id AS "tokenId", condition_id AS "conditionId" FROM triggers WHERE threshold = $1::numeric`,
      [toDecimal(threshold, 'trigger threshold')],
    );
    return { tokenIds: rows.map((r) => r.tokenId), conditionIds: rows.map((r) => r.conditionId) };
  }

  listByCondition(conditionId: string): Promise<TriggerRow[]> {
    return this.database.db.manyOrNone<TriggerRow>(
      `SELECT ${TRIGGER_COLUMNS} FROM triggers WHERE condition_id = $1 ORDER BY created_at, id`,
      [conditionId],
    );
  }
}

import { inject, injectable } from 'tsyringe';
import { Tokens } from '../../di/tokens.js';
import { clampLimit, toDecimalOrNull, toJson, toTimestamp } from '../values.js';
import type {
  Database,
  DecisionInput,
  DecisionQuery,
  DecisionRepositoryApi,
  DecisionRow,
  Queryable,
} from '../types.js';
import { columnSet, format, insertMany, runner, where } from './sql.js';

const DECISION_COLUMNS = `id, strategy, token_id AS "tokenId", condition_id AS "conditionId", action, reason, price,
  size, notional, trigger_data AS "triggerData", created_at AS "createdAt"`;

const decisionInsert = columnSet('strategy_decisions', [
  'strategy',
  'token_id',
  'condition_id',
  'action',
  'reason',
  { name: 'price', cast: 'numeric' },
  { name: 'size', cast: 'numeric' },
  { name: 'notional', cast: 'numeric' },
  { name: 'trigger_data', cast: 'jsonb' },
  { name: 'created_at', cast: 'timestamptz' },
]);

function decisionRow(d: DecisionInput, now: Date): object {
  return {
    strategy: d.strategy,
    token_id: d.tokenId,
    condition_id: d.conditionId,
    action: d.action,
    reason: d.reason,
    price: toDecimalOrNull(d.price, 'decision price'),
    size: toDecimalOrNull(d.size, 'decision size'),
    notional: toDecimalOrNull(d.notional, 'decision notional'),
    trigger_data: toJson(d.triggerData),
    created_at: d.createdAt === undefined ? now : toTimestamp(d.createdAt, 'decision createdAt'),
  };
}

/** Every strategy decision with its reason (the audit log of why the bot did or did not trade). */
@injectable()
export class DecisionRepository implements DecisionRepositoryApi {
  constructor(@inject(Tokens.Database) private readonly database: Database) {}

  record(decision: DecisionInput, tx?: Queryable): Promise<DecisionRow> {
    const { pgp } = this.database;
    return runner(this.database, tx).one<DecisionRow>(
      `${pgp.helpers.insert(decisionRow(decision, new Date()), decisionInsert)} RETURNING ${DECISION_COLUMNS}`,
    );
  }

  recordMany(decisions: readonly DecisionInput[], tx?: Queryable): Promise<number> {
    const now = new Date();
    return insertMany(
      runner(this.database, tx),
      decisionInsert,
      decisions.map((d) => decisionRow(d, now)),
    );
  }

  list(query: DecisionQuery = {}): Promise<DecisionRow[]> {
    const clause = where([
      query.strategy !== undefined && format('strategy = $1', [query.strategy]),
      query.conditionId !== undefined && format('condition_id = $1', [query.conditionId]),
      query.action !== undefined && format('action = $1', [query.action]),
      query.since !== undefined && format('created_at >= $1', [toTimestamp(query.since, 'since')]),
    ]);
    return this.database.db.manyOrNone<DecisionRow>(
      `SELECT ${DECISION_COLUMNS} FROM strategy_decisions ${clause}
       ORDER BY created_at DESC, id DESC LIMIT ${clampLimit(query.limit)}`,
    );
  }
}

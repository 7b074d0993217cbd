import { inject, injectable } from 'tsyringe';
import { Tokens } from '../../di/tokens.js';
import { toDecimal, toDecimalOrNull, toJson, toTimestamp } from '../values.js';
import type {
  ApprovalInput,
  ApprovalRepositoryApi,
  ApprovalRow,
  Database,
  Queryable,
  TimestampInput,
  TradeApprovalRow,
} from '../types.js';
import { runner } from './sql.js';

const ALERT_COLUMNS = `id, token_id AS "tokenId", condition_id AS "conditionId", strategy, side, price, size,
  notional, reason, status, payload, created_at AS "createdAt", expires_at AS "expiresAt",
  decided_at AS "decidedAt", decided_by AS "decidedBy", failure`;

const TRADE_APPROVAL_COLUMNS = `id, alert_id AS "alertId", approved_by AS "approvedBy", approved_at AS "approvedAt",
  client_order_id AS "clientOrderId"`;

/**
 * Human approval of trades (REQUIRE_APPROVAL): an alert waits as `pending` until someone approves
 * or rejects it, or it expires. Every status change is a guarded UPDATE, so the first decision
 * wins and an expired alert can never be approved.
 */
@injectable()
export class ApprovalRepository implements ApprovalRepositoryApi {
  constructor(@inject(Tokens.Database) private readonly database: Database) {}

  create(input: ApprovalInput, tx?: Queryable): Promise<ApprovalRow> {
    return runner(this.database, tx).one<ApprovalRow>(
      `INSERT INTO approval_alerts (token_id, condition_id, strategy, side, price, size, notional, reason, payload,
         created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5::numeric, $6::numeric, $7::numeric, $8, $9::jsonb, $10, $11)
       RETURNING ${ALERT_COLUMNS}`,
      [
        input.tokenId,
        input.conditionId,
        input.strategy,
        input.side,
        toDecimal(input.price, 'approval price'),
        toDecimalOrNull(input.size, 'approval size'),
        toDecimalOrNull(input.notional, 'approval notional'),
        input.reason,
        toJson(input.payload),
        input.createdAt === undefined ? new Date() : toTimestamp(input.createdAt, 'approval createdAt'),
        toTimestamp(input.expiresAt, 'approval expiresAt'),
      ],
    );
  }

  get(id: number, tx?: Queryable): Promise<ApprovalRow | null> {
    return runner(this.database, tx).oneOrNone<ApprovalRow>(
      `SELECT ${ALERT_COLUMNS} FROM approval_alerts WHERE id = $1`,
      [id],
    );
  }

  decide(
    id: number,
    decision: 'approved' | 'rejected',
    decidedBy: string,
    at: TimestampInput = new Date(),
    tx?: Queryable,
  ): Promise<ApprovalRow | null> {
    const when = toTimestamp(at, 'decision time');
    return runner(this.database, tx).txIf(async (t) => {
      const row = await t.oneOrNone<ApprovalRow>(
        `UPDATE approval_alerts SET status = $2, decided_at = $3, decided_by = $4
         WHERE id = $1 AND status = 'pending' AND expires_at > $3 RETURNING ${ALERT_COLUMNS}`,
        [id, decision, when, decidedBy],
      );
      if (row && decision === 'approved')
        await t.none(`INSERT INTO trade_approvals (alert_id, approved_by, approved_at) VALUES ($1, $2, $3)`, [
          id,
          decidedBy,
          when,
        ]);
      return row;
    });
  }

  markExecuted(id: number, clientOrderId: string, tx?: Queryable): Promise<boolean> {
    return runner(this.database, tx).txIf(async (t) => {
      const result = await t.result(
        `UPDATE approval_alerts SET status = 'executed' WHERE id = $1 AND status = 'approved'`,
        [id],
      );
      if (result.rowCount === 0) return false;
      await t.none(`UPDATE trade_approvals SET client_order_id = $2 WHERE alert_id = $1`, [
        id,
        clientOrderId,
      ]);
      return true;
    });
  }

  markFailed(id: number, failure: string, tx?: Queryable): Promise<boolean> {
    return runner(this.database, tx)
      .result(
        `UPDATE approval_alerts SET status = 'failed', failure = $2 WHERE id = $1 AND status = 'approved'`,
        [id, failure],
      )
      .then((result) => result.rowCount > 0);
  }

  expireDue(now: TimestampInput = new Date(), tx?: Queryable): Promise<ApprovalRow[]> {
    return runner(this.database, tx).manyOrNone<ApprovalRow>(
      `UPDATE approval_alerts SET status = 'expired', decided_at = $1
       WHERE status = 'pending' AND expires_at <= $1 RETURNING ${ALERT_COLUMNS}`,
      [toTimestamp(now, 'now')],
    );
  }

  listPending(now: TimestampInput = new Date()): Promise<ApprovalRow[]> {
    return this.database.db.manyOrNone<ApprovalRow>(
      `SELECT ${ALERT_COLUMNS} FROM approval_alerts WHERE status = 'pending' AND expires_at > $1
       ORDER BY created_at, id`,
      [toTimestamp(now, 'now')],
    );
  }

  getTradeApproval(alertId: number): Promise<TradeApprovalRow | null> {
    return this.database.db.oneOrNone<TradeApprovalRow>(
      `SELECT ${TRADE_APPROVAL_COLUMNS} FROM trade_approvals WHERE alert_id = $1`,
      [alertId],
    );
  }
}

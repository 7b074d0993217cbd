import { inject, injectable } from 'tsyringe';
import { Tokens } from '../../di/tokens.js';
import { toDecimal, toTimestampOrNull } from '../values.js';
import type {
  Database,
  MarketInput,
  MarketRepositoryApi,
  MarketRow,
  MarketWithTokens,
  Queryable,
  TokenRow,
  TokenWithMarket,
} from '../types.js';
import { columnSet, insertMany, runner } from './sql.js';

export function marketColumns(alias = 'markets'): string {
  const a = alias;
  return `${a}.condition_id AS "conditionId", ${a}.question, ${a}.category, ${a}.tags, ${a}.end_date AS "endDate",
    ${a}.neg_risk AS "negRisk", ${a}.tick_size AS "tickSize", ${a}.min_order_size AS "minOrderSize", ${a}.active,
    ${a}.closed, ${a}.gamma_id AS "gammaId", ${a}.slug, ${a}.updated_at AS "updatedAt"`;
}

const TOKEN_COLUMNS = `token_id AS "tokenId", condition_id AS "conditionId", outcome, outcome_index AS "outcomeIndex"`;

const marketInsert = columnSet('markets', [
  'condition_id',
  'question',
  'category',
  { name: 'tags', cast: 'text[]' },
  { name: 'end_date', cast: 'timestamptz' },
  'neg_risk',
  { name: 'tick_size', cast: 'numeric' },
  { name: 'min_order_size', cast: 'numeric' },
  'active',
  'closed',
  'gamma_id',
  'slug',
]);

const MARKET_UPDATABLE = [
  'question',
  'category',
  'tags',
  'end_date',
  'neg_risk',
  'tick_size',
  'min_order_size',
  'active',
  'closed',
  'gamma_id',
  'slug',
];

// A periodic refresh rewrites only markets that changed (no dead tuples for 10k unchanged rows).
const MARKET_UPSERT = `ON CONFLICT (condition_id) DO UPDATE SET
  ${MARKET_UPDATABLE.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
  WHERE (${MARKET_UPDATABLE.map((c) => `markets.${c}`).join(', ')})
    IS DISTINCT FROM (${MARKET_UPDATABLE.map((c) => `EXCLUDED.${c}`).join(', ')})`;

const tokenInsert = columnSet('tokens', ['token_id', 'condition_id', 'outcome', 'outcome_index']);

const TOKEN_UPSERT = `ON CONFLICT (token_id) DO UPDATE SET
  condition_id = EXCLUDED.condition_id, outcome = EXCLUDED.outcome, outcome_index = EXCLUDED.outcome_index
  WHERE (tokens.condition_id, tokens.outcome, tokens.outcome_index)
    IS DISTINCT FROM (EXCLUDED.condition_id, EXCLUDED.outcome, EXCLUDED.outcome_index)`;

/** The market catalogue: markets and the token → condition map (G2). */
@injectable()
export class MarketRepository implements MarketRepositoryApi {
  constructor(@inject(Tokens.Database) private readonly database: Database) {}

  async upsertMany(markets: readonly MarketInput[], tx?: Queryable): Promise<number> {
    if (markets.length === 0) return 0;
    // ON CONFLICT cannot touch one row twice in a statement: the last copy of a market wins.
    const byCondition = new Map<string, MarketInput>();
    for (const market of markets) byCondition.set(market.conditionId, market);
    const marketRows = [...byCondition.values()].map((m) => ({
      condition_id: m.conditionId,
      question: m.question,
      category: m.category ?? null,
      tags: [...(m.tags ?? [])],
      end_date: toTimestampOrNull(m.endDate, `market ${m.conditionId} endDate`),
      neg_risk: m.negRisk ?? false,
      tick_size: toDecimal(m.tickSize, `market ${m.conditionId} tickSize`),
      min_order_size: toDecimal(m.minOrderSize, `market ${m.conditionId} minOrderSize`),
      active: m.active ?? true,
      closed: m.closed ?? false,
      gamma_id: m.gammaId ?? null,
      slug: m.slug ?? null,
    }));
    const tokenRows = new Map<string, object>();
    for (const m of byCondition.values())
      for (const t of m.tokens)
        tokenRows.set(t.tokenId, {
          token_id: t.tokenId,
          condition_id: m.conditionId,
          outcome: t.outcome,
          outcome_index: t.outcomeIndex,
        });
    const write = async (q: Queryable): Promise<number> => {
      await insertMany(q, marketInsert, marketRows, MARKET_UPSERT);
      await insertMany(q, tokenInsert, [...tokenRows.values()], TOKEN_UPSERT);
      return marketRows.length;
    };
    return tx ? write(tx) : this.database.db.tx('markets-upsert', write);
  }

  async getByCondition(conditionId: string, tx?: Queryable): Promise<MarketWithTokens | null> {
    const q = runner(this.database, tx);
    const market = await q.oneOrNone<MarketRow>(
      `SELECT ${marketColumns()} FROM markets WHERE condition_id = $1`,
      [conditionId],
    );
    if (!market) return null;
    const tokens = await q.manyOrNone<TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE condition_id = $1 ORDER BY outcome_index, token_id`,
      [conditionId],
    );
    return { ...market, tokens };
  }

  async getToken(tokenId: string, tx?: Queryable): Promise<TokenWithMarket | null> {
    const row = await runner(this.database, tx).oneOrNone<{ token: TokenRow } & MarketRow>(
      `SELECT json_build_object('tokenId', t.token_id, 'conditionId', t.condition_id, 'outcome', t.outcome,
         'outcomeIndex', t.outcome_index) AS token, ${marketColumns('m')}
       FROM tokens t JOIN markets m ON m.condition_id = t.condition_id WHERE t.token_id = $1`,
      [tokenId],
    );
    if (!row) return null;
    const { token, ...market } = row;
    return { token, market };
  }

  async listActiveTokenIds(): Promise<string[]> {
    const rows = await this.database.db.manyOrNone<{ tokenId: string }>(
      `SELECT t.token_id AS "tokenId" FROM tokens t JOIN markets m ON m.condition_id = t.condition_id
       WHERE m.active AND NOT m.closed ORDER BY t.token_id`,
    );
    return rows.map((r) => r.tokenId);
  }

  async markClosed(conditionIds: readonly string[], tx?: Queryable): Promise<number> {
    if (conditionIds.length === 0) return 0;
    const result = await runner(this.database, tx).result(
      `UPDATE markets SET closed = true, active = false, updated_at = now()
       WHERE condition_id = ANY($1::text[]) AND (NOT closed OR active)`,
      [conditionIds],
    );
    return result.rowCount;
  }

  async countMarkets(): Promise<number> {
    const row = await this.database.db.one<{ n: number }>('SELECT count(*) AS n FROM markets');
    return row.n;
  }
}

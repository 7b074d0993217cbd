import { inject, injectable } from 'tsyringe';
import { Tokens } from '../../di/tokens.js';
import { clampLimit, toDecimal, toDecimalOrNull, toJson, toTimestamp, toTimestampOrNull } from '../values.js';
import type {
  BookUpdateInput,
  BookUpdateRow,
  Database,
  Queryable,
  TapeQuery,
  TapeRepositoryApi,
  TradeInput,
  TradeRow,
} from '../types.js';
import {
  jsonLiteral,
  decimalLiteral,
  nullableTextLiteral,
  textLiteral,
  timestampLiteral,
} from './literals.js';
import { INSERT_BATCH_ROWS, format, runner, where } from './sql.js';

const TRADE_COLUMNS = `id, token_id AS "tokenId", condition_id AS "conditionId", price, size, side,
  traded_at AS "tradedAt", source, venue_trade_id AS "venueTradeId", received_at AS "receivedAt"`;

const BOOK_COLUMNS = `id, token_id AS "tokenId", condition_id AS "conditionId", kind, payload,
  venue_timestamp AS "venueTimestamp", hash, received_at AS "receivedAt"`;

const TRADE_INSERT =
  'INSERT INTO trades (token_id, condition_id, price, size, side, traded_at, source, venue_trade_id, received_at) VALUES ';
const BOOK_INSERT =
  'INSERT INTO book_updates (token_id, condition_id, kind, payload, venue_timestamp, hash, received_at) VALUES ';

/** One trade as a rendered `(...)` VALUES tuple; throws StorageInputError on bad input. */
export function tradeTuple(trade: TradeInput, now: Date): string {
  return `(${textLiteral(trade.tokenId)},${nullableTextLiteral(trade.conditionId)},${decimalLiteral(
    toDecimal(trade.price, 'trade price'),
  )},${decimalLiteral(toDecimalOrNull(trade.size, 'trade size'))},${nullableTextLiteral(trade.side)},${timestampLiteral(
    toTimestamp(trade.tradedAt, 'trade tradedAt'),
  )},${textLiteral(trade.source)},${nullableTextLiteral(trade.venueTradeId)},${timestampLiteral(
    trade.receivedAt === undefined ? now : toTimestamp(trade.receivedAt, 'trade receivedAt'),
  )})`;
}

/** One book update as a rendered `(...)` VALUES tuple; throws StorageInputError on bad input. */
export function bookUpdateTuple(update: BookUpdateInput, now: Date): string {
  return `(${textLiteral(update.tokenId)},${nullableTextLiteral(update.conditionId)},${textLiteral(
    update.kind,
  )},${jsonLiteral(toJson(update.payload) ?? 'null')},${timestampLiteral(
    toTimestampOrNull(update.venueTimestamp, 'book venueTimestamp'),
  )},${nullableTextLiteral(update.hash)},${timestampLiteral(
    update.receivedAt === undefined ? now : toTimestamp(update.receivedAt, 'book receivedAt'),
  )})`;
}

export type TapeKind = 'trades' | 'book';

/** The tape: trades and book updates as received, written in multi-row batches, read back for replay. */
@injectable()
export class TapeRepository implements TapeRepositoryApi {
  constructor(@inject(Tokens.Database) private readonly database: Database) {}

  insertTrades(trades: readonly TradeInput[], tx?: Queryable): Promise<number> {
    const now = new Date();
    return this.insertTuples(
      'trades',
      trades.map((t) => tradeTuple(t, now)),
      tx,
    );
  }

  insertBookUpdates(updates: readonly BookUpdateInput[], tx?: Queryable): Promise<number> {
    const now = new Date();
    return this.insertTuples(
      'book',
      updates.map((u) => bookUpdateTuple(u, now)),
      tx,
    );
  }

  /** Inserts tuples rendered by tradeTuple/bookUpdateTuple (the TapeWriter renders at append time). */
  async insertTuples(kind: TapeKind, tuples: readonly string[], tx?: Queryable): Promise<number> {
    const q = runner(this.database, tx);
    const head = kind === 'trades' ? TRADE_INSERT : BOOK_INSERT;
    let written = 0;
    for (let start = 0; start < tuples.length; start += INSERT_BATCH_ROWS) {
      const result = await q.result(head + tuples.slice(start, start + INSERT_BATCH_ROWS).join(','));
      written += result.rowCount;
    }
    return written;
  }

  recentTrades(query: TapeQuery = {}): Promise<TradeRow[]> {
    return this.database.db.manyOrNone<TradeRow>(
      `SELECT ${TRADE_COLUMNS} FROM trades ${tapeWhere(query, 'traded_at')}
       ORDER BY traded_at DESC, id DESC LIMIT ${clampLimit(query.limit)}`,
    );
  }

  tradesForReplay(query: TapeQuery): Promise<TradeRow[]> {
    return this.database.db.manyOrNone<TradeRow>(
      `SELECT ${TRADE_COLUMNS} FROM trades ${tapeWhere(query, 'traded_at')}
       ORDER BY traded_at, id LIMIT ${clampLimit(query.limit)}`,
    );
  }

  bookUpdatesForReplay(query: TapeQuery): Promise<BookUpdateRow[]> {
    return this.database.db.manyOrNone<BookUpdateRow>(
      `SELECT ${BOOK_COLUMNS} FROM book_updates ${tapeWhere(query, 'received_at')}
       ORDER BY received_at, id LIMIT ${clampLimit(query.limit)}`,
    );
  }
}

function tapeWhere(query: TapeQuery, timeColumn: string): string {
  return where([
    query.tokenId !== undefined && format('token_id = $1', [query.tokenId]),
    query.conditionId !== undefined && format('condition_id = $1', [query.conditionId]),
    query.since !== undefined && format(`${timeColumn} >= $1`, [toTimestamp(query.since, 'since')]),
    query.until !== undefined && format(`${timeColumn} < $1`, [toTimestamp(query.until, 'until')]),
  ]);
}

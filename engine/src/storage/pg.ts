import type { EventEmitter } from 'node:events';
import pgPromise from 'pg-promise';
import type { IConnectionParameters } from 'pg-promise/typescript/pg-subset.js';

/** Open connections per pool (by its database context), so close() can wait until they are gone. */
const openClients = new Map<string, Set<EventEmitter>>();

function track(dc: unknown, client: EventEmitter): void {
  if (typeof dc !== 'string') return;
  let clients = openClients.get(dc);
  if (!clients) openClients.set(dc, (clients = new Set()));
  clients.add(client);
  // pg-pool drops its own listeners before ending a client; a server-side termination arriving
  // then (shutdown, DROP DATABASE ... FORCE) would otherwise be an uncaught 'error'.
  client.on('error', () => undefined);
  client.once('end', () => {
    clients.delete(client);
  });
}

/**
 * The one pg-promise root of the engine. Type parsing is set per connection (the `types` option)
 * rather than on the global pg-types registry, so nothing else in the process is affected.
 */
export const pgp = pgPromise({
  capSQL: true,
  connect(e) {
    if (e.useCount === 0) track(e.dc, e.client as unknown as EventEmitter);
  },
});

const OID = {
  INT8: 20,
  NUMERIC: 1700,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
} as const;

/** int8 → number when it fits exactly (ids, counts), otherwise the exact decimal text. */
export function parseInt8(value: string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

/** A `timestamp without time zone` is read as UTC (G7); the schema itself only uses timestamptz. */
export function parseNaiveTimestamp(value: string): Date {
  return new Date(`${value.replace(' ', 'T')}Z`);
}

type Parser = (value: string) => unknown;

const builtins = pgp.pg.types;

/** NUMERIC stays text (pg's default; stated here so it never silently changes), timestamptz → Date. */
export const typeOverrides = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): Parser {
    if (format === undefined || format === 'text') {
      if (oid === OID.INT8) return parseInt8;
      if (oid === OID.NUMERIC) return (value: string) => value;
      if (oid === OID.TIMESTAMP) return parseNaiveTimestamp;
    }
    return builtins.getTypeParser(oid, format) as Parser;
  },
  setTypeParser(): void {
    throw new Error('polybot storage: type parsers are fixed; add them in storage/pg.ts');
  },
};

let contextSeq = 0;

/**
 * Ends a pool and waits until its connections are really closed: pg-pool resolves `end()` as soon
 * as it has asked each client to end, before their sockets are gone.
 */
export async function endPool(db: pgPromise.IDatabase<object>, timeoutMs = 5_000): Promise<void> {
  await db.$pool.end();
  const dc = db.$dc as unknown;
  const clients = typeof dc === 'string' ? openClients.get(dc) : undefined;
  if (!clients) return;
  if (clients.size > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...clients].map((client) => new Promise((resolve) => client.once('end', resolve)))),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
  openClients.delete(dc as string);
}

/** Opens a pool. Each call gets its own context so reopening the same URL is not a "duplicate". */
export function createPool(
  connection: IConnectionParameters & { readonly options?: string },
): pgPromise.IDatabase<object> {
  contextSeq += 1;
  return pgp({ ...connection, types: typeOverrides }, `polybot-db-${contextSeq}`);
}

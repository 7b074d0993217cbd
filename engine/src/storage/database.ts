import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DatabaseError, describeError } from '../errors.js';
import { maskUrl } from '../util/redact.js';
import { EmbeddedServer } from './embedded-server.js';
import { runMigrations } from './migrations.js';
import { createPool, endPool, pgp } from './pg.js';
import type {
  Database,
  DatabaseBackend,
  DbClient,
  MigrateOptions,
  MigrationReport,
  OpenDatabaseOptions,
  PgpMain,
  PingResult,
} from './types.js';

export const DEFAULT_DATA_DIR = './.polybot/data';
export const DEFAULT_POOL_SIZE = 10;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
/**
 * With one embedded connection a caller that waits for a second one (a query outside the
 * transaction it is inside of) would hang for ever; this turns that into an error.
 */
const EMBEDDED_ACQUIRE_TIMEOUT_MS = 60_000;

class PgDatabase implements Database {
  readonly pgp: PgpMain = pgp;
  private closing: Promise<void> | null = null;

  constructor(
    readonly db: DbClient,
    readonly backend: DatabaseBackend,
    readonly displayUrl: string,
    private readonly embedded: EmbeddedServer | null,
  ) {}

  migrate(options: MigrateOptions = {}): Promise<MigrationReport> {
    return runMigrations(this.db, options.dir);
  }

  async ping(): Promise<PingResult> {
    const started = performance.now();
    try {
      await this.db.one('SELECT 1 AS ok');
    } catch (error) {
      const why =
        this.embedded && !this.embedded.running
          ? 'the embedded database worker has stopped'
          : describeError(error);
      throw new DatabaseError('db_unreachable', `database ${this.displayUrl} did not answer: ${why}`, {
        cause: error,
      });
    }
    return { ok: true, latencyMs: performance.now() - started, backend: this.backend };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await endPool(this.db);
      } finally {
        await this.embedded?.stop();
      }
    })();
    return this.closing;
  }
}

/**
 * Opens the engine's database: real PostgreSQL when a URL is given, otherwise the embedded one
 * (PGlite in a worker thread under `dataDir`, spoken to over a socket). Both go through the same
 * pg-promise code. Fails with one DatabaseError naming the (masked) URL when it cannot connect.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const database = options.url ? await openPostgres(options.url, options) : await openEmbedded(options);
  if (options.migrate) {
    try {
      await database.migrate(options.migrate === true ? {} : options.migrate);
    } catch (error) {
      await database.close().catch(() => undefined);
      throw error;
    }
  }
  return database;
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const displayUrl = maskUrl(url);
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (!Number.isInteger(poolSize) || poolSize < 1)
    throw new DatabaseError('db_config', `database pool size must be a positive integer, got ${poolSize}`);
  const db = createPool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    application_name: options.applicationName ?? 'polybot',
    // Session time zone UTC: anything PostgreSQL prints or casts is unambiguous (G7). A URL that
    // brings its own `options` keeps them.
    ...(/[?&]options=/.test(url) ? {} : { options: '-c TimeZone=UTC' }),
  });
  await verifyConnection(db, displayUrl, 'PostgreSQL');
  return new PgDatabase(db, 'postgres', displayUrl, null);
}

async function openEmbedded(options: OpenDatabaseOptions): Promise<Database> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const server = await EmbeddedServer.start(dataDir);
  const displayUrl = `embedded:${dataDir}`;
  const db = createPool({
    host: server.endpoint.host,
    port: server.endpoint.port,
    user: 'postgres',
    database: 'postgres',
    // pglite-socket serves one backend: one connection, kept open (idle timeout 0).
    max: 1,
    idleTimeoutMillis: 0,
    connectionTimeoutMillis: EMBEDDED_ACQUIRE_TIMEOUT_MS,
    application_name: options.applicationName ?? 'polybot',
  });
  try {
    await verifyConnection(db, displayUrl, 'embedded PostgreSQL');
  } catch (error) {
    await endPool(db).catch(() => undefined);
    await server.stop();
    throw error;
  }
  return new PgDatabase(db, 'embedded', displayUrl, server);
}

async function verifyConnection(db: DbClient, displayUrl: string, what: string): Promise<void> {
  try {
    await db.one('SELECT 1 AS ok');
  } catch (error) {
    await endPool(db).catch(() => undefined);
    throw new DatabaseError(
      'db_unreachable',
      `cannot connect to ${what} at ${displayUrl}: ${describeError(error) || (error as { code?: string }).code || 'connection failed'}`,
      { cause: error },
    );
  }
}

/**
 * Fresh, migrated databases for tests, on either backend. Not part of the engine's public storage
 * API (import from `storage/testing/index.js`).
 *
 * - postgres: a uniquely named database on the server of TEST_DATABASE_URL (default
 *   postgres://postgres@127.0.0.1:5432/test), created through the `postgres` maintenance database
 *   and dropped (WITH FORCE) on dispose.
 * - embedded: PGlite in a temporary data dir. initdb takes seconds, so a migrated template data dir
 *   is built once (cached in the OS temp dir, keyed by the PGlite version and the migrations) and
 *   copied for each test database.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openDatabase } from '../database.js';
import { loadMigrations } from '../migrations.js';
import { createPool, endPool } from '../pg.js';
import type { Database, DatabaseBackend } from '../types.js';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface CreateTestDatabaseOptions {
  readonly backend: DatabaseBackend;
  /** Apply the migrations (default true). */
  readonly migrate?: boolean;
  /** Another migrations directory (migration tests); default the engine's own. */
  readonly migrationsDir?: string;
  /** postgres only (default 4). */
  readonly poolSize?: number;
}

export interface TestDatabase {
  readonly database: Database;
  readonly backend: DatabaseBackend;
  /** postgres: the connection string of the fresh database (to open a second pool on it). */
  readonly url?: string;
  /** embedded: the data directory (to reopen it after close). */
  readonly dataDir?: string;
  /** Closes the database and removes it (drops the database / deletes the data dir). Idempotent. */
  dispose(): Promise<void>;
}

/** Backends the storage-level suites run against: both, unless TEST_DB_BACKENDS narrows it. */
export function testBackends(): DatabaseBackend[] {
  const wanted = (process.env.TEST_DB_BACKENDS ?? 'postgres,embedded').split(',').map((s) => s.trim());
  return (['postgres', 'embedded'] as const).filter((b) => wanted.includes(b));
}

export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

export async function createTestDatabase(options: CreateTestDatabaseOptions): Promise<TestDatabase> {
  return options.backend === 'postgres'
    ? createPostgresTestDatabase(options)
    : createEmbeddedTestDatabase(options);
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Runs admin SQL on the `postgres` maintenance database, or on TEST_DATABASE_URL's own if there is none. */
async function onAdminDatabase(sql: string): Promise<void> {
  const candidates = [withDatabase(testDatabaseUrl(), 'postgres'), testDatabaseUrl()];
  for (const [index, url] of candidates.entries()) {
    const admin = createPool({ connectionString: url, max: 1 });
    try {
      await admin.none(sql);
      return;
    } catch (error) {
      const missingDatabase = (error as { code?: string }).code === '3D000';
      if (!missingDatabase || index === candidates.length - 1) throw error;
    } finally {
      await endPool(admin);
    }
  }
}

async function createPostgresTestDatabase(options: CreateTestDatabaseOptions): Promise<TestDatabase> {
  const name = `polybot_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  await onAdminDatabase(`CREATE DATABASE "${name}"`);
  const url = withDatabase(testDatabaseUrl(), name);
  let database: Database;
  try {
    database = await openDatabase({ url, poolSize: options.poolSize ?? 4 });
    if (options.migrate !== false) await database.migrate({ dir: options.migrationsDir });
  } catch (error) {
    await onAdminDatabase(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw error;
  }
  let disposing: Promise<void> | null = null;
  return {
    database,
    backend: 'postgres',
    url,
    dispose() {
      disposing ??= (async () => {
        await database.close();
        await onAdminDatabase(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      })();
      return disposing;
    },
  };
}

/** PGlite's version (its package.json is not exported, so walk up from its entry point). */
function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite') return pkg.version ?? 'unknown';
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/** A data dir (migrated or bare) to copy from, built once and reused across runs. */
async function templateDataDir(migrate: boolean, migrationsDir: string | undefined): Promise<string> {
  const hash = createHash('sha256').update(pgliteVersion());
  if (migrate)
    for (const file of loadMigrations(migrationsDir)) hash.update(file.fileName).update(file.checksum);
  else hash.update('bare');
  const dir = join(tmpdir(), `polybot-pglite-template-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(dir)) return dir;
  const building = mkdtempSync(`${dir}.building-`);
  try {
    const database = await openDatabase({ dataDir: building });
    try {
      if (migrate) await database.migrate({ dir: migrationsDir });
    } finally {
      await database.close();
    }
    try {
      renameSync(building, dir);
    } catch (error) {
      // Another test process finished the same template first; theirs is as good as ours.
      if (!existsSync(dir)) throw error;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

async function createEmbeddedTestDatabase(options: CreateTestDatabaseOptions): Promise<TestDatabase> {
  const migrate = options.migrate !== false;
  const template = await templateDataDir(migrate, options.migrationsDir);
  const root = mkdtempSync(join(tmpdir(), 'polybot-testdb-'));
  const dataDir = join(root, 'data');
  cpSync(template, dataDir, { recursive: true });
  let database: Database;
  try {
    database = await openDatabase({ dataDir });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  let disposing: Promise<void> | null = null;
  return {
    database,
    backend: 'embedded',
    dataDir,
    dispose() {
      disposing ??= (async () => {
        try {
          await database.close();
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      })();
      return disposing;
    },
  };
}

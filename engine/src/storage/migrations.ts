import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MigrationError, describeError } from '../errors.js';
import type { DbClient, MigrationFile, MigrationReport } from './types.js';

/** `engine/dist/sql`, where the build copies the repository's `sql/` folder. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../sql/', import.meta.url));

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
/** Any constant works; it only has to be the same for every polybot process. 0x706f6c79 = "poly". */
export const MIGRATION_LOCK_KEY = 0x706f6c79;

/** Line endings normalised, so a checkout with CRLF does not look like an edited migration. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/** Reads `NNNN_name.sql` files, sorted by version. Other files are ignored; a repeated version is an error. */
export function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): MigrationFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new MigrationError(
      'migrations_missing',
      `cannot read migrations from ${dir}: ${describeError(error)}`,
      {
        cause: error,
      },
    );
  }
  const files: MigrationFile[] = [];
  for (const fileName of names) {
    const match = FILE_NAME.exec(fileName);
    if (!match) continue;
    const sql = readFileSync(join(dir, fileName), 'utf8');
    files.push({
      version: Number(match[1]),
      name: match[2] as string,
      fileName,
      checksum: checksumOf(sql),
      sql,
    });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    const [prev, cur] = [files[i - 1] as MigrationFile, files[i] as MigrationFile];
    if (prev.version === cur.version)
      throw new MigrationError(
        'migration_duplicate',
        `migrations ${prev.fileName} and ${cur.fileName} have the same version ${cur.version}`,
      );
  }
  if (files.length === 0)
    throw new MigrationError('migrations_missing', `no migrations (NNNN_name.sql) in ${dir}`);
  return files;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies pending migrations. Under a session advisory lock (two engines starting together apply
 * each file once); each file in its own transaction together with its schema_migrations row, so a
 * failing file leaves nothing behind. An applied file whose checksum changed is refused.
 */
export async function runMigrations(db: DbClient, dir?: string): Promise<MigrationReport> {
  const files = loadMigrations(dir);
  return db.task('polybot-migrate', async (task) => {
    await task.any('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await task.none(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const applied = await task.manyOrNone<AppliedRow>(
        'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
      );
      const byVersion = new Map(applied.map((row) => [row.version, row]));
      const known = new Set(files.map((file) => file.version));
      for (const row of applied) {
        if (!known.has(row.version))
          throw new MigrationError(
            'migration_unknown',
            `the database has migration ${String(row.version).padStart(4, '0')}_${row.name} which this engine does not ship; run a newer engine`,
          );
      }
      const done: string[] = [];
      for (const file of files) {
        const existing = byVersion.get(file.version);
        if (existing) {
          if (existing.checksum !== file.checksum)
            throw new MigrationError(
              'migration_checksum',
              `migration ${file.fileName} was edited after it was applied (checksum ${existing.checksum.slice(0, 12)}… recorded, ${file.checksum.slice(0, 12)}… on disk); add a new migration instead`,
            );
          continue;
        }
        try {
          await task.tx(`migrate-${file.version}`, async (tx) => {
            await tx.multi(file.sql);
            await tx.none('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
              file.version,
              file.name,
              file.checksum,
            ]);
          });
        } catch (error) {
          throw new MigrationError(
            'migration_failed',
            `migration ${file.fileName} failed and was rolled back: ${describeError(error)}`,
            { cause: error },
          );
        }
        done.push(file.fileName);
      }
      const last = files[files.length - 1] as MigrationFile;
      return { applied: done, currentVersion: last.version };
    } finally {
      // The lock dies with the session anyway; never let a failed unlock hide the real error.
      await task.any('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  });
}

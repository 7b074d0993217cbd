import { expect } from 'chai';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationError } from '../errors.js';
import { openDatabase } from './database.js';
import { DEFAULT_MIGRATIONS_DIR, checksumOf, loadMigrations } from './migrations.js';
import { createTestDatabase, testBackends, type TestDatabase } from './testing/index.js';

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'polybot-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

async function tableExists(t: TestDatabase, table: string): Promise<boolean> {
  const row = await t.database.db.one<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    table,
  ]);
  return row.exists;
}

describe('migrations', () => {
  describe('loadMigrations', () => {
    it('finds the shipped schema next to the module', () => {
      const files = loadMigrations(DEFAULT_MIGRATIONS_DIR);
      expect(files[0]?.fileName).to.equal('0001_init.sql');
      expect(files[0]?.checksum).to.match(/^[0-9a-f]{64}$/);
    });

    it('orders by version and ignores files that are not migrations', () => {
      const dir = migrationsDir({
        '0002_b.sql': 'SELECT 2;',
        '0001_a.sql': 'SELECT 1;',
        'README.md': '#',
        'x.sql': '',
      });
      try {
        expect(loadMigrations(dir).map((f) => f.fileName)).to.deep.equal(['0001_a.sql', '0002_b.sql']);
      } finally {
        rmSync(dir, { recursive: true });
      }
    });

    it('refuses two files with one version, an empty folder and a missing folder', () => {
      const dup = migrationsDir({ '0001_a.sql': 'SELECT 1;', '0001_b.sql': 'SELECT 1;' });
      const empty = migrationsDir({});
      try {
        expect(() => loadMigrations(dup)).to.throw(MigrationError, /0001_a\.sql and 0001_b\.sql/);
        expect(() => loadMigrations(empty)).to.throw(MigrationError, /no migrations/);
        expect(() => loadMigrations(join(empty, 'nope'))).to.throw(MigrationError, /cannot read migrations/);
      } finally {
        rmSync(dup, { recursive: true });
        rmSync(empty, { recursive: true });
      }
    });

    it('does not see a CRLF checkout as an edit', () => {
      expect(checksumOf('SELECT 1;\r\nSELECT 2;\r\n')).to.equal(checksumOf('SELECT 1;\nSELECT 2;\n'));
    });
  });

  for (const backend of testBackends()) {
    describe(`on ${backend}`, function () {
      // A cold machine builds the PGlite template (initdb) once: seconds, more on a loaded VM.
      this.timeout(120_000);
      let t: TestDatabase;
      let dir: string;
      before(async () => {
        t = await createTestDatabase({ backend, migrate: false });
      });
      after(async () => {
        await t?.dispose();
      });
      beforeEach(async () => {
        // A blank database for each test, without paying for a new one.
        await t.database.db.none('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
        dir = migrationsDir({
          '0001_first.sql': 'CREATE TABLE IF NOT EXISTS alpha (id int PRIMARY KEY);',
          // A function body with $$ and $1: the file must reach the server untouched by formatting.
          '0002_second.sql': `CREATE TABLE IF NOT EXISTS beta (id int);
            CREATE OR REPLACE FUNCTION twice(x int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN $1 * 2; END $$;`,
        });
      });
      afterEach(() => {
        rmSync(dir, { recursive: true, force: true });
      });

      it('applies pending files once and records them with checksums', async () => {
        const first = await t.database.migrate({ dir });
        expect(first.applied).to.deep.equal(['0001_first.sql', '0002_second.sql']);
        expect(first.currentVersion).to.equal(2);
        const again = await t.database.migrate({ dir });
        expect(again.applied).to.deep.equal([]);
        const rows = await t.database.db.many<{
          version: number;
          name: string;
          checksum: string;
          appliedAt: Date;
        }>(
          'SELECT version, name, checksum, applied_at AS "appliedAt" FROM schema_migrations ORDER BY version',
        );
        expect(rows.map((r) => [r.version, r.name])).to.deep.equal([
          [1, 'first'],
          [2, 'second'],
        ]);
        expect(rows[0]?.checksum).to.equal(loadMigrations(dir)[0]?.checksum);
        expect(rows[0]?.appliedAt).to.be.instanceOf(Date);
        const twice = await t.database.db.one<{ v: number }>('SELECT twice(21) AS v');
        expect(twice.v).to.equal(42);
      });

      it('refuses an applied migration that was edited, naming the file', async () => {
        await t.database.migrate({ dir });
        writeFileSync(
          join(dir, '0001_first.sql'),
          'CREATE TABLE IF NOT EXISTS alpha (id bigint PRIMARY KEY);',
        );
        try {
          await t.database.migrate({ dir });
          expect.fail('migrate should fail');
        } catch (error) {
          expect(error).to.be.instanceOf(MigrationError);
          expect((error as MigrationError).code).to.equal('migration_checksum');
          expect((error as Error).message).to.contain('0001_first.sql');
        }
      });

      it('rolls a failing migration back and names the file', async () => {
        writeFileSync(
          join(dir, '0003_broken.sql'),
          'CREATE TABLE gamma (id int); INSERT INTO gamma VALUES (1); SELECT 1 / 0;',
        );
        try {
          await t.database.migrate({ dir });
          expect.fail('migrate should fail');
        } catch (error) {
          expect(error).to.be.instanceOf(MigrationError);
          expect((error as MigrationError).code).to.equal('migration_failed');
          expect((error as Error).message).to.contain('0003_broken.sql');
          expect((error as Error).message).to.match(/division by zero/);
        }
        expect(await tableExists(t, 'gamma')).to.equal(false);
        expect(await tableExists(t, 'beta')).to.equal(true);
        const versions = await t.database.db.map(
          'SELECT version FROM schema_migrations ORDER BY version',
          [],
          (r: { version: number }) => r.version,
        );
        expect(versions).to.deep.equal([1, 2]);
        // The lock was released: fixing the file lets the next run through.
        writeFileSync(join(dir, '0003_broken.sql'), 'CREATE TABLE gamma (id int);');
        const report = await t.database.migrate({ dir });
        expect(report.applied).to.deep.equal(['0003_broken.sql']);
      });

      it('refuses a database that has migrations this engine does not ship', async () => {
        writeFileSync(join(dir, '0003_newer.sql'), 'SELECT 1;');
        await t.database.migrate({ dir });
        unlinkSync(join(dir, '0003_newer.sql'));
        try {
          await t.database.migrate({ dir });
          expect.fail('migrate should fail');
        } catch (error) {
          expect(error).to.be.instanceOf(MigrationError);
          expect((error as Error).message).to.contain('0003_newer');
        }
      });

      it('applies the shipped schema', async () => {
        const report = await t.database.migrate();
        expect(report.applied).to.include('0001_init.sql');
        for (const table of [
          'markets',
          'tokens',
          'trades',
          'book_updates',
          'triggers',
          'orders',
          'fills',
          'positions',
          'balance_snapshots',
          'balance_reservations',
          'watchlist',
          'approval_alerts',
          'trade_approvals',
          'strategy_decisions',
        ])
          expect(await tableExists(t, table), table).to.equal(true);
      });
    });
  }

  if (testBackends().includes('postgres')) {
    it('lets two engines migrate one database at once: each file applied exactly once', async () => {
      const t = await createTestDatabase({ backend: 'postgres', migrate: false });
      const second = await openDatabase({ url: t.url, poolSize: 2 });
      try {
        const [a, b] = await Promise.all([t.database.migrate(), second.migrate()]);
        expect([...a.applied, ...b.applied]).to.deep.equal(loadMigrations().map((f) => f.fileName));
        const row = await t.database.db.one<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
        expect(row.n).to.equal(loadMigrations().length);
      } finally {
        await second.close();
        await t.dispose();
      }
    });
  }
});

import { expect } from 'chai';
import type { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseError } from '../errors.js';
import { openDatabase } from './database.js';
import { EmbeddedServer } from './embedded-server.js';
import { pgp } from './pg.js';
import { createTestDatabase, testBackends, type TestDatabase } from './testing/index.js';
import { inTimeZone } from './testing/spec-helpers.js';

describe('openDatabase', () => {
  for (const backend of testBackends()) {
    describe(`on ${backend}`, function () {
      // A cold machine builds the PGlite template (initdb) once: seconds, more on a loaded VM.
      this.timeout(120_000);
      let t: TestDatabase;
      before(async () => {
        t = await createTestDatabase({ backend });
      });
      after(async () => {
        await t?.dispose();
      });

      it('reports its backend, a displayable URL and answers ping', async () => {
        expect(t.database.backend).to.equal(backend);
        const ping = await t.database.ping();
        expect(ping.ok).to.equal(true);
        expect(ping.backend).to.equal(backend);
        expect(ping.latencyMs).to.be.a('number');
        if (backend === 'embedded') expect(t.database.displayUrl).to.match(/^embedded:\//);
        else expect(t.database.displayUrl).to.match(/^postgres:\/\//);
      });

      it('parses NUMERIC as exact text, int8 as number, timestamptz as Date', async () => {
        const row = await t.database.db.one<{
          n: unknown;
          i: unknown;
          big: unknown;
          ts: unknown;
          tz: string;
        }>(
          `SELECT 0.950::numeric AS n, 42::int8 AS i, 9007199254740993::int8 AS big,
             '2026-01-15 12:00:00+00'::timestamptz AS ts, current_setting('TimeZone') AS tz`,
        );
        expect(row.n).to.equal('0.950');
        expect(row.i).to.equal(42);
        expect(row.big).to.equal('9007199254740993');
        expect(row.ts).to.be.instanceOf(Date);
        expect((row.ts as Date).getTime()).to.equal(Date.UTC(2026, 0, 15, 12));
        expect(row.tz).to.equal('UTC');
      });

      it('G7: aware and naive timestamps round-trip to the same instant, whatever the host zone', async () => {
        const { toTimestamp } = await import('./values.js');
        const instant = Date.UTC(2026, 0, 15, 12, 30, 45, 123);
        await inTimeZone('America/New_York', async () => {
          const inputs = [
            new Date(instant),
            '2026-01-15T14:30:45.123+02:00',
            '2026-01-15T12:30:45.123Z',
            '2026-01-15 12:30:45.123',
            instant,
          ];
          for (const input of inputs) {
            const row = await t.database.db.one<{ ts: Date }>('SELECT $1::timestamptz AS ts', [
              toTimestamp(input),
            ]);
            expect(row.ts.getTime(), String(input)).to.equal(instant);
          }
          // Even a naive string that bypasses toTimestamp lands in UTC: the session zone is UTC.
          const raw = await t.database.db.one<{ ts: Date }>('SELECT $1::timestamptz AS ts', [
            '2026-01-15 12:30:45.123',
          ]);
          expect(raw.ts.getTime()).to.equal(instant);
          await t.database.db.none('CREATE TABLE IF NOT EXISTS g7 (at timestamptz)');
          await t.database.db.none('INSERT INTO g7 VALUES ($1), ($2)', [
            new Date(instant),
            '2026-01-15T07:30:45.123-05:00',
          ]);
          const stored = await t.database.db.map('SELECT at FROM g7', [], (r: { at: Date }) =>
            r.at.getTime(),
          );
          expect(stored).to.deep.equal([instant, instant]);
        });
      });

      it('turns a failed ping into a DatabaseError', async () => {
        const other = await createTestDatabase({ backend, migrate: false });
        await other.database.close();
        await other.database.close(); // idempotent
        try {
          await other.database.ping();
          expect.fail('ping should fail');
        } catch (error) {
          expect(error).to.be.instanceOf(DatabaseError);
          expect((error as Error).message).to.contain(other.database.displayUrl);
        } finally {
          await other.dispose();
        }
      });

      it('keeps the event loop responsive during a 10k-row insert', async function () {
        await t.database.db.none(
          'CREATE TABLE IF NOT EXISTS bulk (id int, token_id text, price numeric, ts timestamptz)',
        );
        const rows = Array.from({ length: 10_000 }, (_, i) => ({
          id: i,
          token_id: `token-${i % 100}`,
          price: '0.95',
          ts: new Date(Date.UTC(2026, 0, 1) + i),
        }));
        const cs = new pgp.helpers.ColumnSet(['id', 'token_id', { name: 'price', cast: 'numeric' }, 'ts'], {
          table: 'bulk',
        });
        const sql = pgp.helpers.insert(rows, cs); // formatted before the clock starts: that part is ours
        let ticks = 0;
        const timer = setInterval(() => {
          ticks += 1;
        }, 1);
        const started = performance.now();
        try {
          await t.database.db.none(sql);
        } finally {
          clearInterval(timer);
        }
        const elapsed = performance.now() - started;
        const count = await t.database.db.one<{ n: number }>('SELECT count(*) AS n FROM bulk');
        expect(count.n).to.equal(10_000);
        // In-process PGlite freezes the loop for the whole insert (0 ticks); in a worker it keeps ticking.
        expect(ticks).to.be.greaterThan(1);
        this.test!.title += ` [${elapsed.toFixed(0)} ms, ${ticks} ticks]`;
      });
    });
  }

  describe('startup errors', function () {
    this.timeout(120_000);
    it('names the URL with the password masked when PostgreSQL is unreachable', async () => {
      try {
        await openDatabase({
          url: 'postgres://polybot:s3cr3t-pw@127.0.0.1:1/polybot',
          connectTimeoutMs: 2000,
        });
        expect.fail('open should fail');
      } catch (error) {
        expect(error).to.be.instanceOf(DatabaseError);
        const message = (error as Error).message;
        expect(message).to.contain('postgres://polybot:****@127.0.0.1:1/polybot');
        expect(message).to.not.contain('s3cr3t-pw');
        expect((error as DatabaseError).code).to.equal('db_unreachable');
      }
    });

    it('names a database that does not exist', async () => {
      const url = new URL(process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test');
      url.pathname = '/polybot_no_such_database';
      try {
        await openDatabase({ url: url.toString() });
        expect.fail('open should fail');
      } catch (error) {
        expect(error).to.be.instanceOf(DatabaseError);
        expect((error as Error).message).to.contain('polybot_no_such_database');
      }
    });

    it('close() returns only once every connection of the pool is gone', async () => {
      const t = await createTestDatabase({ backend: 'postgres', migrate: false });
      const applicationName = `polybot-close-${process.pid}-${Date.now()}`;
      const database = await openDatabase({ url: t.url, poolSize: 4, applicationName });
      try {
        await Promise.all(Array.from({ length: 4 }, () => database.db.one('SELECT pg_sleep(0.05)')));
        const connection = await database.db.connect();
        let ended = false;
        (connection.client as unknown as EventEmitter).once('end', () => {
          ended = true;
        });
        connection.done();
        await database.close();
        // pg-pool's own end() resolves before its sockets close; ours waits for them.
        expect(ended).to.equal(true);
        const row = await t.database.db.one<{ n: number }>(
          'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
        expect(row.n).to.equal(0);
      } finally {
        await database.close();
        await t.dispose();
      }
    });

    it('refuses a pool size that is not a positive integer', async () => {
      try {
        await openDatabase({ url: 'postgres://x@127.0.0.1/y', poolSize: 0 });
        expect.fail('open should fail');
      } catch (error) {
        expect(error).to.be.instanceOf(DatabaseError);
        expect((error as Error).message).to.match(/pool size/);
      }
    });

    it('migrates on open when asked, and closes again when that fails', async () => {
      const t = await createTestDatabase({ backend: 'postgres', migrate: false });
      await t.database.close();
      const database = await openDatabase({ url: t.url, migrate: true });
      try {
        const row = await database.db.one<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
        expect(row.n).to.be.greaterThan(0);
      } finally {
        await database.close();
      }
      const empty = mkdtempSync(join(tmpdir(), 'polybot-nomig-'));
      try {
        await openDatabase({ url: t.url, migrate: { dir: empty } });
        expect.fail('open should fail');
      } catch (error) {
        expect((error as Error).message).to.match(/no migrations/);
      } finally {
        rmSync(empty, { recursive: true, force: true });
        await t.dispose();
      }
    });
  });

  if (testBackends().includes('embedded')) {
    describe('embedded data dir', function () {
      this.timeout(120_000);
      it('survives close and reopen', async () => {
        const t = await createTestDatabase({ backend: 'embedded' });
        try {
          await t.database.db.none(
            `INSERT INTO balance_snapshots (balance, source, taken_at) VALUES (123.45, 'test', now())`,
          );
          await t.database.close();
          expect(existsSync(join(t.dataDir!, 'polybot.lock'))).to.equal(false);
          const reopened = await openDatabase({ dataDir: t.dataDir });
          try {
            const row = await reopened.db.one<{ balance: string }>('SELECT balance FROM balance_snapshots');
            expect(row.balance).to.equal('123.45');
            const report = await reopened.migrate();
            expect(report.applied).to.deep.equal([]);
          } finally {
            await reopened.close();
          }
        } finally {
          await t.dispose();
        }
      });

      it('refuses a data dir already open in this process or held by a live process', async () => {
        const t = await createTestDatabase({ backend: 'embedded', migrate: false });
        try {
          try {
            await openDatabase({ dataDir: t.dataDir });
            expect.fail('second open should fail');
          } catch (error) {
            expect(error).to.be.instanceOf(DatabaseError);
            expect((error as Error).message).to.match(/already open in this process/);
          }
        } finally {
          await t.dispose();
        }
        const dir = mkdtempSync(join(tmpdir(), 'polybot-locked-'));
        try {
          writeFileSync(join(dir, 'polybot.lock'), String(process.ppid));
          try {
            await openDatabase({ dataDir: dir });
            expect.fail('open should fail');
          } catch (error) {
            expect((error as Error).message).to.contain(`in use by process ${process.ppid}`);
          }
          expect(readFileSync(join(dir, 'polybot.lock'), 'utf8')).to.equal(String(process.ppid));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      it('takes over a lock left by a dead process', async () => {
        const t = await createTestDatabase({ backend: 'embedded', migrate: false });
        await t.database.close();
        writeFileSync(join(t.dataDir!, 'polybot.lock'), '2147483646');
        const reopened = await openDatabase({ dataDir: t.dataDir });
        try {
          expect(readFileSync(join(t.dataDir!, 'polybot.lock'), 'utf8')).to.equal(String(process.pid));
        } finally {
          await reopened.close();
          await t.dispose();
        }
      });

      it('fails clearly when the data dir cannot be created or opened', async () => {
        const root = mkdtempSync(join(tmpdir(), 'polybot-bad-'));
        try {
          writeFileSync(join(root, 'file'), 'not a directory');
          try {
            await openDatabase({ dataDir: join(root, 'file', 'data') });
            expect.fail('open should fail');
          } catch (error) {
            expect(error).to.be.instanceOf(DatabaseError);
            expect((error as Error).message).to.match(/cannot create embedded data dir/);
          }
          // A directory PGlite cannot use: a PG_VERSION of the wrong major version.
          const bad = join(root, 'bad');
          const { mkdirSync } = await import('node:fs');
          mkdirSync(bad);
          writeFileSync(join(bad, 'PG_VERSION'), '9\n');
          try {
            await EmbeddedServer.start(bad, { startTimeoutMs: 30_000 });
            expect.fail('start should fail');
          } catch (error) {
            expect(error).to.be.instanceOf(DatabaseError);
            expect((error as Error).message).to.contain(bad);
          }
          expect(existsSync(join(bad, 'polybot.lock'))).to.equal(false);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      });

      it('serves over TCP on 127.0.0.1 when a unix socket is not wanted', async () => {
        const t = await createTestDatabase({ backend: 'embedded', migrate: false });
        await t.database.close();
        const server = await EmbeddedServer.start(t.dataDir!, { unixSocket: false });
        try {
          expect(server.endpoint.host).to.equal('127.0.0.1');
          expect(server.endpoint.port).to.be.greaterThan(0);
          expect(server.running).to.equal(true);
        } finally {
          await server.stop();
          await server.stop(); // idempotent
          await t.dispose();
        }
        expect(server.running).to.equal(false);
      });
    });
  }
});

/**
 * The built `polybot` binary as a user runs it: its own process, a scratch working folder and an
 * environment holding only what the test sets. Plus a TCP proxy to stand between the bot and
 * PostgreSQL, so a test can take the database away and give it back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (test/dist/cli → ../../..). */
export const REPO_ROOT = resolve(here, '..', '..', '..');
export const MAIN = join(REPO_ROOT, 'engine', 'dist', 'cli', 'main.js');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `polybot-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One JSON log line of the bot (stderr when not a TTY). */
export type LogRecord = Record<string, unknown> & { message?: string; level?: string };

/** A running `polybot` process with its output collected line by line. */
export class BotProcess {
  readonly stdoutLines: string[] = [];
  readonly stderrLines: string[] = [];
  readonly exited: Promise<Exit>;
  private exit: Exit | null = null;
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];

  constructor(args: readonly string[], options: { cwd: string; env: Record<string, string> }) {
    this.child = spawn(process.execPath, [MAIN, ...args], {
      cwd: options.cwd,
      // Nothing inherited: no DATABASE_URL, keys or tokens from the machine running the tests.
      env: { PATH: process.env.PATH ?? '', HOME: options.cwd, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.collect(this.child.stdout!, this.stdoutLines);
    this.collect(this.child.stderr!, this.stderrLines);
    this.exited = new Promise((resolvePromise) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        this.notify();
        resolvePromise(this.exit);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exit !== null;
  }

  get stderr(): string {
    return this.stderrLines.join('\n');
  }

  /** stderr lines that are JSON log records. */
  logs(): LogRecord[] {
    const records: LogRecord[] = [];
    for (const line of this.stderrLines) {
      if (!line.startsWith('{')) continue;
      try {
        records.push(JSON.parse(line) as LogRecord);
      } catch {
        // not a log record
      }
    }
    return records;
  }

  /** The first log record matching `match`; fails with the recent output if the process exits or time runs out. */
  async waitForLog(
    match: (record: LogRecord) => boolean,
    what: string,
    timeoutMs = 20_000,
  ): Promise<LogRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs().find(match);
      if (found) return found;
      if (this.exit !== null)
        throw new Error(`polybot exited (${JSON.stringify(this.exit)}) before ${what}:\n${this.tail()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}:\n${this.tail()}`);
      await new Promise<void>((resolvePromise) => {
        const timer = setTimeout(resolvePromise, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolvePromise();
        });
      });
    }
  }

  /** The dashboard's base URL, from its "listening" log line. */
  async dashboardUrl(): Promise<string> {
    const record = await this.waitForLog(
      (r) => typeof r.message === 'string' && r.message.startsWith('dashboard listening on '),
      'the dashboard to listen',
    );
    return (record.message as string).slice('dashboard listening on '.length);
  }

  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /** Waits for the exit; fails (after killing the process) if it has not exited in time. */
  async waitForExit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolvePromise) => {
      timer = setTimeout(() => resolvePromise('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      await this.kill();
      throw new Error(`polybot did not exit within ${timeoutMs} ms:\n${this.tail()}`);
    }
    return outcome;
  }

  /** Cleanup: SIGKILL if still running, and wait for it to be gone. */
  async kill(): Promise<void> {
    if (this.exit === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  tail(lines = 30): string {
    return [...this.stderrLines.slice(-lines), ...this.stdoutLines.slice(-5)].join('\n');
  }

  private collect(stream: NodeJS.ReadableStream, into: string[]): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.length > 0) into.push(line);
      this.notify();
    });
    stream.on('end', () => {
      if (partial.length > 0) into.push(partial);
      partial = '';
      this.notify();
    });
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** Runs the binary to completion (short commands). */
export async function runPolybot(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<{ exit: Exit; stdout: string; stderr: string }> {
  const bot = new BotProcess(args, { cwd: options.cwd, env: options.env ?? {} });
  const exit = await bot.waitForExit(options.timeoutMs ?? 30_000);
  await new Promise((resolvePromise) => setImmediate(resolvePromise));
  return { exit, stdout: bot.stdoutLines.join('\n'), stderr: bot.stderr };
}

/**
 * A TCP proxy on 127.0.0.1 in front of PostgreSQL. `cut()` drops every open connection and
 * refuses new ones, as a database that went away; `restore()` lets connections through again.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private refusing = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | null = null;
    const server = createServer((client) => proxy?.accept(client, target));
    await new Promise<void>((resolvePromise, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolvePromise());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    proxy = new TcpProxy(server, address.port);
    return proxy;
  }

  /** How many client connections are open through the proxy. */
  get connections(): number {
    let count = 0;
    for (const socket of this.sockets) if ((socket as Socket & { isClient?: boolean }).isClient) count++;
    return count;
  }

  cut(): void {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolvePromise) => this.server.close(() => resolvePromise()));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    (client as Socket & { isClient?: boolean }).isClient = true;
    this.sockets.add(client);
    this.sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

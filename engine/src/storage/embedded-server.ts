import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DatabaseError } from '../errors.js';
import { STOP_MESSAGE, type EmbeddedWorkerData, type FromEmbeddedWorker } from './embedded-protocol.js';

/** Where pg connects: a unix socket directory + port (pg's convention), or TCP host + port. */
export interface EmbeddedEndpoint {
  readonly host: string;
  readonly port: number;
}

export interface EmbeddedServerOptions {
  /** How long PGlite may take to open (a fresh data dir runs initdb: seconds on a slow disk). */
  readonly startTimeoutMs?: number;
  /** Prefer a unix socket in a private directory (default true); TCP 127.0.0.1:0 otherwise. */
  readonly unixSocket?: boolean;
}

const SOCKET_PORT = 5432;
/** sun_path is 108 bytes on Linux; leave room. */
const MAX_SOCKET_PATH = 100;
const LOCK_FILE = 'polybot.lock';

/** Data dirs opened by this process: a second open would corrupt the first one's files. */
const openDirs = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer per data dir, across processes: a lock file holding the owner's pid. A lock left by a
 * dead process (or by this pid in an earlier life, e.g. pid 1 in a container) is taken over.
 */
function acquireDirLock(dataDir: string): string {
  if (openDirs.has(dataDir))
    throw new DatabaseError(
      'embedded_locked',
      `embedded data dir ${dataDir} is already open in this process`,
    );
  const lockPath = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      openDirs.add(dataDir);
      return lockPath;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner))
        throw new DatabaseError(
          'embedded_locked',
          `embedded data dir ${dataDir} is in use by process ${owner}; stop it or choose another data dir`,
        );
      rmSync(lockPath, { force: true });
    }
  }
  throw new DatabaseError('embedded_locked', `could not lock embedded data dir ${dataDir}`);
}

/**
 * PGlite + PGLiteSocketServer in a worker thread, reachable by pg over a unix socket in a private
 * (0700) directory, or TCP on 127.0.0.1 when the socket path would be too long.
 */
export class EmbeddedServer {
  private stopping: Promise<void> | null = null;
  private exited = false;
  /** Why the worker died, when it did on its own. */
  lastError: Error | null = null;

  private constructor(
    readonly dataDir: string,
    readonly endpoint: EmbeddedEndpoint,
    private readonly worker: Worker,
    private readonly lockPath: string,
    private readonly socketDir: string | null,
  ) {
    worker.once('exit', () => {
      this.exited = true;
    });
    // A worker 'error' without a listener would be rethrown on the engine's thread.
    worker.on('error', (error) => {
      this.lastError = error;
    });
  }

  /** False once the worker has gone (stopped, crashed). */
  get running(): boolean {
    return !this.exited;
  }

  static async start(dataDirInput: string, options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
    const dataDir = resolve(dataDirInput);
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new DatabaseError(
        'embedded_unavailable',
        `cannot create embedded data dir ${dataDir}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const lockPath = acquireDirLock(dataDir);
    let socketDir: string | null = null;
    let socketPath: string | null = null;
    if (options.unixSocket !== false) {
      socketDir = mkdtempSync(join(tmpdir(), 'polybot-pg-'));
      socketPath = join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
      if (socketPath.length > MAX_SOCKET_PATH) {
        rmSync(socketDir, { recursive: true, force: true });
        socketDir = null;
        socketPath = null;
      }
    }
    const cleanup = (): void => {
      openDirs.delete(dataDir);
      rmSync(lockPath, { force: true });
      if (socketDir) rmSync(socketDir, { recursive: true, force: true });
    };
    const data: EmbeddedWorkerData = { dataDir, socketPath, maxConnections: 1 };
    const worker = new Worker(new URL('./embedded-worker.js', import.meta.url), { workerData: data });
    try {
      const ready = await waitForReady(worker, options.startTimeoutMs ?? 60_000);
      const endpoint =
        'socketPath' in ready
          ? { host: dirname(ready.socketPath), port: SOCKET_PORT }
          : { host: ready.host, port: ready.port };
      return new EmbeddedServer(dataDir, endpoint, worker, lockPath, socketDir);
    } catch (error) {
      await worker.terminate();
      cleanup();
      throw new DatabaseError(
        'embedded_unavailable',
        `embedded PostgreSQL (PGlite) could not open ${dataDir}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** Stops the socket server, closes PGlite (flushing to disk), ends the worker. Idempotent. */
  stop(timeoutMs = 30_000): Promise<void> {
    this.stopping ??= this.doStop(timeoutMs);
    return this.stopping;
  }

  private async doStop(timeoutMs: number): Promise<void> {
    try {
      if (!this.exited) {
        const stopped = new Promise<void>((resolveStop) => {
          const timer = setTimeout(resolveStop, timeoutMs);
          const done = (): void => {
            clearTimeout(timer);
            resolveStop();
          };
          this.worker.on('message', (message: FromEmbeddedWorker) => {
            if (message.type === 'stopped') done();
          });
          this.worker.once('exit', done);
        });
        this.worker.postMessage(STOP_MESSAGE);
        await stopped;
        await this.worker.terminate();
      }
    } finally {
      openDirs.delete(this.dataDir);
      rmSync(this.lockPath, { force: true });
      if (this.socketDir) rmSync(this.socketDir, { recursive: true, force: true });
    }
  }
}

type Ready = Extract<FromEmbeddedWorker, { type: 'ready' }>;

function waitForReady(worker: Worker, timeoutMs: number): Promise<Ready> {
  return new Promise<Ready>((resolveReady, reject) => {
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: FromEmbeddedWorker): void => {
      if (message.type === 'ready') finish(null, message);
      else if (message.type === 'failed') finish(new Error(message.message));
    };
    const onError = (error: Error): void => finish(error);
    const onExit = (code: number): void => finish(new Error(`worker exited with code ${code}`));
    function finish(error: Error | null, ready?: Ready): void {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (error) reject(error);
      else resolveReady(ready as Ready);
    }
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * Worker entry: hosts PGlite and its socket server on a thread of their own. PGlite runs every
 * query synchronously as WASM (a 10k-row insert blocks ~200 ms), so it must never share the
 * engine's event loop; the engine talks to it over a socket through pg-promise like any PostgreSQL.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { EmbeddedWorkerData, FromEmbeddedWorker, ToEmbeddedWorker } from './embedded-protocol.js';

const config = workerData as EmbeddedWorkerData;
const port = parentPort;

function send(message: FromEmbeddedWorker): void {
  port?.postMessage(message);
}

let db: PGlite | null = null;
let server: PGLiteSocketServer | null = null;

async function start(): Promise<void> {
  db = await PGlite.create(config.dataDir);
  // Session state is shared by every socket connection (one backend), so this holds for all of them.
  await db.exec("SET TIME ZONE 'UTC'");
  server = config.socketPath
    ? new PGLiteSocketServer({ db, path: config.socketPath, maxConnections: config.maxConnections })
    : new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: config.maxConnections });
  await server.start();
  const conn = server.getServerConn();
  if (config.socketPath) send({ type: 'ready', socketPath: config.socketPath });
  else send({ type: 'ready', host: '127.0.0.1', port: Number(conn.slice(conn.lastIndexOf(':') + 1)) });
}

async function stop(): Promise<void> {
  try {
    await server?.stop();
  } finally {
    server = null;
    const closing = db;
    db = null;
    if (closing && !closing.closed) await closing.close();
  }
}

port?.on('message', (message: ToEmbeddedWorker) => {
  if (message.type !== 'stop') return;
  stop().then(
    () => {
      send({ type: 'stopped' });
      port.close();
    },
    (error: unknown) => {
      send({ type: 'stopped', error: error instanceof Error ? error.message : String(error) });
      port.close();
    },
  );
});

start().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
});

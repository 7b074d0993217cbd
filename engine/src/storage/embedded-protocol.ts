/** Messages between the engine and the embedded PostgreSQL worker (embedded-worker.ts). */
export interface EmbeddedWorkerData {
  readonly dataDir: string;
  /** Unix socket to listen on; null → TCP on 127.0.0.1, ephemeral port. */
  readonly socketPath: string | null;
  readonly maxConnections: number;
}

export type ToEmbeddedWorker = { readonly type: 'stop' };

export const STOP_MESSAGE: ToEmbeddedWorker = Object.freeze({ type: 'stop' });

export type FromEmbeddedWorker =
  | { readonly type: 'ready'; readonly socketPath: string }
  | { readonly type: 'ready'; readonly host: string; readonly port: number }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'stopped'; readonly error?: string };

import { uuidFrom } from '../util/ids.js';

interface Session {
  id: string;
  lastSeen: number;
}

export type HeartbeatResult = { ok: true; id: string } | { ok: false; current: string };

/**
 * Dead-man switch per API key: once a key has sent a heartbeat, missing the next one for the timeout
 * cancels all of that key's orders (once; the key must start heartbeats again afterwards).
 */
export class Heartbeats {
  private readonly sessions = new Map<string, Session>();
  private counter = 0;

  constructor(
    private readonly seed: number,
    private readonly timeoutMs: number,
  ) {}

  /** `previous` is "" / null to (re)start, or the id the last beat returned. */
  beat(apiKey: string, previous: string | null | undefined, now: number): HeartbeatResult {
    const session = this.sessions.get(apiKey);
    if (session && previous && previous !== session.id) return { ok: false, current: session.id };
    if (!session && previous) return { ok: false, current: '' };
    const id = uuidFrom(this.seed, 'heartbeat', apiKey, ++this.counter);
    this.sessions.set(apiKey, { id, lastSeen: now });
    return { ok: true, id };
  }

  /** Keys whose heartbeat lapsed; their sessions end here. */
  expired(now: number): string[] {
    const out: string[] = [];
    for (const [key, session] of this.sessions) {
      if (now - session.lastSeen > this.timeoutMs) {
        out.push(key);
        this.sessions.delete(key);
      }
    }
    return out;
  }

  active(apiKey: string): boolean {
    return this.sessions.has(apiKey);
  }
}

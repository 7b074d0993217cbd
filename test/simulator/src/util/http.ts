import type { IncomingHttpHeaders } from 'node:http';
import type { Service } from '../types.js';

/** A handler's answer; the service turns it into bytes (JSON unless `raw`). */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Sent verbatim instead of JSON-encoding `body` (e.g. the empty 200 of /balance-allowance/update). */
  raw?: string;
}

/** Thrown by handlers to answer `{"error": message}` with a status, as the venue does. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface RequestContext {
  readonly service: Service;
  readonly method: string;
  /** Path without the query string (what L2 HMACs sign). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** The exact body bytes received, as UTF-8 (HMACs sign these, never a re-serialisation). */
  readonly rawBody: string;
  readonly headers: IncomingHttpHeaders;
  readonly params: Readonly<Record<string, string>>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export function json(body: unknown, status = 200, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

export function header(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses the raw body as JSON or answers 400 with the venue's wording. */
export function parseBody(ctx: RequestContext, message = 'Invalid payload'): unknown {
  if (ctx.rawBody.trim() === '') throw new HttpError(400, message);
  try {
    return JSON.parse(ctx.rawBody) as unknown;
  } catch {
    throw new HttpError(400, message);
  }
}

/** Query values given repeatedly and/or comma-separated. */
export function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new HttpError(400, `invalid ${name}: ${v}`);
}

export function intParam(query: URLSearchParams, name: string, fallback: number, min = 0): number {
  const v = query.get(name);
  if (v === null || v === '') return fallback;
  if (!/^-?\d+$/.test(v)) throw new HttpError(400, `invalid ${name}: ${v}`);
  const n = Number(v);
  if (n < min) throw new HttpError(400, `invalid ${name}: ${v}`);
  return n;
}

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: Handler;
}

export type RouteMatch =
  | { kind: 'found'; handler: Handler; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

/** Minimal router: literal segments and `:name` placeholders, first match wins. */
export class Router {
  private readonly routes: Route[] = [];

  get(pattern: string, handler: Handler): this {
    return this.add('GET', pattern, handler);
  }

  post(pattern: string, handler: Handler): this {
    return this.add('POST', pattern, handler);
  }

  delete(pattern: string, handler: Handler): this {
    return this.add('DELETE', pattern, handler);
  }

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: split(pattern), handler });
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const segments = split(path);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method) return { kind: 'found', handler: route.handler, params };
    }
    return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(
  pattern: readonly string[],
  actual: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const a = actual[i] as string;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(a);
    else if (p !== a) return undefined;
  }
  return params;
}

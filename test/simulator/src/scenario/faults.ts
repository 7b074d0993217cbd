import { STATUS_CODES } from 'node:http';
import type { DelaySpec, DropSpec, FailSpec, Service } from '../types.js';
import type { Reply } from '../util/http.js';

interface Matcher {
  readonly path: string;
  readonly method: string | undefined;
  readonly service: Service | undefined;
  remaining: number;
}

interface FailRule extends Matcher {
  readonly kind: 'fail';
  readonly status: number;
  readonly retryAfter: number | undefined;
  readonly body: unknown;
}

interface DelayRule extends Matcher {
  readonly kind: 'delay';
  readonly ms: number;
}

interface DropRule extends Matcher {
  readonly kind: 'drop';
}

export type TerminalFault = FailRule | DropRule;

export interface FaultDecision {
  delayMs?: number;
  terminal?: TerminalFault;
}

/**
 * One-shot fault rules consumed by matching requests, in the order they were added. A request can
 * be delayed and then failed or dropped (a slow error), which is how a timeout-then-retry path is
 * exercised.
 */
export class Faults {
  private delays: DelayRule[] = [];
  private terminals: TerminalFault[] = [];

  failNext(spec: FailSpec): void {
    if (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599) {
      throw new RangeError(`failNext: status must be an HTTP error status, got ${spec.status}`);
    }
    this.terminals.push({
      kind: 'fail',
      ...matcher(spec),
      status: spec.status,
      retryAfter: spec.retryAfter,
      body: spec.body,
    });
  }

  delayNext(spec: DelaySpec): void {
    if (!(spec.ms >= 0)) throw new RangeError(`delayNext: ms must be >= 0, got ${spec.ms}`);
    this.delays.push({ kind: 'delay', ...matcher(spec), ms: spec.ms });
  }

  dropNext(spec: DropSpec): void {
    this.terminals.push({ kind: 'drop', ...matcher(spec) });
  }

  clear(): void {
    this.delays = [];
    this.terminals = [];
  }

  take(service: Service, method: string, path: string): FaultDecision {
    const decision: FaultDecision = {};
    const delay = consume(this.delays, service, method, path);
    if (delay) decision.delayMs = delay.ms;
    const terminal = consume(this.terminals, service, method, path);
    if (terminal) decision.terminal = terminal;
    this.delays = this.delays.filter((r) => r.remaining > 0);
    this.terminals = this.terminals.filter((r) => r.remaining > 0);
    return decision;
  }
}

/** The reply a `fail` rule produces: the venue's error body and retry hints. */
export function failReply(rule: FailRule): Reply {
  const headers: Record<string, string> = {};
  let body = rule.body;
  if (rule.status === 429) {
    headers['Retry-After'] = String(rule.retryAfter ?? 1);
    body ??= { error: 'Too Many Requests' };
  } else if (rule.status === 503) {
    body ??=
      rule.retryAfter === undefined
        ? { error: 'Trading is currently in cancel-only mode' }
        : { error: 'Trading is currently in cancel-only mode', retry_after_seconds: rule.retryAfter };
    if (rule.retryAfter !== undefined) headers['Retry-After'] = String(rule.retryAfter);
  } else {
    body ??= { error: STATUS_CODES[rule.status] ?? 'Error' };
    if (rule.retryAfter !== undefined) headers['Retry-After'] = String(rule.retryAfter);
  }
  return { status: rule.status, body, headers };
}

function matcher(spec: { path: string; method?: string; count?: number; service?: Service }): Matcher {
  const count = spec.count ?? 1;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`count must be a positive integer, got ${count}`);
  return { path: spec.path, method: spec.method?.toUpperCase(), service: spec.service, remaining: count };
}

function consume<R extends Matcher>(
  rules: R[],
  service: Service,
  method: string,
  path: string,
): R | undefined {
  for (const rule of rules) {
    if (rule.remaining <= 0) continue;
    if (rule.service !== undefined && rule.service !== service) continue;
    if (rule.method !== undefined && rule.method !== method) continue;
    const hit = rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : rule.path === path;
    if (!hit) continue;
    rule.remaining -= 1;
    return rule;
  }
  return undefined;
}

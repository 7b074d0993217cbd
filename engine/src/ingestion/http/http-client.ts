import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { RequestError, TimeoutError } from 'got';
import { inject, injectable } from 'tsyringe';
import type { Counter, Gauge, Histogram } from 'prom-client';
import { Tokens } from '../../di/tokens.js';
import type { EngineConfig } from '../../config/types.js';
import type { Logger } from '../../monitoring/logger.js';
import { LATENCY_BUCKETS, type MetricsRegistry } from '../../monitoring/metrics.js';
import { VenueError } from '../../errors.js';
import { describeValidationErrors, type Validator } from '../validation/ajv.js';
import { backoffDelay, parseRetryAfter } from './backoff.js';
import { Semaphore } from './semaphore.js';

export type Service = 'clob' | 'gamma' | 'data';

export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

export interface HttpRequest<T> {
  readonly service: Service;
  readonly method?: 'GET' | 'POST';
  /** Path on the service's base URL, e.g. "/book". */
  readonly path: string;
  /** Metric label; a template for paths with ids ("/markets/:id"). Defaults to `path`. */
  readonly endpoint?: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
  readonly validate: Validator<T>;
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly baseMs: number;
  readonly maxMs: number;
  /** A Retry-After longer than this is not waited for: the request fails as rate limited. */
  readonly maxRetryAfterMs: number;
}

type AttemptResult<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly error: VenueError;
      readonly retryable: boolean;
      readonly waitMs: number | null;
    };

const RETRYABLE_STATUS = new Set([425, 429, 500, 502, 503, 504]);

/**
 * Every REST call to Polymarket goes through here: at most `ingestion.httpConcurrency` requests in
 * flight, a timeout per attempt, retries with exponential backoff and jitter on 429/425/5xx and
 * network errors (Retry-After honoured), no retry on other 4xx, and every body validated against a
 * schema compiled once. A slot of the semaphore is held only while a request is on the wire, never
 * while waiting to retry.
 */
@injectable()
export class HttpClient {
  /** Tunable by the composition root (and tests); defaults follow the config. */
  retryPolicy: RetryPolicy;

  private readonly semaphore: Semaphore;
  private readonly bases: Record<Service, string>;
  private readonly timeoutMs: number;
  private readonly agents = {
    http: new HttpAgent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true }),
  };
  private readonly abort = new AbortController();
  private readonly sleeping = new Set<{ timer: NodeJS.Timeout; reject: (error: Error) => void }>();
  private readonly latency: Histogram<'service' | 'endpoint'>;
  private readonly errors: Counter<'service' | 'endpoint' | 'reason'>;
  private readonly retries: Counter<'service' | 'endpoint'>;
  private readonly inFlight: Gauge;

  constructor(
    @inject(Tokens.Config) config: EngineConfig,
    @inject(Tokens.Logger) private readonly logger: Logger,
    @inject(Tokens.Metrics) metrics: MetricsRegistry,
  ) {
    const { polymarket, ingestion } = config;
    this.semaphore = new Semaphore(ingestion.httpConcurrency);
    this.timeoutMs = ingestion.httpTimeoutMs;
    this.retryPolicy = { retries: ingestion.httpRetries, baseMs: 250, maxMs: 8_000, maxRetryAfterMs: 60_000 };
    const trim = (url: string): string => url.replace(/\/+$/, '');
    this.bases = {
      clob: trim(polymarket.clobUrl),
      gamma: trim(polymarket.gammaUrl),
      data: trim(polymarket.dataUrl),
    };
    this.latency = metrics.histogram(
      'polybot_http_request_duration_seconds',
      'Latency of one REST attempt to Polymarket, by service and endpoint',
      ['service', 'endpoint'],
      LATENCY_BUCKETS,
    );
    this.errors = metrics.counter(
      'polybot_http_errors_total',
      'Failed REST attempts to Polymarket, by HTTP status or reason (timeout, network, malformed)',
      ['service', 'endpoint', 'reason'],
    );
    this.retries = metrics.counter('polybot_http_retries_total', 'REST attempts retried', [
      'service',
      'endpoint',
    ]);
    this.inFlight = metrics.gauge('polybot_http_in_flight', 'REST requests on the wire right now');
  }

  get requestsInFlight(): number {
    return this.semaphore.inFlight;
  }

  async request<T>(request: HttpRequest<T>): Promise<T> {
    const endpoint = request.endpoint ?? request.path;
    const policy = this.retryPolicy;
    for (let attempt = 0; ; attempt++) {
      if (this.abort.signal.aborted) throw new VenueError('client_closed', 'the HTTP client is closed');
      const result = await this.semaphore.run(() => this.attempt(request, endpoint));
      if (result.ok) return result.value;
      const { error } = result;
      if (!result.retryable || attempt >= policy.retries) {
        this.logger.debug('polymarket request failed', {
          component: 'http',
          service: request.service,
          endpoint,
          attempts: attempt + 1,
          error: error.message,
        });
        throw error;
      }
      if (result.waitMs !== null && result.waitMs > policy.maxRetryAfterMs) {
        throw new VenueError(
          error.code,
          `${error.message}; Retry-After ${Math.round(result.waitMs / 1000)} s exceeds the ${policy.maxRetryAfterMs / 1000} s we wait`,
          error.status,
        );
      }
      const delay = result.waitMs ?? backoffDelay(policy, attempt);
      this.retries.labels(request.service, endpoint).inc();
      this.logger.debug('retrying polymarket request', {
        component: 'http',
        service: request.service,
        endpoint,
        attempt: attempt + 1,
        delayMs: delay,
        error: error.message,
      });
      await this.sleep(delay);
    }
  }

  /** Cancels requests in flight and pending retries, and frees the keep-alive sockets. */
  close(): void {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    for (const sleeper of this.sleeping) {
      clearTimeout(sleeper.timer);
      sleeper.reject(new VenueError('client_closed', 'the HTTP client is closed'));
    }
    this.sleeping.clear();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async attempt<T>(request: HttpRequest<T>, endpoint: string): Promise<AttemptResult<T>> {
    const { service } = request;
    const url = this.bases[service] + request.path;
    const fail = (
      reason: string,
      error: VenueError,
      retryable: boolean,
      waitMs: number | null = null,
    ): AttemptResult<T> => {
      this.errors.labels(service, endpoint, reason).inc();
      return { ok: false, error, retryable, waitMs };
    };
    const stopTimer = this.latency.startTimer({ service, endpoint });
    this.inFlight.inc();
    let statusCode: number;
    let body: string;
    let retryAfterHeader: string | string[] | undefined;
    try {
      const response = await got(url, {
        method: request.method ?? 'GET',
        searchParams: toSearchParams(request.query),
        ...(request.body === undefined ? {} : { json: request.body }),
        headers: { accept: 'application/json' },
        timeout: { request: this.timeoutMs },
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
        responseType: 'text',
        agent: this.agents,
        signal: this.abort.signal,
      });
      statusCode = response.statusCode;
      body = response.body;
      retryAfterHeader = response.headers['retry-after'];
    } catch (error) {
      if (error instanceof TimeoutError) {
        return fail(
          'timeout',
          new VenueError('timeout', `${service} ${endpoint} timed out after ${this.timeoutMs} ms`),
          true,
        );
      }
      if (this.abort.signal.aborted) {
        return fail('aborted', new VenueError('client_closed', 'the HTTP client is closed'), false);
      }
      const code = error instanceof RequestError ? error.code : 'unknown';
      return fail(
        'network',
        new VenueError('network', `${service} ${endpoint} failed: ${code} ${describe(error)}`, undefined, {
          cause: error,
        }),
        true,
      );
    } finally {
      stopTimer();
      this.inFlight.dec();
    }

    if (statusCode >= 200 && statusCode < 300) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return fail(
          'malformed',
          new VenueError(
            'malformed_response',
            `${service} ${endpoint} answered ${statusCode} with a body that is not JSON: ${sample(body)}`,
            statusCode,
          ),
          false,
        );
      }
      if (!request.validate(parsed)) {
        return fail(
          'malformed',
          new VenueError(
            'malformed_response',
            `${service} ${endpoint} answered an unexpected shape: ${describeValidationErrors(request.validate.errors)}`,
            statusCode,
          ),
          false,
        );
      }
      return { ok: true, value: parsed };
    }

    const reason = String(statusCode);
    const message = `${service} ${endpoint} answered HTTP ${statusCode}${errorText(body)}`;
    if (statusCode === 404) return fail(reason, new VenueError('not_found', message, statusCode), false);
    if (RETRYABLE_STATUS.has(statusCode)) {
      const waitMs = parseRetryAfter(retryAfterHeader, Date.now()) ?? retryAfterFromBody(body);
      const code =
        statusCode === 429 ? 'rate_limited' : statusCode === 425 ? 'venue_restarting' : 'server_error';
      return fail(reason, new VenueError(code, message, statusCode), true, waitMs);
    }
    return fail(reason, new VenueError('http_status', message, statusCode), false);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleeping.delete(sleeper);
          resolve();
        }, ms),
        reject,
      };
      this.sleeping.add(sleeper);
    });
  }
}

function toSearchParams(query: HttpRequest<unknown>['query']): URLSearchParams | undefined {
  if (!query) return undefined;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  return params;
}

function sample(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The venue's error bodies are `{"error":"…"}`; show that text, truncated. */
function errorText(body: string): string {
  if (body === '') return '';
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'error' in parsed) return `: ${sample(String(parsed.error))}`;
  } catch {
    // not JSON: fall through to the raw sample
  }
  return `: ${sample(body)}`;
}

/** Cancel-only / post-only periods answer 503 with `retry_after_seconds` in the body (reference §17). */
function retryAfterFromBody(body: string): number | null {
  if (!body.includes('retry_after_seconds')) return null;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'retry_after_seconds' in parsed) {
      const seconds = Number(parsed.retry_after_seconds);
      if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
    }
  } catch {
    // unreadable body: fall back to backoff
  }
  return null;
}

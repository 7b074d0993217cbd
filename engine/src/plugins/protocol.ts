/**
 * The host ↔ strategy-runtime wire protocol, version 1: every message both sides exchange, in
 * this one file. The host sends requests with increasing ids; the runtime answers each id once,
 * in order. Everything the runtime sends is untrusted (it runs third-party code that can post
 * on the same port), so `parseRuntimeMessage` checks shapes and caps sizes before the host uses
 * any field. Plain JSON-shaped data only: structured clone drops Error fields and prototypes.
 *
 * Sequence: init → loaded | failed; start(params) → started | failed; then any number of
 * eval → result | failed | skipped and batch → batchResult; finally stop → stopped.
 *
 * The runtime imports this module too, so it may depend on nothing but the SDK.
 */
import type { JsonSchema } from '@polybot/sdk';
import type { StrategyInput } from './types.js';

export const PROTOCOL_VERSION = 1;

/** Caps on what the host keeps from a runtime message. */
export const LIMITS = Object.freeze({
  errorMessageChars: 1_000,
  errorStackChars: 4_000,
  nameChars: 64,
  versionChars: 64,
  descriptionChars: 1_000,
  /** JSON length of a strategy's paramsSchema or defaultParams. */
  schemaJsonChars: 64 * 1024,
  /** Contexts in one batch message. */
  batchSize: 1_000,
});

// ─── Host → runtime ──────────────────────────────────────────────────────────────────────

export interface InitMessage {
  readonly type: 'init';
  readonly protocol: typeof PROTOCOL_VERSION;
  readonly id: number;
  /** file: URL of the plugin's entry module. */
  readonly entry: string;
  /** The API version the manifest declared; the export must match it. */
  readonly apiVersion: number;
}

export interface StartMessage {
  readonly type: 'start';
  readonly id: number;
  /** The instance name; the runtime puts it into every context as `strategy`. */
  readonly instance: string;
  /** Validated params: defaults merged with the deployment's values. */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface EvaluateMessage {
  readonly type: 'eval';
  readonly id: number;
  /** Epoch ms; the host has given up on this request after it, so the runtime skips it. */
  readonly deadline: number;
  readonly input: StrategyInput;
}

export interface EvaluateBatchMessage {
  readonly type: 'batch';
  readonly id: number;
  /** Epoch ms; items not started by then are answered as skipped. */
  readonly deadline: number;
  readonly inputs: readonly StrategyInput[];
}

export interface StopMessage {
  readonly type: 'stop';
  readonly id: number;
}

export type HostMessage = InitMessage | StartMessage | EvaluateMessage | EvaluateBatchMessage | StopMessage;

// ─── Runtime → host ──────────────────────────────────────────────────────────────────────

/** An error as data: name, message, an optional code and stack. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/** What the runtime learned from the strategy's default export. */
export interface StrategyMeta {
  readonly name: string;
  readonly version: string;
  readonly apiVersion: number;
  readonly description?: string;
  readonly paramsSchema?: JsonSchema;
  readonly defaultParams?: Readonly<Record<string, unknown>>;
}

export interface LoadedMessage {
  readonly type: 'loaded';
  readonly id: number;
  readonly protocol: number;
  readonly meta: StrategyMeta;
}

export interface StartedMessage {
  readonly type: 'started';
  readonly id: number;
}

/** `signal` is whatever the strategy returned; the host validates it. `ms` is the runtime's own timing. */
export interface ResultMessage {
  readonly type: 'result';
  readonly id: number;
  readonly signal: unknown;
  readonly ms: number;
}

export type BatchItem =
  | { readonly signal: unknown; readonly ms: number }
  | { readonly error: WireError; readonly ms: number }
  | { readonly skipped: true };

export interface BatchResultMessage {
  readonly type: 'batchResult';
  readonly id: number;
  readonly items: readonly BatchItem[];
}

/** Load failures carry a code so the host can name the failed check. */
export type FailureCode =
  | 'import_failed'
  | 'not_branded'
  | 'api_mismatch'
  | 'invalid_definition'
  | 'start_failed'
  | 'evaluate_threw'
  | 'unsendable'
  | 'bad_request';

export interface FailedMessage {
  readonly type: 'failed';
  readonly id: number;
  readonly code: FailureCode;
  readonly error: WireError;
}

/** The runtime reached the request after its deadline and did not run it. */
export interface SkippedMessage {
  readonly type: 'skipped';
  readonly id: number;
}

export interface StoppedMessage {
  readonly type: 'stopped';
  readonly id: number;
}

export type RuntimeMessage =
  | LoadedMessage
  | StartedMessage
  | ResultMessage
  | BatchResultMessage
  | FailedMessage
  | SkippedMessage
  | StoppedMessage;

// ─── Validation of runtime messages (host side) ──────────────────────────────────────────

export type ParsedMessage =
  { readonly ok: true; readonly message: RuntimeMessage } | { readonly ok: false; readonly problem: string };

const FAILURE_CODES: ReadonlySet<string> = new Set<FailureCode>([
  'import_failed',
  'not_branded',
  'api_mismatch',
  'invalid_definition',
  'start_failed',
  'evaluate_threw',
  'unsendable',
  'bad_request',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function clip(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

/** Copies the fields of an error we keep, clipped; anything else becomes a generic error. */
export function sanitizeWireError(value: unknown): WireError {
  if (!isRecord(value)) return { name: 'Error', message: clip(String(value), LIMITS.errorMessageChars) };
  const name = typeof value['name'] === 'string' ? clip(value['name'], LIMITS.nameChars) : 'Error';
  const message =
    typeof value['message'] === 'string' ? clip(value['message'], LIMITS.errorMessageChars) : 'unknown error';
  const out: { name: string; message: string; code?: string; stack?: string } = { name, message };
  if (typeof value['code'] === 'string') out.code = clip(value['code'], LIMITS.nameChars);
  if (typeof value['stack'] === 'string') out.stack = clip(value['stack'], LIMITS.errorStackChars);
  return out;
}

/** Turns anything thrown into a WireError (runtime side). */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return sanitizeWireError({
      name: error.name,
      message: error.message,
      stack: error.stack,
      ...(typeof code === 'string' ? { code } : {}),
    });
  }
  return sanitizeWireError({ name: 'Error', message: typeof error === 'string' ? error : safeString(error) });
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function parseMeta(value: unknown): StrategyMeta | string {
  if (!isRecord(value)) return 'meta must be an object';
  const { name, version, apiVersion, description, paramsSchema, defaultParams } = value;
  if (typeof name !== 'string' || name.length === 0 || name.length > LIMITS.nameChars)
    return 'meta.name must be a short string';
  if (typeof version !== 'string' || version.length > LIMITS.versionChars)
    return 'meta.version must be a short string';
  if (typeof apiVersion !== 'number' || !Number.isSafeInteger(apiVersion))
    return 'meta.apiVersion must be an integer';
  if (description !== undefined && typeof description !== 'string')
    return 'meta.description must be a string';
  if (
    paramsSchema !== undefined &&
    (!isRecord(paramsSchema) || jsonLength(paramsSchema) > LIMITS.schemaJsonChars)
  )
    return `meta.paramsSchema must be a JSON object of at most ${LIMITS.schemaJsonChars} characters`;
  if (
    defaultParams !== undefined &&
    (!isRecord(defaultParams) || jsonLength(defaultParams) > LIMITS.schemaJsonChars)
  )
    return `meta.defaultParams must be a JSON object of at most ${LIMITS.schemaJsonChars} characters`;
  return {
    name,
    version,
    apiVersion,
    ...(typeof description === 'string' ? { description: clip(description, LIMITS.descriptionChars) } : {}),
    ...(paramsSchema !== undefined ? { paramsSchema: paramsSchema as JsonSchema } : {}),
    ...(defaultParams !== undefined ? { defaultParams } : {}),
  };
}

function parseBatchItem(value: unknown): BatchItem | null {
  if (!isRecord(value)) return null;
  if (value['skipped'] === true) return { skipped: true };
  const ms = isDuration(value['ms']) ? value['ms'] : 0;
  if ('error' in value) return { error: sanitizeWireError(value['error']), ms };
  if ('signal' in value) return { signal: value['signal'], ms };
  return null;
}

/**
 * Checks one message from a runtime. Signals inside stay `unknown`: the host validates them with
 * the SDK's `validateSignal` where it knows which request they answer.
 */
export function parseRuntimeMessage(raw: unknown): ParsedMessage {
  if (!isRecord(raw)) return { ok: false, problem: 'message is not an object' };
  const { type, id } = raw;
  if (!isId(id)) return { ok: false, problem: `message has no valid id (type ${safeString(type)})` };
  switch (type) {
    case 'result':
      return {
        ok: true,
        message: { type, id, signal: raw['signal'], ms: isDuration(raw['ms']) ? raw['ms'] : 0 },
      };
    case 'batchResult': {
      const items = raw['items'];
      if (!Array.isArray(items) || items.length > LIMITS.batchSize)
        return { ok: false, problem: 'batchResult.items must be an array of batch size' };
      const parsed: BatchItem[] = [];
      for (const item of items) {
        const one = parseBatchItem(item);
        if (one === null) return { ok: false, problem: 'batchResult has a malformed item' };
        parsed.push(one);
      }
      return { ok: true, message: { type, id, items: parsed } };
    }
    case 'failed': {
      const code = raw['code'];
      if (typeof code !== 'string' || !FAILURE_CODES.has(code))
        return { ok: false, problem: `failed message has an unknown code ${safeString(code)}` };
      return {
        ok: true,
        message: { type, id, code: code as FailureCode, error: sanitizeWireError(raw['error']) },
      };
    }
    case 'skipped':
    case 'started':
    case 'stopped':
      return { ok: true, message: { type, id } };
    case 'loaded': {
      const protocol = raw['protocol'];
      if (protocol !== PROTOCOL_VERSION)
        return {
          ok: false,
          problem: `runtime speaks protocol ${safeString(protocol)}, host ${PROTOCOL_VERSION}`,
        };
      const meta = parseMeta(raw['meta']);
      if (typeof meta === 'string') return { ok: false, problem: meta };
      return { ok: true, message: { type, id, protocol, meta } };
    }
    default:
      return { ok: false, problem: `unknown message type ${clip(safeString(type), 40)}` };
  }
}

/**
 * The strategy runtime: the entry of every strategy worker thread (or child process in
 * `isolation: "process"`). It imports one plugin, checks its export, then answers the host's
 * requests one at a time, in order. It runs under Node's permission model with an empty
 * environment, so it holds no secrets; it is the plugin's only link to the engine.
 *
 * Imports are limited to node builtins, the SDK and the protocol module: the permission flags
 * grant reads to exactly those files.
 */
import { parentPort } from 'node:worker_threads';
import { checkStrategyDefinition, STRATEGY_BRAND, type Strategy, type StrategyContext } from '@polybot/sdk';
import {
  PROTOCOL_VERSION,
  toWireError,
  type BatchItem,
  type EvaluateBatchMessage,
  type EvaluateMessage,
  type FailureCode,
  type InitMessage,
  type RuntimeMessage,
  type StartMessage,
  type StrategyMeta,
} from './protocol.js';
import type { StrategyInput } from './types.js';

interface Channel {
  send(message: RuntimeMessage): void;
  listen(handler: (message: unknown) => void): void;
}

function openChannel(): Channel {
  const port = parentPort;
  if (port !== null) {
    return { send: (message) => port.postMessage(message), listen: (handler) => port.on('message', handler) };
  }
  const send = process.send?.bind(process);
  if (send !== undefined) {
    // The host went away: nothing left to answer.
    process.on('disconnect', () => process.exit(0));
    return {
      send: (message) => {
        send(message);
      },
      listen: (handler) => process.on('message', handler),
    };
  }
  throw new Error('the strategy runtime must run in a worker thread or a forked process');
}

const channel = openChannel();
let strategy: Strategy | null = null;
let instance = '';
let params: Readonly<Record<string, unknown>> = Object.freeze({});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function fail(id: number, code: FailureCode, error: unknown): void {
  channel.send({ type: 'failed', id, code, error: toWireError(error) });
}

/** Sends a message that carries strategy output; output that cannot be cloned becomes a failure. */
function sendOutput(id: number, message: RuntimeMessage): void {
  try {
    channel.send(message);
  } catch (error) {
    fail(id, 'unsendable', new Error(`the strategy's answer cannot be sent: ${toWireError(error).message}`));
  }
}

function contextFor(input: StrategyInput): StrategyContext {
  return { ...input, strategy: instance, params };
}

// ─── Handlers ────────────────────────────────────────────────────────────────────────────

async function handleInit(message: InitMessage): Promise<void> {
  let loaded: unknown;
  try {
    loaded = ((await import(message.entry)) as { default?: unknown }).default;
  } catch (error) {
    fail(message.id, 'import_failed', error);
    return;
  }
  const candidate = loaded as Partial<Strategy> | null | undefined;
  if (typeof candidate !== 'object' || candidate === null || candidate.$$type !== STRATEGY_BRAND) {
    fail(
      message.id,
      'not_branded',
      new Error('the default export is not a strategy made with defineStrategy() from @polybot/sdk'),
    );
    return;
  }
  if (candidate.apiVersion !== message.apiVersion) {
    fail(
      message.id,
      'api_mismatch',
      new Error(
        `the exported strategy targets SDK API ${String(candidate.apiVersion)} but its package.json declares ${message.apiVersion}`,
      ),
    );
    return;
  }
  const problems = checkStrategyDefinition(candidate);
  if (problems.length > 0) {
    fail(message.id, 'invalid_definition', new Error(problems.join('; ')));
    return;
  }
  strategy = candidate as Strategy;
  const meta: StrategyMeta = {
    name: strategy.name,
    version: strategy.version,
    apiVersion: strategy.apiVersion,
    ...(strategy.description !== undefined ? { description: strategy.description } : {}),
    ...(strategy.paramsSchema !== undefined ? { paramsSchema: strategy.paramsSchema } : {}),
    ...(strategy.defaultParams !== undefined
      ? { defaultParams: strategy.defaultParams as Record<string, unknown> }
      : {}),
  };
  try {
    channel.send({ type: 'loaded', id: message.id, protocol: PROTOCOL_VERSION, meta });
  } catch (error) {
    fail(
      message.id,
      'invalid_definition',
      new Error(`paramsSchema or defaultParams is not plain data: ${String(error)}`),
    );
  }
}

async function handleStart(message: StartMessage): Promise<void> {
  if (strategy === null) return fail(message.id, 'bad_request', new Error('start before a successful init'));
  instance = message.instance;
  params = deepFreeze(message.params);
  try {
    await strategy.onStart?.({ name: instance, params });
  } catch (error) {
    fail(message.id, 'start_failed', error);
    return;
  }
  channel.send({ type: 'started', id: message.id });
}

function handleEvaluate(message: EvaluateMessage): Promise<void> | void {
  if (strategy === null)
    return fail(message.id, 'bad_request', new Error('evaluate before a successful init'));
  if (Date.now() > message.deadline) {
    channel.send({ type: 'skipped', id: message.id });
    return;
  }
  const started = performance.now();
  let answer: unknown;
  try {
    answer = strategy.evaluate(contextFor(message.input));
  } catch (error) {
    return fail(message.id, 'evaluate_threw', error);
  }
  if (isThenable(answer)) {
    return Promise.resolve(answer).then(
      (signal) =>
        sendOutput(message.id, { type: 'result', id: message.id, signal, ms: performance.now() - started }),
      (error: unknown) => fail(message.id, 'evaluate_threw', error),
    );
  }
  sendOutput(message.id, { type: 'result', id: message.id, signal: answer, ms: performance.now() - started });
}

function handleBatch(message: EvaluateBatchMessage): Promise<void> | void {
  const current = strategy;
  if (current === null)
    return fail(message.id, 'bad_request', new Error('evaluate before a successful init'));
  const { inputs, deadline } = message;
  const items: BatchItem[] = new Array<BatchItem>(inputs.length);
  let index = 0;
  // Synchronous strategies run the whole batch in one loop; the first promise switches to async.
  const step = (): Promise<void> | void => {
    for (; index < inputs.length; index++) {
      if (Date.now() > deadline) {
        items[index] = { skipped: true };
        continue;
      }
      const started = performance.now();
      let answer: unknown;
      try {
        answer = current.evaluate(contextFor(inputs[index]!));
      } catch (error) {
        items[index] = { error: toWireError(error), ms: performance.now() - started };
        continue;
      }
      if (isThenable(answer)) {
        const at = index++;
        return Promise.resolve(answer)
          .then(
            (signal) => {
              items[at] = { signal, ms: performance.now() - started };
            },
            (error: unknown) => {
              items[at] = { error: toWireError(error), ms: performance.now() - started };
            },
          )
          .then(step);
      }
      items[index] = { signal: answer, ms: performance.now() - started };
    }
    sendOutput(message.id, { type: 'batchResult', id: message.id, items });
  };
  return step();
}

async function handleStop(id: number): Promise<void> {
  try {
    await strategy?.onStop?.();
  } catch {
    // The worker is going away either way; a failing onStop changes nothing.
  }
  channel.send({ type: 'stopped', id });
}

// ─── Dispatch: one request at a time, in arrival order ──────────────────────────────────

function handle(raw: unknown): Promise<void> | void {
  const message = raw as { type?: unknown; id?: unknown };
  const id = typeof message.id === 'number' ? message.id : -1;
  switch (message.type) {
    case 'eval':
      return handleEvaluate(raw as EvaluateMessage);
    case 'batch':
      return handleBatch(raw as EvaluateBatchMessage);
    case 'init': {
      const init = raw as InitMessage;
      if (init.protocol !== PROTOCOL_VERSION)
        return fail(
          id,
          'bad_request',
          new Error(`host speaks protocol ${String(init.protocol)}, runtime ${PROTOCOL_VERSION}`),
        );
      return handleInit(init);
    }
    case 'start':
      return handleStart(raw as StartMessage);
    case 'stop':
      return handleStop(id);
    default:
      return fail(id, 'bad_request', new Error(`unknown request type ${String(message.type)}`));
  }
}

let busy = false;
const backlog: unknown[] = [];

function dispatch(raw: unknown): void {
  let pending: Promise<void> | void;
  try {
    pending = handle(raw);
  } catch (error) {
    // A bug here must not wedge the queue; the host times the request out.
    console.error('strategy runtime: request handling failed', error);
    return;
  }
  if (pending !== undefined) {
    busy = true;
    pending
      .catch((error: unknown) => console.error('strategy runtime: request handling failed', error))
      .finally(() => {
        busy = false;
        while (!busy && backlog.length > 0) dispatch(backlog.shift());
      });
  }
}

channel.listen((raw) => {
  if (busy) backlog.push(raw);
  else dispatch(raw);
});

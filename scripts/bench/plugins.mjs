// Plugin host benchmark: what a strategy evaluation costs through the StrategyHost (worker
// thread with permission flags, protocol, validation, budget timers, metrics) beside
//   - a direct in-process call of the same strategy,
//   - a raw postMessage echo worker (same context in, a 6-field signal out),
// all measured in the same run, then batched evaluation beside a raw pipelined echo.
// Goals (issue 5): p50 <= 1.5x raw echo, p99 < 1 ms, batched >= 75% of pipelined echo.
//
// Usage: npm run build && node scripts/bench/plugins.mjs [--rounds 5] [--n 5000] [--json out.json] [--check]
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createContext } from '@polybot/sdk/testing';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { StrategyHost, testConfig, createSilentLogger, MetricsRegistry } = await import(
  join(root, 'engine', 'dist', 'index.js')
);
const { default: highProbYes } = await import(join(root, 'plugins', 'high_prob_yes', 'dist', 'index.js'));

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : args[at + 1];
};
const ROUNDS = Number(option('rounds', 5));
const N = Number(option('n', 5000));
const PIPELINE_TOTAL = Number(option('pipeline', 20000)); // a multiple of CHUNKS × BATCH
const IN_FLIGHT = 100;
const BATCH = 100;

// The context of the measurements doc: ~1.1 KB as JSON, a 10x2 book.
const levels = (start, step) =>
  Array.from({ length: 10 }, (_, i) => ({ price: +(start + step * i).toFixed(2), size: 100 + i }));
const {
  strategy: _strategy,
  params: _params,
  ...input
} = createContext({
  book: { bids: levels(0.95, -0.01), asks: levels(0.96, 0.01) },
  market: {
    question: 'Will the benchmark context be about one kilobyte as JSON?',
    tags: ['bench', 'plugins'],
  },
});
const fullContext = { ...input, strategy: 'high_prob_yes', params: highProbYes.defaultParams };

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function stats(samples) {
  const sorted = Float64Array.from(samples).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

// ─── Raw echo worker ─────────────────────────────────────────────────────────────────────
const ECHO_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (ctx) => {
  parentPort.postMessage({ action: 'BUY', reason: 'echo', price: ctx.trigger.price, notional: 20, orderType: 'GTC', expiresInSeconds: 0 });
});`;

function startEcho() {
  return new Promise((resolve) => {
    const worker = new Worker(ECHO_SOURCE, { eval: true, env: {} });
    worker.once('online', () => resolve(worker));
  });
}

function echoSequential(worker, n) {
  return new Promise((resolve) => {
    const samples = new Float64Array(n);
    let i = 0;
    let sent = 0;
    const onMessage = () => {
      samples[i] = performance.now() - sent;
      i++;
      if (i === n) {
        worker.off('message', onMessage);
        resolve(samples);
        return;
      }
      sent = performance.now();
      worker.postMessage(input);
    };
    worker.on('message', onMessage);
    sent = performance.now();
    worker.postMessage(input);
  });
}

function echoPipelined(worker, total) {
  return new Promise((resolve) => {
    let received = 0;
    let sent = 0;
    const started = performance.now();
    const onMessage = () => {
      received++;
      if (sent < total) {
        sent++;
        worker.postMessage(input);
      }
      if (received === total) {
        worker.off('message', onMessage);
        resolve(total / ((performance.now() - started) / 1000));
      }
    };
    worker.on('message', onMessage);
    for (; sent < IN_FLIGHT; sent++) worker.postMessage(input);
  });
}

// ─── Host paths ──────────────────────────────────────────────────────────────────────────
async function hostSequential(host, name, n) {
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const result = await host.evaluate(name, input);
    samples[i] = performance.now() - started;
    if (result.status !== 'ok') throw new Error(`unexpected result ${JSON.stringify(result)}`);
  }
  return samples;
}

async function hostBatched(host, name, total) {
  // Distinct objects: structured clone would serialize one shared object only once.
  const batch = Array.from({ length: BATCH }, () => structuredClone(input));
  const started = performance.now();
  for (let done = 0; done < total; done += BATCH) {
    const results = await host.evaluateBatch(name, batch);
    if (results.some((r) => r.status !== 'ok')) throw new Error('a batch evaluation failed');
  }
  return total / ((performance.now() - started) / 1000);
}

function direct(n) {
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i < n; i++) sink += highProbYes.evaluate(fullContext).reason.length;
  const perCallUs = ((performance.now() - started) * 1000) / n;
  if (sink === 0) throw new Error('unreachable');
  return perCallUs;
}

async function startHost(isolation) {
  const config = testConfig({
    strategies: [{ package: 'high_prob_yes', isolation }],
    // A generous budget: the benchmark measures speed, not the budget path.
    plugins: { dir: join(root, '.polybot', 'bench-plugins'), defaultBudgetMs: 500, hardLimitMs: 5000 },
  });
  const host = new StrategyHost(config, createSilentLogger(), new MetricsRegistry());
  await host.start(root);
  return host;
}

// ─── Run ─────────────────────────────────────────────────────────────────────────────────
const echo = await startEcho();
const host = await startHost('worker');
const processHost = await startHost('process');

// Warm-up: JIT both sides of every path.
direct(200_000);
await echoSequential(echo, 2000);
await hostSequential(host, 'high_prob_yes', 2000);
await hostSequential(processHost, 'high_prob_yes', 500);
await echoPipelined(echo, 5000);
await hostBatched(host, 'high_prob_yes', 5000);

// Each round interleaves short chunks of the echo and host paths, so both see the same VM
// noise (wake-up latency on this class of VM is bimodal and drifts).
const CHUNKS = 10;
const rounds = {
  direct: [],
  echo: [],
  host: [],
  process: [],
  ratio: [],
  echoPipelined: [],
  hostBatched: [],
  batchRatio: [],
};
for (let round = 0; round < ROUNDS; round++) {
  rounds.direct.push(direct(1_000_000));
  const echoSamples = [];
  const hostSamples = [];
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    echoSamples.push(...(await echoSequential(echo, N / CHUNKS)));
    hostSamples.push(...(await hostSequential(host, 'high_prob_yes', N / CHUNKS)));
  }
  const echoStats = stats(echoSamples);
  const hostStats = stats(hostSamples);
  rounds.echo.push(echoStats);
  rounds.host.push(hostStats);
  rounds.ratio.push(hostStats.p50 / echoStats.p50);
  rounds.process.push(stats(await hostSequential(processHost, 'high_prob_yes', Math.floor(N / 2))));
  // Throughput, interleaved the same way: total evaluations over total time of each path.
  let echoSeconds = 0;
  let hostSeconds = 0;
  const perChunk = PIPELINE_TOTAL / CHUNKS;
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    echoSeconds += perChunk / (await echoPipelined(echo, perChunk));
    hostSeconds += perChunk / (await hostBatched(host, 'high_prob_yes', perChunk));
  }
  rounds.echoPipelined.push(PIPELINE_TOTAL / echoSeconds);
  rounds.hostBatched.push(PIPELINE_TOTAL / hostSeconds);
  rounds.batchRatio.push(echoSeconds / hostSeconds);
}
await host.stop();
await processHost.stop();
await echo.terminate();

const us = (ms) => Math.round(ms * 1000 * 10) / 10;
const summary = {
  node: process.version,
  rounds: ROUNDS,
  evaluationsPerRound: N,
  contextJsonBytes: JSON.stringify(input).length,
  directCallUs: Math.round(median(rounds.direct) * 1000) / 1000,
  rawEchoUs: {
    p50: us(median(rounds.echo.map((s) => s.p50))),
    p99: us(median(rounds.echo.map((s) => s.p99))),
  },
  hostWorkerUs: {
    p50: us(median(rounds.host.map((s) => s.p50))),
    p99: us(median(rounds.host.map((s) => s.p99))),
  },
  hostProcessUs: {
    p50: us(median(rounds.process.map((s) => s.p50))),
    p99: us(median(rounds.process.map((s) => s.p99))),
  },
  rawPipelinedEvalsPerSec: Math.round(median(rounds.echoPipelined)),
  hostBatchedEvalsPerSec: Math.round(median(rounds.hostBatched)),
};
const ratios = {
  // The median over rounds of each round's own host/echo ratio.
  p50VsEcho: Math.round(median(rounds.ratio) * 100) / 100,
  batchedVsPipelined:
    Math.round((summary.hostBatchedEvalsPerSec / summary.rawPipelinedEvalsPerSec) * 100) / 100,
};
const goals = {
  'p50 <= 1.5x raw echo': ratios.p50VsEcho <= 1.5,
  'p99 < 1 ms': summary.hostWorkerUs.p99 < 1000,
  'batched >= 75% of pipelined echo': ratios.batchedVsPipelined >= 0.75,
};

console.log(
  `plugin host benchmark (${process.version}, ${ROUNDS} rounds × ${N} evaluations, context ${summary.contextJsonBytes} B)`,
);
console.log(`  direct in-process call        ${summary.directCallUs} µs`);
console.log(
  `  raw postMessage echo          p50 ${summary.rawEchoUs.p50} µs   p99 ${summary.rawEchoUs.p99} µs`,
);
console.log(
  `  StrategyHost.evaluate worker  p50 ${summary.hostWorkerUs.p50} µs   p99 ${summary.hostWorkerUs.p99} µs   (${ratios.p50VsEcho}× echo)`,
);
console.log(
  `  StrategyHost.evaluate process p50 ${summary.hostProcessUs.p50} µs   p99 ${summary.hostProcessUs.p99} µs`,
);
console.log(`  raw pipelined echo (${IN_FLIGHT} in flight)  ${summary.rawPipelinedEvalsPerSec} evals/s`);
console.log(
  `  StrategyHost.evaluateBatch (${BATCH}/msg)  ${summary.hostBatchedEvalsPerSec} evals/s   (${Math.round(ratios.batchedVsPipelined * 100)}% of pipelined echo)`,
);
for (const [goal, met] of Object.entries(goals)) console.log(`  goal ${met ? 'met   ' : 'MISSED'} ${goal}`);

const jsonPath = option('json', null);
if (jsonPath)
  writeFileSync(
    jsonPath,
    `${JSON.stringify({ benchmark: 'plugins', ...summary, ratios, goals }, null, 2)}\n`,
  );
if (args.includes('--check') && Object.values(goals).includes(false)) process.exitCode = 1;

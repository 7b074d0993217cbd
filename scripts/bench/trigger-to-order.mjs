// Trigger-to-order latency: from a last_trade_price frame arriving on the market WebSocket to
// the signed order being handed to the venue, through the whole engine (ingestion → hard
// filters → strategy worker → risk and G5 checks → intent persisted in PostgreSQL → send), under
// a steady stream of 1,000 trade events per second of which a few qualify. The venue is the
// bundled simulator (in a worker thread of its own) in live mode; its own response time is excluded by stamping the order when
// the engine calls `placeOrder`. Baseline, measured in the same run: the same decision and
// signing done in-process with no queue, worker, database or network (the CPU floor).
//
// Needs PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and a
// build (`npm run build`). Usage: node scripts/bench/trigger-to-order.mjs [--seconds 10] [--rate 1000]
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import highProbYes from '@polybot/strategy-high-prob-yes';
import { createContext } from '@polybot/sdk/testing';
import { Wallet } from 'ethers';
import {
  Application,
  LiveExchange,
  MetricsRegistry,
  OrderSigner,
  createLogger,
  createSilentLogger,
  histogramSummary,
  testConfig,
} from 'polybot';
import { createTestDatabase } from 'polybot/testing';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1000' },
    qualifying: { type: 'string', default: '50' },
  },
});
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const QUALIFYING = Number(values.qualifying);
const KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const fmt = (ms) => `${(ms * 1000).toFixed(0)} µs`;

// ---------------------------------------------------------------- baseline (in-process floor)
async function baseline(samples) {
  const signer = await OrderSigner.create(new Wallet(KEY), { signatureType: 0, chainId: 137 });
  const frame = JSON.stringify({
    event_type: 'last_trade_price',
    asset_id: '1001',
    market: '0x' + 'ab'.repeat(32),
    price: '0.96',
    size: '100',
    fee_rate_bps: '0',
    side: 'BUY',
    timestamp: String(Date.now()),
  });
  const ctx = createContext({ trigger: { price: 0.96 } }, highProbYes.defaultParams);
  const times = [];
  for (let i = 0; i < samples; i += 1) {
    const t0 = performance.now();
    const parsed = JSON.parse(frame);
    const signal = highProbYes.evaluate({ ...ctx, trigger: { ...ctx.trigger, price: Number(parsed.price) } });
    if (signal.action !== 'BUY') throw new Error('baseline strategy did not buy');
    await signer.sign({
      clientOrderId: `b-${i}`,
      tokenId: '1001',
      conditionId: '0x01',
      side: 'BUY',
      orderType: 'GTC',
      price: '0.96',
      size: '20',
      makerAmount: '19200000',
      takerAmount: '20000000',
      expiration: '0',
      salt: String(i + 1),
      timestamp: String(Date.now()),
      tickSize: '0.01',
      negRisk: false,
    });
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

// ---------------------------------------------------------------- the engine
function venueWorker() {
  const worker = new Worker(new URL('./lib/venue-worker.mjs', import.meta.url));
  let next = 0;
  const pending = new Map();
  worker.on('message', ({ id, ok, result, error }) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (ok) waiter.resolve(result);
    else waiter.reject(new Error(error));
  });
  return {
    call: (command) =>
      new Promise((resolve, reject) => {
        next += 1;
        pending.set(next, { resolve, reject });
        worker.postMessage({ id: next, command });
      }),
    terminate: () => worker.terminate(),
  };
}

async function engineRun() {
  const venue = venueWorker();
  const { urls, qualifying, noise, creds } = await venue.call({
    type: 'start',
    options: { seed: 11, marketCount: 600 },
    qualifying: QUALIFYING,
    address: ADDRESS,
  });
  const testDb = await createTestDatabase({ backend: 'postgres' });
  const config = testConfig({
    mode: 'live',
    polymarket: { clobUrl: urls.clob, wsUrl: urls.ws, gammaUrl: urls.gamma, dataUrl: urls.data },
    ingestion: { startupMarketLimit: 5000, maxAssetsPerConnection: 500 },
    risk: { maxPositions: 100_000, minBalanceReserve: 0 },
    dashboard: { enabled: false },
  });
  const secrets = {
    dashboardApiKey: null,
    telegramBotToken: null,
    telegramChatId: null,
    privateKey: null,
    polymarketCreds: {
      api_key: creds.key,
      api_secret: creds.secret,
      api_passphrase: creds.passphrase,
      private_key: KEY,
      signature_type: 0,
      chain_id: 137,
    },
  };
  const logger = process.env.BENCH_LOG
    ? createLogger({ level: process.env.BENCH_LOG, json: true })
    : createSilentLogger();
  const metrics = new MetricsRegistry();
  const sentAt = new Map();
  const prepareAt = new Map();
  const live = new LiveExchange(config, secrets, logger, metrics, { requestTimeoutMs: 10_000 });
  const exchange = new Proxy(live, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'prepare') {
        return async (draft) => {
          const started = performance.now();
          const prepared = await value.call(target, draft);
          if (!prepareAt.has(draft.tokenId)) prepareAt.set(draft.tokenId, [started, performance.now()]);
          return prepared;
        };
      }
      if (prop === 'placeOrder') {
        return (order) => {
          if (!sentAt.has(order.tokenId)) sentAt.set(order.tokenId, performance.now());
          return value.call(target, order);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const app = await Application.create({
    config,
    secrets,
    logger,
    metrics,
    database: testDb.database,
    overrides: { exchange },
  });
  await app.start();
  const receivedAt = new Map();
  app.ingestion.feed.on('trade', (event) => {
    if (!receivedAt.has(event.tokenId)) receivedAt.set(event.tokenId, performance.now());
  });
  // Let every shard subscribe and take its snapshot before the stream starts.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const stream = await venue.call({ type: 'stream', seconds: SECONDS, rate: RATE, qualifying, noise });
  const deadline = Date.now() + 15_000;
  while (sentAt.size < stream.qualifyingPrinted && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  await app.engine.idle();
  const latencies = [];
  const segments = { toPrepare: [], sign: [], persistAndSend: [] };
  for (const token of qualifying.slice(0, stream.qualifyingPrinted)) {
    const t0 = receivedAt.get(token);
    const t1 = sentAt.get(token);
    const prepared = prepareAt.get(token);
    if (t0 !== undefined && t1 !== undefined) latencies.push(t1 - t0);
    if (t0 !== undefined && t1 !== undefined && prepared !== undefined) {
      segments.toPrepare.push(prepared[0] - t0);
      segments.sign.push(prepared[1] - prepared[0]);
      segments.persistAndSend.push(t1 - prepared[1]);
    }
  }
  for (const list of Object.values(segments)) list.sort((a, b) => a - b);
  const eventsIn = await metrics.value('polybot_events_in_total');
  const accepted = await venue.call({ type: 'received' });
  const stages = {};
  for (const [name, labels] of [
    ['polybot_event_queue_wait_seconds', {}],
    ['polybot_stage_latency_seconds', { stage: 'decision' }],
    ['polybot_stage_latency_seconds', { stage: 'order' }],
    ['polybot_strategy_eval_seconds', {}],
  ]) {
    const metric = await metrics.registry.getSingleMetric(name)?.get();
    if (metric)
      stages[`${name}${labels.stage ? `{${labels.stage}}` : ''}`] = histogramSummary(metric, labels);
  }
  await app.stop();
  await testDb.dispose();
  await venue.call({ type: 'stop' });
  await venue.terminate();
  return {
    latencies: latencies.sort((a, b) => a - b),
    printed: stream.printed,
    qualifyingPrinted: stream.qualifyingPrinted,
    ordersSent: sentAt.size,
    streamSeconds: stream.seconds,
    eventsIn,
    accepted,
    stages,
    segments,
  };
}

const base = await baseline(500);
const run = await engineRun();
const p50 = quantile(run.latencies, 0.5);
const p99 = quantile(run.latencies, 0.99);
const b50 = quantile(base, 0.5);
console.log(
  `stream: ${run.printed} trades in ${run.streamSeconds.toFixed(1)} s (${(run.printed / run.streamSeconds).toFixed(0)}/s), ${run.eventsIn} reached core`,
);
console.log(
  `qualifying trades: ${run.qualifyingPrinted}, orders sent to the venue: ${run.ordersSent}, latencies measured: ${run.latencies.length}`,
);
console.log(
  `baseline (in-process parse + evaluate + sign): p50 ${fmt(b50)}, p99 ${fmt(quantile(base, 0.99))}`,
);
console.log(
  `trigger → order sent: p50 ${fmt(p50)}, p90 ${fmt(quantile(run.latencies, 0.9))}, p99 ${fmt(p99)}, max ${fmt(run.latencies.at(-1) ?? NaN)}`,
);
console.log(`ratio to baseline: p50 ${(p50 / b50).toFixed(1)}x, p99 ${(p99 / b50).toFixed(1)}x`);
for (const [name, list] of Object.entries(run.segments))
  console.log(`  segment ${name}: p50 ${fmt(quantile(list, 0.5))}, p99 ${fmt(quantile(list, 0.99))}`);
for (const [name, summary] of Object.entries(run.stages))
  console.log(`  ${name}: n=${summary.count} p50 ${summary.p50Ms} ms p99 ${summary.p99Ms} ms`);
console.log(`goal p99 < 5 ms: ${p99 < 5 ? 'met' : 'NOT met'}`);
if (run.ordersSent < run.qualifyingPrinted) process.exitCode = 1;

// Ingestion benchmark: market-channel frames parsed + validated + normalized + dispatched per
// second on one core (FrameDispatcher: hand-written validation, BookStore update, typed event to
// a listener, tape append, metrics), beside a plain JSON.parse of the very same frames measured
// in the same run. Also shows the alternative we did not take — JSON.parse + the ajv schemas of
// the same events + the same level normalization — to justify the hand-written validator.
// Frames follow reference §7: `book` with 30 levels per side (best last), current-format
// `price_change` with the two assets of a market, `last_trade_price` with size.
// Goal (issue 4): pipeline >= 50% of the JSON.parse baseline.
//
// Usage: npm run build && node scripts/bench/ingestion.mjs [--rounds 5] [--scale 1] [--json out.json] [--check]
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { BookStore, FrameDispatcher, TypedEmitter, MetricsRegistry, createSilentLogger, toPriceLevels } =
  await import(join(root, 'engine', 'dist', 'index.js')).then(async (engine) => ({
    ...engine,
    toPriceLevels: (await import(join(root, 'engine', 'dist', 'ingestion', 'book-levels.js'))).toPriceLevels,
  }));
const { wsEventValidators } = await import(
  join(root, 'engine', 'dist', 'ingestion', 'validation', 'ws-schemas.js')
);

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : args[at + 1];
};
const ROUNDS = Number(option('rounds', 5));
const SCALE = Number(option('scale', 1));
const GOAL = 0.5;

// ---- frames ------------------------------------------------------------------------------
const POOL = 512;
const MARKETS = 100;
const NOW = Date.now();
const hex = (n, width) => n.toString(16).padStart(width, '0');
const conditionOf = (m) => `0x${hex(m * 7919 + 13, 64)}`;
const tokenOf = (m, outcome) =>
  `${(BigInt(m) * 7_777_777_777n + BigInt(outcome)) * 10n ** 60n + 1234567890123456789n}`;
const price = (cents) => (cents / 100).toFixed(2);

function bookFrame(i) {
  const m = i % MARKETS;
  const bids = Array.from({ length: 30 }, (_, k) => ({
    price: price(10 + k),
    size: `${1000 + ((i + k) % 97)}.00`,
  }));
  const asks = Array.from({ length: 30 }, (_, k) => ({
    price: price(90 - k),
    size: `${1500 + ((i * 3 + k) % 89)}.50`,
  }));
  return JSON.stringify([
    {
      event_type: 'book',
      asset_id: tokenOf(m, Math.floor(i / MARKETS) % 2),
      market: conditionOf(m),
      bids, // ascending: best (0.39) last
      asks, // descending: best (0.61) last
      timestamp: String(NOW + i),
      hash: `0x${hex(i * 2654435761, 40)}`,
      tick_size: '0.01',
      last_trade_price: '0.50',
    },
  ]);
}

function priceChangeFrame(i) {
  const m = i % MARKETS;
  const level = (side, outcome) => ({
    asset_id: tokenOf(m, outcome),
    price: side === 'BUY' ? price(20 + (i % 20)) : price(61 + (i % 20)),
    size: i % 7 === 0 ? '0' : `${100 + (i % 300)}.25`,
    side,
    hash: hex(i * 40503 + outcome, 40),
    best_bid: '0.39',
    best_ask: '0.61',
  });
  return JSON.stringify({
    event_type: 'price_change',
    market: conditionOf(m),
    price_changes: [level('BUY', 0), level('SELL', 1)],
    timestamp: String(NOW + i),
  });
}

function tradeFrame(i) {
  const m = i % MARKETS;
  return JSON.stringify({
    event_type: 'last_trade_price',
    asset_id: tokenOf(m, Math.floor(i / MARKETS) % 2),
    market: conditionOf(m),
    price: price(30 + (i % 40)),
    size: `${(i % 500) + 1}.217767`,
    fee_rate_bps: '0',
    side: i % 2 === 0 ? 'BUY' : 'SELL',
    timestamp: String(NOW - 1000 + (i % 100)),
    transaction_hash: `0x${hex(i * 97531, 64)}`,
  });
}

const pools = {
  book: Array.from({ length: POOL }, (_, i) => bookFrame(i)),
  price_change: Array.from({ length: POOL }, (_, i) => priceChangeFrame(i)),
  last_trade_price: Array.from({ length: POOL }, (_, i) => tradeFrame(i)),
};
const counts = { book: 20_000 * SCALE, price_change: 60_000 * SCALE, last_trade_price: 60_000 * SCALE };

// ---- the three ways of handling a frame ---------------------------------------------------
let sink = 0;

function jsonParseOnly(frame) {
  const value = JSON.parse(frame);
  sink += Array.isArray(value) ? value.length : 1;
}

function makePipeline() {
  const books = new BookStore();
  const emitter = new TypedEmitter(() => undefined);
  let events = 0;
  emitter.on('book', () => events++);
  emitter.on('priceChange', () => events++);
  emitter.on('trade', () => events++);
  let appended = 0;
  const tape = {
    appendTrade: () => {
      appended++;
    },
    appendBookUpdate: () => {
      appended++;
    },
  };
  // As in MarketFeed: events for tokens the feed does not carry are dropped after a Set lookup.
  const subscribed = new Set();
  for (let m = 0; m < MARKETS; m++) for (const outcome of [0, 1]) subscribed.add(tokenOf(m, outcome));
  const dispatcher = new FrameDispatcher(books, emitter, tape, createSilentLogger(), new MetricsRegistry(), {
    maxTradeAgeMs: 300_000,
    now: () => NOW,
    accepts: (tokenId) => subscribed.has(tokenId),
  });
  // Every token has a synced book before deltas arrive, as in steady state.
  for (const frame of pools.book) dispatcher.handleFrame(frame, NOW);
  if (books.unsyncedTokens().length > 0 || books.size !== MARKETS * 2)
    throw new Error('benchmark books not all synced');
  return {
    handle: (frame) => dispatcher.handleFrame(frame, NOW),
    check: () => ({ events, appended, books: books.size }),
  };
}

/** The road not taken: JSON.parse + ajv schema validation + the same level normalization. */
function ajvPath(frame) {
  const value = JSON.parse(frame);
  const list = Array.isArray(value) ? value : [value];
  for (const event of list) {
    const validate = wsEventValidators[event.event_type];
    if (!validate || !validate(event)) throw new Error(`ajv rejected a benchmark frame: ${event.event_type}`);
    if (event.event_type === 'book') {
      sink += toPriceLevels(event.bids, 'bids').length + toPriceLevels(event.asks, 'asks').length;
    } else if (event.event_type === 'price_change') {
      for (const c of event.price_changes) sink += Number(c.price) + Number(c.size);
    } else {
      sink += Number(event.price) + Number(event.size);
    }
  }
}

// ---- measurement -------------------------------------------------------------------------
// The VM is shared and noisy, so the three paths are interleaved in small chunks: each chunk of
// JSON.parse is timed right next to the same chunk through the pipeline and the ajv path, and the
// ratio is the median of those adjacent pairs. Throughputs are medians over rounds.
const CHUNK = 2_000;

function timeChunk(fn, frames, from, n) {
  const start = process.hrtime.bigint();
  for (let i = from; i < from + n; i++) fn(frames[i % POOL]);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const pipeline = makePipeline();
const results = {};
for (const type of Object.keys(pools)) {
  const frames = pools[type];
  const n = counts[type];
  // Warm every path up so each is measured optimized.
  for (const fn of [jsonParseOnly, pipeline.handle, ajvPath]) timeChunk(fn, frames, 0, Math.min(n, 20_000));
  const totals = { json: [], pipeline: [], ajv: [] };
  const ratios = { pipeline: [], ajv: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const sum = { json: 0, pipeline: 0, ajv: 0 };
    for (let from = 0; from < n; from += CHUNK) {
      const json = timeChunk(jsonParseOnly, frames, from, CHUNK);
      const pipe = timeChunk(pipeline.handle, frames, from, CHUNK);
      const ajv = timeChunk(ajvPath, frames, from, CHUNK);
      sum.json += json;
      sum.pipeline += pipe;
      sum.ajv += ajv;
      ratios.pipeline.push(json / pipe);
      ratios.ajv.push(json / ajv);
    }
    for (const key of Object.keys(sum)) totals[key].push(sum[key]);
    globalThis.gc?.();
  }
  const rate = (seconds) => Math.round((Math.ceil(n / CHUNK) * CHUNK) / median(seconds));
  results[type] = {
    bytes: Math.round(frames.reduce((s, f) => s + f.length, 0) / frames.length),
    jsonParsePerSec: rate(totals.json),
    pipelinePerSec: rate(totals.pipeline),
    ajvPathPerSec: rate(totals.ajv),
    ratio: median(ratios.pipeline),
    ajvRatio: median(ratios.ajv),
  };
}

// ---- report ------------------------------------------------------------------------------
const fmt = (n) => n.toLocaleString('en-US').padStart(10);
const us = (perSec) => (1e6 / perSec).toFixed(1).padStart(6);
console.log(
  `ingestion frames on one core (${ROUNDS} rounds, ratio = median of adjacent ${CHUNK}-frame chunks; goal: pipeline >= ${GOAL * 100}% of JSON.parse)`,
);
console.log('frame              bytes   JSON.parse/s  µs   pipeline/s  µs  ratio   ajv-path/s  µs  ratio');
let ok = true;
for (const [type, r] of Object.entries(results)) {
  if (r.ratio < GOAL) ok = false;
  console.log(
    `${type.padEnd(17)} ${String(r.bytes).padStart(6)} ${fmt(r.jsonParsePerSec)} ${us(r.jsonParsePerSec)} ${fmt(r.pipelinePerSec)} ${us(r.pipelinePerSec)} ${(r.ratio * 100).toFixed(0).padStart(4)}% ${fmt(r.ajvPathPerSec)} ${us(r.ajvPathPerSec)} ${(r.ajvRatio * 100).toFixed(0).padStart(4)}%`,
  );
}
const state = pipeline.check();
console.log(
  `(pipeline delivered ${state.events.toLocaleString('en-US')} events, ${state.appended.toLocaleString('en-US')} tape appends over ${state.books} books; sink ${sink > 0 ? 'ok' : 'empty'})`,
);
console.log(ok ? 'goal met' : 'GOAL MISSED: pipeline under 50% of JSON.parse for at least one frame type');

const jsonOut = option('json', null);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ rounds: ROUNDS, scale: SCALE, results }, null, 2));
if (args.includes('--check') && !ok) process.exit(1);

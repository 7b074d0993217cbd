// The benchmark's venue: the bundled simulator plus the trade stream, in a worker thread of its
// own so the venue's work (WebSocket fan-out, order matching, HTTP) does not share the engine's
// event loop. Commands arrive as messages; answers go back with the same id.
import { parentPort } from 'node:worker_threads';
import { Simulator } from '@polybot/simulator';

let sim = null;

async function handle(command) {
  switch (command.type) {
    case 'start': {
      sim = await Simulator.start(command.options);
      const end = Date.now() + 30 * 24 * 3_600_000;
      const qualifying = [];
      for (let i = 0; i < command.qualifying; i += 1) {
        const m = sim.scenario.createMarket({
          question: `Benchmark market ${i}: will it resolve Yes?`,
          category: 'bench',
          endDate: end,
          book: { bids: [{ price: 0.95, size: 5000 }], asks: [{ price: 0.96, size: 5000 }] },
        });
        qualifying.push(m.tokenIds[0]);
      }
      const noise = sim.scenario
        .markets()
        .filter((m) => !m.question.startsWith('Benchmark'))
        .flatMap((m) => m.tokenIds);
      sim.scenario.setBalance(command.address, 1_000_000);
      const creds = sim.scenario.createApiKey(command.address);
      return { urls: sim.urls, qualifying, noise, creds };
    }
    case 'stream': {
      // A steady stream: one print per millisecond slot; qualifying tokens spread evenly through it.
      const { seconds, rate, qualifying, noise } = command;
      const total = seconds * rate;
      const every = Math.max(1, Math.floor(total / qualifying.length));
      let printed = 0;
      let q = 0;
      const started = performance.now();
      await new Promise((resolve) => {
        const tick = () => {
          const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
          while (printed < due) {
            if (printed % every === 0 && q < qualifying.length) {
              sim.scenario.printTrade({ tokenId: qualifying[q], price: 0.96, size: 100, side: 'BUY' });
              q += 1;
            } else {
              const token = noise[printed % noise.length];
              sim.scenario.printTrade({
                tokenId: token,
                price: 0.2 + (printed % 60) / 100,
                size: 80,
                side: 'SELL',
              });
            }
            printed += 1;
          }
          if (printed >= total) resolve();
          else setTimeout(tick, 1);
        };
        tick();
      });
      return { printed, qualifyingPrinted: q, seconds: (performance.now() - started) / 1000 };
    }
    case 'received':
      return sim.scenario.receivedOrders().filter((o) => o.verdict === 'accepted').length;
    case 'stop':
      await sim?.stop();
      return null;
    default:
      throw new Error(`unknown command ${command.type}`);
  }
}

parentPort.on('message', async ({ id, command }) => {
  try {
    parentPort.postMessage({ id, ok: true, result: await handle(command) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: String(error?.stack ?? error) });
  }
});

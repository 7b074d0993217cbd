#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { Simulator } from './simulator.js';

const USAGE = `Usage: polybot-sim [options]

A local Polymarket venue (Gamma, CLOB V2 REST + WebSocket, Data API) on loopback.

  --port N          CLOB port (default 0 = ephemeral); Gamma and Data default to N+1 and N+2
  --gamma-port N    Gamma port
  --data-port N     Data API port
  --host H          loopback address (default 127.0.0.1)
  --seed S          market generation seed (default 1)
  --markets M       generated markets, 0..10000 (default 20)
  --activity MS     synthetic trades every ~MS milliseconds (default off)
  --stale-balance   /balance-allowance answers cached values until /balance-allowance/update (G4)
  --api-version V   what /version answers: 1 or 2 (default 2)
  -h, --help        this text
`;

function int(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) {
    process.stderr.write(`polybot-sim: --${name} must be a non-negative integer, got ${value}\n`);
    process.exit(2);
  }
  return Number(value);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' },
        'gamma-port': { type: 'string' },
        'data-port': { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        markets: { type: 'string' },
        activity: { type: 'string' },
        'stale-balance': { type: 'boolean' },
        'api-version': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`polybot-sim: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = int(args.port, 'port', 0);
  const apiVersion = int(args['api-version'], 'api-version', 2);
  if (apiVersion !== 1 && apiVersion !== 2) {
    process.stderr.write('polybot-sim: --api-version must be 1 or 2\n');
    process.exit(2);
  }
  const activity = args.activity === undefined ? undefined : int(args.activity, 'activity', 0);

  let sim: Simulator;
  try {
    sim = await Simulator.start({
      seed: int(args.seed, 'seed', 1),
      marketCount: int(args.markets, 'markets', 20),
      host: args.host ?? '127.0.0.1',
      ports: {
        clob: port,
        gamma: int(args['gamma-port'], 'gamma-port', port === 0 ? 0 : port + 1),
        data: int(args['data-port'], 'data-port', port === 0 ? 0 : port + 2),
      },
      staleBalance: args['stale-balance'] ?? false,
      apiVersion,
    });
  } catch (err) {
    process.stderr.write(
      `polybot-sim: could not start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  }
  if (activity !== undefined && activity > 0) sim.scenario.startActivity({ intervalMs: activity });

  const { urls, config } = sim;
  process.stdout.write(
    [
      `polybot simulator ready: seed ${config.seed}, ${config.marketCount} markets, started in ${Math.round(sim.startupMs)} ms`,
      `  CLOB       ${urls.clob}`,
      `  WS market  ${urls.ws}`,
      `  WS user    ${urls.wsUser}`,
      `  Gamma      ${urls.gamma}`,
      `  Data       ${urls.data}`,
      '',
      `POLYMARKET_CLOB_URL=${urls.clob}`,
      `POLYMARKET_WS_URL=${urls.ws}`,
      `POLYMARKET_GAMMA_URL=${urls.gamma}`,
      `POLYMARKET_DATA_URL=${urls.data}`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main();

import type { WebSocketServer } from 'ws';
import { clobRouter } from './clob/routes.js';
import { dataRouter } from './data/routes.js';
import { gammaRouter } from './gamma/routes.js';
import { generateUniverse } from './generator/generator.js';
import { Scenario } from './scenario/scenario.js';
import type { SimulatorOptions, SimulatorUrls } from './types.js';
import { toMicro } from './util/decimal.js';
import { HttpService } from './util/http-service.js';
import { Venue, type VenueConfig } from './venue/venue.js';
import { MarketChannel } from './ws/market-channel.js';
import { attachWebSockets } from './ws/server.js';
import { UserChannel } from './ws/user-channel.js';

export const MAX_MARKETS = 10_000;

/** The resolved configuration a running simulator reports (`sim.config`). */
export type SimulatorConfig = VenueConfig & { readonly marketCount: number };
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const HOUSEKEEPING_MS = 250;

/**
 * A protocol-faithful local Polymarket venue: Gamma, CLOB REST V2 with its market and user
 * WebSockets, and the Data API, on three loopback listeners. Start one per test (ephemeral ports),
 * drive it through `scenario`, and `stop()` it in `after`.
 */
export class Simulator {
  private constructor(
    readonly urls: SimulatorUrls,
    readonly scenario: Scenario,
    /** Resolved configuration (seed, counts, limits) the venue runs with. */
    readonly config: SimulatorConfig,
    /** Wall-clock milliseconds `start` took (market generation plus listeners). */
    readonly startupMs: number,
    private readonly venue: Venue,
    private readonly services: readonly HttpService[],
    private readonly wss: WebSocketServer,
    private readonly channels: { market: MarketChannel; user: UserChannel },
    private readonly housekeeping: NodeJS.Timeout,
  ) {}

  static async start(options: SimulatorOptions = {}): Promise<Simulator> {
    const began = performance.now();
    const marketCount = options.marketCount ?? 20;
    if (!Number.isInteger(marketCount) || marketCount < 0 || marketCount > MAX_MARKETS) {
      throw new RangeError(`marketCount must be an integer in 0..${MAX_MARKETS}, got ${marketCount}`);
    }
    const host = options.host ?? '127.0.0.1';
    if (!LOOPBACK.has(host)) throw new RangeError(`the simulator only listens on loopback, not ${host}`);
    const clock = options.clock ?? Date.now;
    const seed = options.seed ?? 1;
    const config: SimulatorConfig = {
      seed,
      marketCount,
      startedAt: clock(),
      clock,
      startingBalance: toMicro(options.startingBalance ?? 10_000),
      apiVersion: options.apiVersion ?? 2,
      chainId: options.chainId ?? 137,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
      settlement: {
        minedMs: options.tradeSettlement?.minedMs ?? 200,
        confirmedMs: options.tradeSettlement?.confirmedMs ?? 600,
      },
      statusStyle: options.statusStyle ?? 'short',
      gtdThresholdSeconds: options.gtdThresholdSeconds ?? 60,
      gammaMaxLimit: options.gammaMaxLimit ?? 500,
      authMaxSkewSeconds: options.authMaxSkewSeconds,
      perConnectionAssetLimit: options.perConnectionAssetLimit ?? 500,
    };

    const venue = new Venue(config);
    venue.ledger.stale = options.staleBalance ?? false;
    const universe = generateUniverse(seed, marketCount, config.startedAt, venue.registry.slugs);
    for (const m of universe.markets) venue.registry.addMarket(m);
    for (const e of universe.events) venue.registry.addEvent(e);

    const channels = {
      market: new MarketChannel(venue, config.perConnectionAssetLimit),
      user: new UserChannel(venue),
    };
    const deps = {
      faults: venue.faults,
      log: venue.requestLog,
      clock,
      beforeRequest: () => venue.housekeeping(),
      onInternalError: (err: unknown, ctx: { method: string; path: string }) =>
        process.emitWarning(
          `simulator: ${ctx.method} ${ctx.path} failed: ${err instanceof Error ? err.stack : String(err)}`,
        ),
    };
    const clob = new HttpService('clob', clobRouter(venue), deps);
    const gamma = new HttpService('gamma', gammaRouter(venue), deps);
    const data = new HttpService('data', dataRouter(venue), deps);
    const wss = attachWebSockets(clob.server, channels, venue.requestLog, clock);
    const services = [clob, gamma, data];
    try {
      const ports = options.ports ?? {};
      const clobPort = await clob.listen(host, ports.clob ?? 0);
      const gammaPort = await gamma.listen(host, ports.gamma ?? 0);
      const dataPort = await data.listen(host, ports.data ?? 0);
      const h = host.includes(':') ? `[${host}]` : host;
      const urls: SimulatorUrls = {
        clob: `http://${h}:${clobPort}`,
        ws: `ws://${h}:${clobPort}/ws/market`,
        wsUser: `ws://${h}:${clobPort}/ws/user`,
        gamma: `http://${h}:${gammaPort}`,
        data: `http://${h}:${dataPort}`,
      };
      const housekeeping = setInterval(() => venue.housekeeping(), HOUSEKEEPING_MS);
      housekeeping.unref();
      const scenario = new Scenario(venue, channels);
      return new Simulator(
        urls,
        scenario,
        config,
        performance.now() - began,
        venue,
        services,
        wss,
        channels,
        housekeeping,
      );
    } catch (err) {
      wss.close();
      await Promise.all(services.map((s) => s.close()));
      throw err;
    }
  }

  /** Closes every listener and socket and cancels every timer; the process can exit afterwards. */
  async stop(): Promise<void> {
    clearInterval(this.housekeeping);
    this.scenario.stop();
    this.venue.stop();
    this.channels.market.dropAll();
    this.channels.user.dropAll();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await Promise.all(this.services.map((s) => s.close()));
  }
}

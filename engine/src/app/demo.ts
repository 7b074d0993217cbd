import type { CommandContext, DemoOptions, RunningCommand } from '../cli/actions.js';
import { mergeConfig } from '../config/index.js';
import { FatalError } from '../errors.js';
import { startRunning } from './cli-actions.js';

/** The slice of the bundled simulator the demo drives (loaded at run time: it is not an engine dependency). */
interface DemoVenue {
  readonly urls: {
    readonly clob: string;
    readonly ws: string;
    readonly gamma: string;
    readonly data: string;
  };
  readonly scenario: {
    createMarket(input: Record<string, unknown>): { conditionId: string; tokenIds: string[] };
    printTrade(input: {
      tokenId: string;
      price: number;
      size: number;
      side?: 'BUY' | 'SELL';
      timestamp?: number;
    }): void;
    startActivity(spec: { intervalMs: number }): void;
    stopActivity(): void;
  };
  stop(): Promise<void>;
}

const HOUR = 3_600_000;
const SIMULATOR_PACKAGE = '@polybot/simulator';

async function startVenue(): Promise<DemoVenue> {
  try {
    const module = (await import(SIMULATOR_PACKAGE)) as {
      Simulator: { start(options: Record<string, unknown>): Promise<DemoVenue> };
    };
    return await module.Simulator.start({ seed: 7, marketCount: 40 });
  } catch (error) {
    throw new FatalError(
      'demo_unavailable',
      `the demo needs the bundled Polymarket simulator (${SIMULATOR_PACKAGE}), which ships with the polybot repository: run \`npm run demo\` from a checkout (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * The offline demo: the real engine against the bundled simulator, with a short script that
 * shows each part at work — a qualifying trade becoming a paper order, a weather market and a
 * second token of the same market rejected by the hard filters, a spike trade far from the book
 * refused by the price check (G5) — while synthetic activity keeps the feed busy.
 */
export async function runDemo(options: DemoOptions, ctx: CommandContext): Promise<RunningCommand> {
  ctx.progress.step('simulator', 'starting the bundled Polymarket simulator');
  const venue = await startVenue();
  const end = Date.now() + 30 * 24 * HOUR;
  const s = venue.scenario;
  const book = (price: number) => ({
    bids: [{ price: Number((price - 0.01).toFixed(2)), size: 800 }],
    asks: [
      { price, size: 800 },
      { price: Number((price + 0.01).toFixed(2)), size: 800 },
    ],
  });
  const finals = s.createMarket({
    question: 'Will the Lakers win the 2026 NBA Finals?',
    category: 'sports',
    endDate: end,
    book: book(0.96),
  });
  const siege = s.createMarket({
    question: 'Rainbow Six Siege Invitational: will Team Liquid win?',
    category: 'esports',
    endDate: end,
    book: book(0.97),
  });
  const rain = s.createMarket({
    question: 'Will it rain in NYC on Friday?',
    category: 'weather',
    endDate: end,
    book: book(0.96),
  });
  const spike = s.createMarket({
    question: 'Will the Fed cut rates in December?',
    category: 'economics',
    endDate: end,
    book: book(0.06),
  });

  const config = mergeConfig(options.config, {
    mode: 'dry-run',
    polymarket: {
      clobUrl: venue.urls.clob,
      wsUrl: venue.urls.ws,
      gammaUrl: venue.urls.gamma,
      dataUrl: venue.urls.data,
    },
  });
  let started: Awaited<ReturnType<typeof startRunning>>;
  try {
    started = await startRunning(
      { config, secrets: options.secrets, logger: ctx.logger, progress: ctx.progress },
      ctx.signal,
    );
  } catch (error) {
    await venue.stop();
    throw error;
  }
  const log = ctx.logger.child({ component: 'demo' });
  const script: [number, string, () => void][] = [
    [
      1500,
      'a fresh 0.96 print on the Lakers "Yes" token: high_prob_yes buys (paper)',
      () => s.printTrade({ tokenId: tokenOf(finals, 0), price: 0.96, size: 150, side: 'BUY' }),
    ],
    [
      3000,
      'the same market\'s "No" token prints 0.97: a second token of one condition is rejected (G2)',
      () => s.printTrade({ tokenId: tokenOf(finals, 1), price: 0.97, size: 150, side: 'BUY' }),
    ],
    [
      4500,
      'a weather market prints 0.96: rejected by the whole-word weather filter (G6)',
      () => s.printTrade({ tokenId: tokenOf(rain, 0), price: 0.96, size: 150, side: 'BUY' }),
    ],
    [
      6000,
      '"Rainbow Six Siege" prints 0.97: not weather, so it trades (the Rainbow bug stays fixed)',
      () => s.printTrade({ tokenId: tokenOf(siege, 0), price: 0.97, size: 150, side: 'BUY' }),
    ],
    [
      7500,
      'a spike print at 0.96 where the book sits at 0.06: the price check refuses it (G5)',
      () => s.printTrade({ tokenId: tokenOf(spike, 0), price: 0.96, size: 150, side: 'BUY' }),
    ],
    [9000, 'synthetic activity starts on every market', () => s.startActivity({ intervalMs: 400 })],
  ];
  const timers = script.map(([at, what, act]) =>
    setTimeout(() => {
      log.info(`demo: ${what}`);
      act();
    }, at),
  );
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      for (const timer of timers) clearTimeout(timer);
      if (durationTimer !== null) clearTimeout(durationTimer);
      s.stopActivity();
      const summary = started.app.execution.status;
      await started.command.stop();
      await venue.stop();
      log.info('demo finished', {
        openOrders: summary.openOrders,
        openPositions: summary.openPositions,
        balance: summary.balance,
      });
    })();
    return stopped;
  };
  const durationTimer =
    options.durationSeconds === null ? null : setTimeout(() => void stop(), options.durationSeconds * 1000);
  return { stop, finished: started.command.finished.then(() => stop()) };
}

function tokenOf(market: { tokenIds: string[] }, index: number): string {
  const token = market.tokenIds[index];
  if (token === undefined) throw new FatalError('demo_script', `demo market has no token ${index}`);
  return token;
}

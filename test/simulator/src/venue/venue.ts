import { utils } from 'ethers';
import { ApiKeyStore } from '../clob/auth.js';
import { Heartbeats } from '../clob/heartbeats.js';
import { Faults } from '../scenario/faults.js';
import { RequestLog } from '../scenario/request-log.js';
import type { ReceivedOrder, SimMarket, StatusStyle } from '../types.js';
import { addressFrom } from '../util/ids.js';
import { VenueEvents } from './events.js';
import { Ledger } from './ledger.js';
import { materializeMarket } from './materialize.js';
import { MatchingEngine } from './matching-engine.js';
import type { OrderRecord } from './records.js';
import { MarketRegistry } from './registry.js';
import { Tape } from './tape.js';

export interface VenueConfig {
  readonly seed: number;
  readonly startedAt: number;
  readonly clock: () => number;
  readonly startingBalance: bigint;
  readonly apiVersion: 1 | 2;
  readonly chainId: number;
  readonly heartbeatTimeoutMs: number;
  readonly settlement: { readonly minedMs: number; readonly confirmedMs: number };
  readonly statusStyle: StatusStyle;
  readonly gtdThresholdSeconds: number;
  readonly gammaMaxLimit: number;
  readonly authMaxSkewSeconds: number | undefined;
  readonly perConnectionAssetLimit: number;
}

/**
 * The venue's state, shared by every listener: markets, books, balances, keys, the public tape,
 * scripted faults and the logs tests assert on. Listeners translate protocol ↔ these objects.
 */
export class Venue {
  readonly registry = new MarketRegistry();
  readonly tape = new Tape();
  readonly events = new VenueEvents();
  readonly faults = new Faults();
  readonly requestLog = new RequestLog();
  readonly received: ReceivedOrder[] = [];
  readonly ledger: Ledger;
  readonly engine: MatchingEngine;
  readonly apiKeys: ApiKeyStore;
  readonly heartbeats: Heartbeats;
  /** The simulator's own market-making account (generated and scripted liquidity). */
  readonly liquidityAddress: string;
  apiVersion: 1 | 2;

  constructor(readonly config: VenueConfig) {
    this.apiVersion = config.apiVersion;
    this.ledger = new Ledger(config.startingBalance);
    this.apiKeys = new ApiKeyStore(config.seed);
    this.heartbeats = new Heartbeats(config.seed, config.heartbeatTimeoutMs);
    this.liquidityAddress = utils.getAddress(addressFrom(config.seed, 'liquidity-provider'));
    this.engine = new MatchingEngine({
      ledger: this.ledger,
      tape: this.tape,
      events: this.events,
      clock: config.clock,
      seed: config.seed,
      settlement: config.settlement,
      materialize: (market: SimMarket) =>
        materializeMarket(market, {
          engine: this.engine,
          tape: this.tape,
          seed: config.seed,
          startedAt: config.startedAt,
          liquidityAddress: this.liquidityAddress,
        }),
    });
  }

  now(): number {
    return this.config.clock();
  }

  /** Time-driven rules: GTD expiry and the heartbeat dead-man switch. Idempotent; cheap when idle. */
  housekeeping(): void {
    const now = this.now();
    this.engine.expire(Math.floor(now / 1000), this.config.gtdThresholdSeconds);
    for (const key of this.heartbeats.expired(now)) this.cancelAllOf(key);
  }

  cancelAllOf(apiKey: string): OrderRecord[] {
    const cancelled: OrderRecord[] = [];
    for (const order of this.engine.openOrders(apiKey)) {
      const done = this.engine.cancel(order.id);
      if (done) cancelled.push(done);
    }
    return cancelled;
  }

  stop(): void {
    this.engine.stop();
  }
}

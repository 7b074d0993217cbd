import type { SimMarket, TickSize } from '../types.js';
import type { LevelChange, OrderRecord, PublicPrint, TradeRecord } from './records.js';

export type OrderEventType = 'PLACEMENT' | 'UPDATE' | 'CANCELLATION';

/** What happened in the venue; the WebSocket channels render these as wire events. */
export interface VenueEventMap {
  /** Resting levels changed without a trade (placement, cancel): `price_change`. */
  levels: { market: SimMarket; changes: LevelChange[] };
  /** The book changed in a way best sent whole (after trades, a replaced book): `book`. */
  book: { market: SimMarket; assetId: string };
  /** A new match (status MATCHED). */
  trade: { trade: TradeRecord };
  /** A trade moved along MATCHED → MINED → CONFIRMED. */
  tradeStatus: { trade: TradeRecord };
  /** A public print that reaches the market channel as `last_trade_price`. */
  print: { print: PublicPrint };
  order: { type: OrderEventType; order: OrderRecord };
  tickSize: { market: SimMarket; assetId: string; oldTick: TickSize; newTick: TickSize };
  newMarket: { market: SimMarket };
}

type Listener<T> = (payload: T) => void;

/** Tiny typed event bus; listener errors are contained so one bad subscriber cannot stop the venue. */
export class VenueEvents {
  private readonly listeners = new Map<keyof VenueEventMap, Listener<never>[]>();

  on<K extends keyof VenueEventMap>(event: K, listener: Listener<VenueEventMap[K]>): () => void {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as Listener<never>);
    this.listeners.set(event, list);
    return () => {
      const current = this.listeners.get(event) ?? [];
      this.listeners.set(
        event,
        current.filter((l) => l !== (listener as Listener<never>)),
      );
    };
  }

  emit<K extends keyof VenueEventMap>(event: K, payload: VenueEventMap[K]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as Listener<VenueEventMap[K]>)(payload);
      } catch (err) {
        process.emitWarning(`simulator listener for ${event} failed: ${String(err)}`);
      }
    }
  }
}

import type { MarketInfo, Signal } from '@polybot/sdk';
import type { OrderRequest, TradeEvent } from './ports.js';
import { toDecimalString } from './decimal.js';

/** Turns a BUY/SELL signal into the concrete request execution acts on. */
export function toOrderRequest(
  signal: Extract<Signal, { action: 'BUY' | 'SELL' }>,
  parts: {
    strategy: string;
    tokenId: string;
    conditionId: string;
    trade: TradeEvent;
    defaultNotional: number;
    market?: MarketInfo;
  },
): OrderRequest {
  const size = signal.size !== undefined ? toDecimalString(signal.size) : null;
  const notional =
    signal.notional !== undefined
      ? toDecimalString(signal.notional)
      : size === null
        ? toDecimalString(parts.defaultNotional)
        : null;
  return {
    strategy: parts.strategy,
    tokenId: parts.tokenId,
    conditionId: parts.conditionId,
    side: signal.action,
    price: signal.price !== undefined ? toDecimalString(signal.price) : parts.trade.price,
    size,
    notional,
    orderType: signal.orderType ?? 'GTC',
    expiresInSeconds: signal.expiresInSeconds ?? null,
    reason: signal.reason,
    triggerPrice: parts.trade.price,
    ...(parts.market === undefined
      ? {}
      : {
          market: {
            tickSize: parts.market.tickSize,
            minOrderSize: parts.market.minOrderSize,
            negRisk: parts.market.negRisk,
          },
        }),
  };
}

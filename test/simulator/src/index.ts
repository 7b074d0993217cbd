/**
 * @polybot/simulator — a protocol-faithful local Polymarket venue (Gamma, CLOB REST V2, market and
 * user WebSockets, Data API) for tests, the offline demo and paper trading.
 */
export { Simulator, MAX_MARKETS, type SimulatorConfig } from './simulator.js';
export { Scenario } from './scenario/scenario.js';
export type * from './types.js';
export { TICK_SIZES } from './types.js';
export { buildHmacSignature, recoverClobAuth, CLOB_AUTH_MESSAGE } from './clob/auth.js';
export {
  hashOrderV1,
  hashOrderV2,
  recoverSigner,
  EXCHANGE_V1,
  EXCHANGE_V2,
  NEG_RISK_EXCHANGE_V1,
  NEG_RISK_EXCHANGE_V2,
  NEG_RISK_ADAPTER,
  COLLATERAL_PUSD,
  type OrderV1Message,
  type OrderV2Message,
} from './clob/order-signing.js';
export { ORDER_ERRORS, MAX_BATCH } from './clob/order-intake.js';
export { ASSET_LIMIT_CLOSE_CODE } from './ws/market-channel.js';
export { UNAUTHORIZED_CLOSE_CODE } from './ws/user-channel.js';

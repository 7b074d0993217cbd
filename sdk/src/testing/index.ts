export { createContext, DEFAULT_NOW, type ContextOverrides } from './context-builder.js';
export { expectSignal, SignalAssertionError, StrategyHarness, type SignalExpectation } from './harness.js';

export const SIMULATOR_PLACEHOLDER = true;

export { Tokens } from './di/tokens.js';

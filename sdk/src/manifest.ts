import type { JsonSchema } from './json-schema.js';

/**
 * The `polybot` field of a strategy package's package.json. Together with the
 * `polybot-strategy` keyword and a peer dependency on `@polybot/sdk`, it makes a package loadable.
 *
 * ```json
 * "keywords": ["polybot-strategy"],
 * "peerDependencies": { "@polybot/sdk": "^1.0.0" },
 * "polybot": { "apiVersion": 1, "entry": "./dist/index.js" }
 * ```
 */
export interface PluginManifest {
  readonly apiVersion: number;
  /** Path of the module whose default export is the strategy, relative to the package root. */
  readonly entry: string;
}

export const STRATEGY_KEYWORD = 'polybot-strategy';

/** JSON Schema of the manifest; the engine validates it with ajv before loading anything. */
export const pluginManifestSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'entry'],
  properties: {
    apiVersion: { type: 'integer', minimum: 1 },
    entry: { type: 'string', minLength: 1, maxLength: 256, pattern: '^\\./' },
  },
};

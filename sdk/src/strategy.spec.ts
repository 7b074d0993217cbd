import { expect } from 'chai';
import { pluginManifestSchema, STRATEGY_KEYWORD } from './manifest.js';
import { ignore } from './signal.js';
import {
  checkStrategyDefinition,
  defineStrategy,
  isStrategy,
  STRATEGY_BRAND,
  StrategyDefinitionError,
  type StrategyDefinition,
} from './strategy.js';
import { API_VERSION, isSupportedApiVersion, SUPPORTED_API_VERSIONS } from './version.js';

const valid: StrategyDefinition = { name: 'my_strategy', version: '1.2.3', evaluate: () => ignore('no') };

describe('defineStrategy', () => {
  it('brands the definition, fills apiVersion and freezes it', () => {
    const strategy = defineStrategy(valid);
    expect(strategy.$$type).to.equal(STRATEGY_BRAND);
    expect(strategy.apiVersion).to.equal(API_VERSION);
    expect(Object.isFrozen(strategy)).to.equal(true);
    expect(strategy.evaluate).to.equal(valid.evaluate);
    expect(isStrategy(strategy)).to.equal(true);
  });

  it('throws at definition time, naming every problem', () => {
    const bad = {
      name: 'Bad Name',
      version: 'one',
      evaluate: 'no',
      onStart: 1,
      paramsSchema: [],
      defaultParams: 3,
    };
    let error: unknown;
    try {
      defineStrategy(bad as unknown as StrategyDefinition);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(StrategyDefinitionError);
    expect((error as StrategyDefinitionError).problems).to.deep.equal([
      'name must match /^[a-z0-9][a-z0-9_-]{0,63}$/',
      'version must be a semver string such as "1.0.0"',
      'evaluate must be a function',
      'onStart must be a function',
      'paramsSchema must be a JSON Schema object',
      'defaultParams must be an object',
    ]);
    expect((error as Error).message).to.match(/^invalid strategy definition: name must match/);
  });

  it('refuses an apiVersion this SDK does not speak', () => {
    expect(checkStrategyDefinition({ ...valid, apiVersion: 99 })).to.deep.equal([
      `apiVersion 99 is not supported by this SDK (API ${API_VERSION})`,
    ]);
  });

  it('accepts prerelease versions and optional hooks', () => {
    expect(
      checkStrategyDefinition({ ...valid, version: '2.0.0-beta.1+build.5', onStart() {}, onStop() {} }),
    ).to.deep.equal([]);
  });

  it('refuses non-objects', () => {
    expect(checkStrategyDefinition(null)).to.deep.equal(['a strategy must be an object']);
    expect(checkStrategyDefinition('strategy')).to.deep.equal(['a strategy must be an object']);
  });
});

describe('isStrategy', () => {
  it('recognises a branded object from another copy of the SDK (the brand is a string)', () => {
    const fromElsewhere = { ...valid, apiVersion: 1, $$type: '@polybot/strategy' };
    expect(isStrategy(fromElsewhere)).to.equal(true);
  });

  it('rejects unbranded, wrongly branded and broken objects', () => {
    expect(isStrategy(valid)).to.equal(false);
    expect(isStrategy({ ...valid, $$type: 'something-else' })).to.equal(false);
    expect(isStrategy({ ...valid, $$type: STRATEGY_BRAND, evaluate: undefined })).to.equal(false);
    expect(isStrategy(null)).to.equal(false);
    expect(isStrategy(42)).to.equal(false);
  });
});

describe('API version and manifest', () => {
  it('supports the current API version only', () => {
    expect(SUPPORTED_API_VERSIONS).to.deep.equal([API_VERSION]);
    expect(isSupportedApiVersion(API_VERSION)).to.equal(true);
    expect(isSupportedApiVersion(API_VERSION + 1)).to.equal(false);
    expect(isSupportedApiVersion('1')).to.equal(false);
  });

  it('describes the polybot field strictly: apiVersion and a ./ entry, nothing else', () => {
    expect(STRATEGY_KEYWORD).to.equal('polybot-strategy');
    expect(pluginManifestSchema).to.deep.include({
      type: 'object',
      additionalProperties: false,
      required: ['apiVersion', 'entry'],
    });
    expect(pluginManifestSchema.properties?.['entry']?.pattern).to.equal('^\\./');
  });
});

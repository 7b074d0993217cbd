import { expect } from 'chai';
import { PluginLoadError } from './errors.js';
import { resolveParams } from './params.js';
import type { StrategyMeta } from './protocol.js';

const meta: StrategyMeta = {
  name: 'p',
  version: '1.0.0',
  apiVersion: 1,
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['threshold'],
    properties: {
      threshold: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      size: { type: 'number', default: 20 },
      tags: { type: 'array', items: { type: 'string' } },
    },
  },
  defaultParams: { threshold: 0.95 },
};

function failure(action: () => unknown): PluginLoadError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(PluginLoadError);
    return error as PluginLoadError;
  }
  throw new Error('expected a PluginLoadError');
}

describe('plugin params', () => {
  it('merges the configured params over the defaults and fills schema defaults', () => {
    expect(resolveParams('p', meta, undefined)).to.deep.equal({ threshold: 0.95, size: 20 });
    expect(resolveParams('p', meta, { threshold: 0.9, tags: ['a'] })).to.deep.equal({
      threshold: 0.9,
      size: 20,
      tags: ['a'],
    });
  });

  it('returns a copy: the configured object is never shared with the strategy', () => {
    const configured = { threshold: 0.9, tags: ['a'] };
    const params = resolveParams('p', meta, configured);
    (params['tags'] as string[]).push('b');
    expect(configured.tags).to.deep.equal(['a']);
  });

  it('names every problem with its path', () => {
    const error = failure(() => resolveParams('p', meta, { threshold: 1.5, tags: [1], colour: 'red' }));
    expect(error.check).to.equal('params');
    expect(error.message).to.include('params.threshold must be < 1');
    expect(error.message).to.include('params.tags.0 must be string');
    expect(error.message).to.include('params has an unknown key "colour"');
    expect(error.message).to.match(/^strategy "p": params check failed/);
  });

  it('accepts anything when the strategy declares no schema', () => {
    const { paramsSchema: _schema, ...noSchema } = meta;
    expect(resolveParams('p', noSchema, { anything: true })).to.deep.equal({
      threshold: 0.95,
      anything: true,
    });
  });

  it('supports draft 2020-12 schemas and reuse of one $id by two strategies', () => {
    const modern: StrategyMeta = {
      ...meta,
      paramsSchema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: 'https://example.com/params',
        type: 'object',
        properties: { threshold: { type: 'number', maximum: 1 } },
      },
    };
    expect(resolveParams('a', modern, {})).to.deep.equal({ threshold: 0.95 });
    expect(resolveParams('b', modern, { threshold: 0.5 })).to.deep.equal({ threshold: 0.5 });
  });

  it('blames the strategy for a schema that does not compile', () => {
    const broken = {
      ...meta,
      paramsSchema: { type: 'object', properties: { x: { type: 'not-a-type' } } },
    } as unknown as StrategyMeta;
    const error = failure(() => resolveParams('p', broken, {}));
    expect(error.message).to.include('its paramsSchema is not a valid JSON Schema');
    expect(error.message).to.include('this is a bug in the strategy');
  });
});

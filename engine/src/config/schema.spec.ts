import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DEFAULT_CONFIG } from './defaults.js';
import {
  bundledConfigFile,
  deploymentSchemaPath,
  loadDeploymentSchema,
  validateDeployment,
} from './schema.js';

type Node = { properties?: Record<string, Node>; default?: unknown; type?: unknown; items?: Node };

function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

function schemaLeaves(node: Node, prefix = ''): Map<string, Node> {
  const out = new Map<string, Node>();
  if (node.type === 'object' && node.properties && prefix !== '' && node.default === undefined) {
    for (const [k, v] of Object.entries(node.properties))
      for (const [p, n] of schemaLeaves(v, `${prefix}.${k}`)) out.set(p, n);
    return out;
  }
  if (prefix === '') {
    for (const [k, v] of Object.entries(node.properties ?? {}))
      if (k !== '$schema') for (const [p, n] of schemaLeaves(v, k)) out.set(p, n);
    return out;
  }
  out.set(prefix, node);
  return out;
}

describe('deployment schema', () => {
  it('is found beside the compiled loader or in the repository', () => {
    expect(deploymentSchemaPath()).to.match(/config\/schema\.json$/);
  });

  it('describes exactly the keys of EngineConfig, with DEFAULT_CONFIG as the documented defaults', () => {
    const leaves = schemaLeaves(loadDeploymentSchema() as Node);
    expect([...leaves.keys()].sort()).to.deep.equal(leafPaths(DEFAULT_CONFIG).sort());
    for (const [path, node] of leaves) {
      const value = path
        .split('.')
        .reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], DEFAULT_CONFIG);
      expect(node.default, `default of ${path}`).to.deep.equal(value);
    }
  });

  it('accepts DEFAULT_CONFIG', () => {
    expect(validateDeployment(DEFAULT_CONFIG)).to.deep.equal([]);
  });

  it('ships default.json equal to DEFAULT_CONFIG', () => {
    const { $schema, ...settings } = JSON.parse(
      readFileSync(bundledConfigFile('default.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect($schema).to.equal('./schema.json');
    expect(settings).to.deep.equal(DEFAULT_CONFIG);
  });

  for (const name of ['default.json', 'demo.json', 'live.example.json']) {
    it(`ships a valid ${name}`, () => {
      const document: unknown = JSON.parse(readFileSync(bundledConfigFile(name), 'utf8'));
      expect(validateDeployment(document)).to.deep.equal([]);
    });
  }

  it('has no field for a secret', () => {
    const text = readFileSync(deploymentSchemaPath(), 'utf8');
    const keys = [...text.matchAll(/"([A-Za-z_]+)": \{/g)].map((m) => m[1]);
    expect(
      keys.filter((k) => /secret|passphrase|password|privatekey|private_key|apikey|token/i.test(k ?? '')),
    ).to.deep.equal([]);
  });

  it('names a bundled file that is missing', () => {
    expect(() => bundledConfigFile('nope.json')).to.throw(/the bundled config file nope.json is missing/);
  });
});

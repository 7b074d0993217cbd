import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DEFAULT_CONFIG } from './defaults.js';
import { ENV_VARS } from './env.js';

/** The operator-facing files that repeat the config surface; these tests keep them in step with the code. */
const root = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

describe('configuration docs', () => {
  it('docs/operations.md documents every environment variable with its default', () => {
    const doc = read('docs/operations.md');
    for (const spec of ENV_VARS)
      expect(doc, spec.name).to.match(
        new RegExp(`\\| \`${spec.name}\` \\| ${spec.defaultText.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\|`),
      );
  });

  it('docs/operations.md documents every config key', () => {
    const doc = read('docs/operations.md');
    for (const key of leafPaths(DEFAULT_CONFIG)) expect(doc, key).to.include(`| \`${key}\` |`);
  });

  it('.env.example lists every environment variable and sets no secret', () => {
    const example = read('.env.example');
    for (const spec of ENV_VARS) expect(example, spec.name).to.match(new RegExp(`^#?${spec.name}=`, 'm'));
    for (const spec of ENV_VARS.filter((v) => 'secret' in v.target))
      expect(example, spec.name).to.match(new RegExp(`^#${spec.name}=$`, 'm'));
  });
});

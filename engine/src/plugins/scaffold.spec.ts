import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { PluginLoadError } from './errors.js';
import { readPluginPackage } from './manifest.js';
import { scaffoldStrategy } from './scaffold.js';
import { removeTemp, tempRoot } from './testing/temp-plugin.js';

describe('strategy scaffolder', () => {
  let root = '';

  before(() => {
    root = tempRoot('scaffold');
  });

  after(() => removeTemp(root));

  it('writes a package that passes the manifest checks once built', () => {
    const result = scaffoldStrategy(join(root, 'fresh'), {
      name: 'fresh_one',
      packageName: '@me/strategy-fresh',
      description: 'Fresh.',
    });
    expect(result.packageName).to.equal('@me/strategy-fresh');
    const source = readFileSync(join(root, 'fresh', 'src', 'index.ts'), 'utf8');
    expect(source).to.include("name: 'fresh_one'");
    expect(readFileSync(join(root, 'fresh', 'README.md'), 'utf8')).to.include(
      'npx polybot --strategy @me/strategy-fresh',
    );
    // The entry exists after `npm run build`; stand in for it and the installed SDK peer.
    mkdirSync(join(root, 'fresh', 'dist'));
    writeFileSync(join(root, 'fresh', 'dist', 'index.js'), '');
    mkdirSync(join(root, 'fresh', 'node_modules', '@polybot', 'sdk'), { recursive: true });
    writeFileSync(
      join(root, 'fresh', 'node_modules', '@polybot', 'sdk', 'package.json'),
      '{"version":"1.0.0"}',
    );
    expect(readPluginPackage(join(root, 'fresh')).name).to.equal('@me/strategy-fresh');
  });

  it('refuses a bad name, a bad package name and a non-empty folder', () => {
    expect(() => scaffoldStrategy(join(root, 'a'), { name: 'Bad Name' })).to.throw(
      PluginLoadError,
      /strategy name must match/,
    );
    expect(() => scaffoldStrategy(join(root, 'b'), { name: 'ok', packageName: 'Bad/Name' })).to.throw(
      PluginLoadError,
      /not a valid npm/,
    );
    expect(() => scaffoldStrategy(join(root, 'c'), { name: 'ok', packageName: 'x@1' })).to.throw(
      PluginLoadError,
    );
    mkdirSync(join(root, 'busy'));
    writeFileSync(join(root, 'busy', 'notes.txt'), 'mine');
    expect(() => scaffoldStrategy(join(root, 'busy'), { name: 'ok' })).to.throw(
      PluginLoadError,
      /is not empty/,
    );
    expect(existsSync(join(root, 'a'))).to.equal(false);
  });

  it('with force, adds only the missing files and never overwrites', () => {
    writeFileSync(join(root, 'busy', 'README.md'), 'my readme');
    const result = scaffoldStrategy(join(root, 'busy'), { name: 'ok', force: true });
    expect(result.files).not.to.include('README.md');
    expect(result.files).to.include('package.json');
    expect(readFileSync(join(root, 'busy', 'README.md'), 'utf8')).to.equal('my readme');
    expect(result.packageName).to.equal('polybot-strategy-ok');
  });
});

import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { ENGINE_DIR, findPackageDir, isPathSpec, locatePlugin, parsePackageSpec } from './discovery.js';
import { PluginLoadError } from './errors.js';
import { removeTemp, tempRoot, writePlugin } from './testing/temp-plugin.js';

function failure(action: () => unknown): PluginLoadError {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(PluginLoadError);
    return error as PluginLoadError;
  }
  throw new Error('expected a PluginLoadError');
}

describe('plugin discovery', () => {
  let root = '';

  before(() => {
    root = tempRoot('discovery');
  });

  after(() => removeTemp(root));

  it('tells paths from package names', () => {
    for (const spec of ['.', '..', './x', '../x', '/abs/x', 'file:./x', '~/x', 'C:\\x'])
      expect(isPathSpec(spec), spec).to.equal(true);
    for (const spec of ['x', '@acme/x', 'high_prob_yes', '@acme/x@^1'])
      expect(isPathSpec(spec), spec).to.equal(false);
  });

  it('parses package specs with optional ranges', () => {
    expect(parsePackageSpec('@acme/strategy-x')).to.deep.equal({ name: '@acme/strategy-x', range: null });
    expect(parsePackageSpec('@acme/strategy-x@^1.2')).to.deep.equal({
      name: '@acme/strategy-x',
      range: '^1.2',
    });
    expect(parsePackageSpec('plain@1.0.0')).to.deep.equal({ name: 'plain', range: '1.0.0' });
    for (const bad of ['Upper', 'a b', '@acme/x@not a range', 'x@', '@/x', ''])
      expect(parsePackageSpec(bad), bad).to.equal(null);
  });

  it('finds a package in the nearest node_modules above a folder', () => {
    const pkg = join(root, 'walk', 'node_modules', 'found');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), '{}');
    mkdirSync(join(root, 'walk', 'a', 'b'), { recursive: true });
    expect(findPackageDir('found', join(root, 'walk', 'a', 'b'))).to.equal(pkg);
    expect(findPackageDir('missing-for-sure', join(root, 'walk'))).to.equal(null);
  });

  it('locates a local folder by absolute, relative and file: paths', () => {
    const dir = writePlugin(root, 'local');
    const options = { deploymentDir: root, pluginsDir: 'plugins' };
    expect(locatePlugin(dir, options)).to.deep.equal({ spec: dir, source: 'local', dir, range: null });
    expect(locatePlugin('./local', options).dir).to.equal(dir);
    expect(locatePlugin('file:./local', options).dir).to.equal(dir);
    expect(locatePlugin(pathToFileURL(dir).href, options).dir).to.equal(dir);
  });

  it('explains a missing folder, a file and a tarball that must be installed first', () => {
    const options = { deploymentDir: root, pluginsDir: 'plugins' };
    expect(failure(() => locatePlugin('./nowhere', options)).message).to.include('no folder at');
    writeFileSync(join(root, 'strategy.tgz'), 'x');
    expect(failure(() => locatePlugin('./strategy.tgz', options)).message).to.include(
      'polybot plugins add ./strategy.tgz',
    );
    writeFileSync(join(root, 'file.txt'), 'x');
    expect(failure(() => locatePlugin('./file.txt', options)).check).to.equal('spec');
    expect(failure(() => locatePlugin('  ', options)).message).to.include('the spec is empty');
    expect(failure(() => locatePlugin('Not A Package', options)).check).to.equal('spec');
  });

  it('resolves first-party names from the engine', () => {
    const found = locatePlugin('high_prob_yes', { deploymentDir: root, pluginsDir: 'plugins' });
    expect(found.source).to.equal('first-party');
    expect(found.dir).to.equal(realpathSync(findPackageDir('@polybot/strategy-high-prob-yes', ENGINE_DIR)!));
    const missing = failure(() =>
      locatePlugin('high_prob_yes', { deploymentDir: root, pluginsDir: 'plugins', engineDir: root }),
    );
    expect(missing.message).to.include('not installed next to the engine');
  });

  it('looks in the managed plugins folder first, then node_modules above the deployment', () => {
    const deployment = join(root, 'deploy');
    const managed = writePlugin(
      join(deployment, 'plugins', 'node_modules'),
      'shared',
      { name: 'shared', version: '2.0.0' },
      {},
      false,
    );
    const inDeployment = writePlugin(
      join(deployment, 'node_modules'),
      'only-here',
      { name: 'only-here', version: '1.0.0' },
      {},
      false,
    );
    writePlugin(join(deployment, 'node_modules'), 'shared', { name: 'shared', version: '1.0.0' }, {}, false);
    const options = { deploymentDir: deployment, pluginsDir: 'plugins' };
    expect(locatePlugin('shared', options)).to.deep.equal({
      spec: 'shared',
      source: 'npm',
      dir: managed,
      range: null,
    });
    expect(locatePlugin('only-here', options).dir).to.equal(inDeployment);
    expect(locatePlugin('shared@^2', options).range).to.equal('^2');
    const wrongVersion = failure(() => locatePlugin('only-here@^3', options));
    expect(wrongVersion.check).to.equal('version');
    expect(wrongVersion.message).to.include('installed version 1.0.0 does not satisfy ^3');
    const missing = failure(() => locatePlugin('@acme/none', options));
    expect(missing.check).to.equal('not_installed');
    expect(missing.message).to.include('Fix: install it with: polybot plugins add @acme/none');
  });

  it('follows a symlinked package to its real folder', () => {
    const target = writePlugin(root, 'real-target', { name: 'linked-pkg', version: '1.0.0' }, {}, false);
    mkdirSync(join(root, 'linkdeploy', 'node_modules'), { recursive: true });
    symlinkSync(target, join(root, 'linkdeploy', 'node_modules', 'linked-pkg'));
    expect(
      locatePlugin('linked-pkg', { deploymentDir: join(root, 'linkdeploy'), pluginsDir: 'p' }).dir,
    ).to.equal(target);
  });
});

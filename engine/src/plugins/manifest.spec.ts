import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { PluginLoadError } from './errors.js';
import { isInside, readPluginPackage } from './manifest.js';
import {
  removeTemp,
  sdkDir,
  tempRoot,
  VALID_PACKAGE,
  VALID_SOURCE,
  writePlugin,
} from './testing/temp-plugin.js';

describe('plugin manifest checks', () => {
  let root = '';
  let count = 0;

  before(() => {
    root = tempRoot('manifest');
  });

  after(() => removeTemp(root));

  function check(
    pkg: Record<string, unknown>,
    files: Record<string, string> = { 'index.js': VALID_SOURCE },
    linkSdk = true,
  ) {
    const dir = writePlugin(root, `p${count++}`, pkg, files, linkSdk);
    try {
      return { plugin: readPluginPackage(dir), error: null };
    } catch (error) {
      expect(error).to.be.instanceOf(PluginLoadError);
      return { plugin: null, error: error as PluginLoadError };
    }
  }

  it('accepts a valid package and reports what it found', () => {
    const { plugin } = check({ ...VALID_PACKAGE, description: 'd' });
    expect(plugin).to.deep.include({
      name: 'temp-strategy',
      version: '1.0.0',
      description: 'd',
      manifest: { apiVersion: 1, entry: './index.js' },
      sdkRange: '^1.0.0',
      sdkVersion: '1.0.0',
    });
    expect(plugin?.entryPath.endsWith('/index.js')).to.equal(true);
    expect(plugin?.entryUrl.startsWith('file:///')).to.equal(true);
  });

  it('runs the checks in order, naming each failure and its fix', () => {
    const { polybot: _polybot, ...withoutManifest } = VALID_PACKAGE;
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ version: '1.0.0' }, 'package_json', /needs "name" and "version"/],
      [withoutManifest, 'manifest', /has no "polybot" field.*Fix: add "polybot"/],
      [{ ...VALID_PACKAGE, keywords: ['trading'] }, 'keyword', /keywords do not include "polybot-strategy"/],
      [
        { ...VALID_PACKAGE, peerDependencies: {} },
        'peer_dependency',
        /must declare @polybot\/sdk as a peer dependency/,
      ],
      [
        { ...VALID_PACKAGE, peerDependencies: { '@polybot/sdk': 'latest please' } },
        'peer_dependency',
        /semver range/,
      ],
      [
        { ...VALID_PACKAGE, polybot: { apiVersion: '1', entry: './index.js' } },
        'manifest_schema',
        /polybot.apiVersion must be integer/,
      ],
      [
        { ...VALID_PACKAGE, polybot: { entry: './index.js' } },
        'manifest_schema',
        /must have required property 'apiVersion'/,
      ],
      [
        { ...VALID_PACKAGE, polybot: { apiVersion: 3, entry: './index.js' } },
        'api_version',
        /targets SDK API 3; this engine supports 1.*upgrade polybot/,
      ],
      [
        { ...VALID_PACKAGE, polybot: { apiVersion: 0, entry: './index.js' } },
        'manifest_schema',
        /must be >= 1/,
      ],
      [
        { ...VALID_PACKAGE, polybot: { apiVersion: 1, entry: './missing.js' } },
        'entry',
        /does not exist.*npm run build/,
      ],
      [{ ...VALID_PACKAGE, polybot: { apiVersion: 1, entry: './' } }, 'entry', /does not exist/],
      [
        { ...VALID_PACKAGE, polybot: { apiVersion: 1, entry: './../x/index.js' } },
        'entry',
        /points outside the package folder/,
      ],
      [
        { ...VALID_PACKAGE, peerDependencies: { '@polybot/sdk': '^2.0.0' } },
        'sdk',
        /needs @polybot\/sdk@\^2.0.0 but finds 1.0.0/,
      ],
    ];
    for (const [pkg, expected, message] of cases) {
      const { error } = check(pkg);
      expect(error?.check, JSON.stringify(pkg)).to.equal(expected);
      expect(error?.message, expected).to.match(message);
    }
  });

  it('reports unreadable JSON', () => {
    const dir = join(root, 'badjson');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{ nope');
    expect(() => readPluginPackage(dir)).to.throw(PluginLoadError, /is not valid JSON/);
    const empty = join(root, 'nojson');
    mkdirSync(empty);
    expect(() => readPluginPackage(empty)).to.throw(PluginLoadError, /package.json does not exist/);
  });

  it('refuses an entry that is a symlink leaving the package', () => {
    writeFileSync(join(root, 'outside.js'), VALID_SOURCE);
    const dir = writePlugin(
      root,
      'linked',
      { ...VALID_PACKAGE, polybot: { apiVersion: 1, entry: './entry.js' } },
      {},
    );
    symlinkSync(join(root, 'outside.js'), join(dir, 'entry.js'));
    expect(() => readPluginPackage(dir)).to.throw(
      PluginLoadError,
      /resolves through a symlink to .*outside.js, outside the package folder/,
    );
  });

  it('refuses a plugin that cannot import the SDK, or finds a broken copy', () => {
    expect(check(VALID_PACKAGE, { 'index.js': VALID_SOURCE }, false).error?.message).to.match(
      /@polybot\/sdk cannot be imported from .*npm install @polybot\/sdk@"\^1.0.0"/,
    );
    const dir = writePlugin(
      root,
      'brokensdk',
      VALID_PACKAGE,
      { 'index.js': VALID_SOURCE, 'node_modules/@polybot/sdk/package.json': '{' },
      false,
    );
    expect(() => readPluginPackage(dir)).to.throw(PluginLoadError, /finds an unreadable version/);
  });

  it('names the plugin by its label when given one', () => {
    const dir = writePlugin(root, 'labelled', { ...VALID_PACKAGE, keywords: [] });
    expect(() => readPluginPackage(dir, 'my_label')).to.throw(
      PluginLoadError,
      /^strategy "my_label": keyword check failed/,
    );
    expect(sdkDir()).to.be.a('string');
  });

  it('decides containment on path segments, not string prefixes', () => {
    expect(isInside('/a/b', '/a/b')).to.equal(true);
    expect(isInside('/a/b', '/a/b/c/d.js')).to.equal(true);
    expect(isInside('/a/b', '/a/bc/d.js')).to.equal(false);
    expect(isInside('/a/b', '/a/b/../c')).to.equal(false);
    expect(isInside('/a/b', '/etc/passwd')).to.equal(false);
  });
});

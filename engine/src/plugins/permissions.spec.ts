import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { PluginLoadError } from './errors.js';
import { buildPermissionArgs, computeReadGrants, permissionFlag, RUNTIME_FILE } from './permissions.js';
import { removeTemp, sdkDir, tempRoot, VALID_PACKAGE, writePlugin } from './testing/temp-plugin.js';

describe('plugin permissions', () => {
  let root = '';

  before(() => {
    root = tempRoot('grants');
  });

  after(() => removeTemp(root));

  it('grants the runtime files, the plugin, and every package it imports (link and real path) — nothing else', () => {
    const deployment = join(root, 'deploy');
    const nodeModules = join(deployment, 'node_modules');
    // A hoisted dependency, itself depending on another package through a symlink.
    writePlugin(
      nodeModules,
      'helper',
      { name: 'helper', version: '1.0.0', dependencies: { deep: '1.0.0' } },
      {},
      false,
    );
    const deepReal = writePlugin(root, 'deep-real', { name: 'deep', version: '1.0.0' }, {}, false);
    symlinkSync(deepReal, join(nodeModules, 'deep'));
    const plugin = writePlugin(nodeModules, 'strategy', {
      ...VALID_PACKAGE,
      dependencies: { helper: '1.0.0', missing: '1.0.0' },
    });
    writeFileSync(join(deployment, 'polymarket_api_creds.json'), '{}');

    const grants = computeReadGrants(plugin);
    const paths = grants.map((g) => `${g.kind}:${g.path}`);
    expect(paths).to.include(`file:${realpathSync(RUNTIME_FILE)}`);
    expect(paths.filter((p) => p.startsWith('file:'))).to.have.length(2);
    expect(paths).to.include.members([
      `dir:${plugin}`,
      `dir:${join(plugin, 'node_modules', '@polybot', 'sdk')}`,
      `dir:${sdkDir()}`,
      `dir:${join(nodeModules, 'helper')}`,
      `dir:${join(nodeModules, 'deep')}`,
      `dir:${deepReal}`,
    ]);
    for (const grant of grants) {
      expect(grant.path, 'the deployment folder itself is never readable').not.to.equal(deployment);
      expect(grant.path).not.to.equal(nodeModules);
    }
  });

  it('builds one flag per path, folders with a wildcard, and no grant beyond reads', () => {
    const args = buildPermissionArgs(
      [
        { path: '/opt/runtime.js', kind: 'file' },
        { path: '/opt/plugin', kind: 'dir' },
      ],
      'p',
    );
    expect(args).to.deep.equal([
      permissionFlag(),
      '--no-warnings',
      '--allow-fs-read=/opt/runtime.js',
      '--allow-fs-read=/opt/plugin/*',
    ]);
    expect(args.some((a) => /allow-(fs-write|child-process|worker|addons)/.test(a))).to.equal(false);
  });

  it('refuses a path with a comma, which the flags cannot express', () => {
    expect(() => buildPermissionArgs([{ path: '/opt/a,b', kind: 'dir' }], 'p')).to.throw(
      PluginLoadError,
      /contains a comma/,
    );
  });

  it('uses the flag name this Node knows', () => {
    const expected = process.allowedNodeEnvironmentFlags.has('--permission')
      ? '--permission'
      : '--experimental-permission';
    expect(permissionFlag()).to.equal(expected);
    mkdirSync(join(root, 'unused'), { recursive: true });
  });
});

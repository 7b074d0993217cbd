import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { PluginLoadError } from './errors.js';
import { installPlugin, readTarballManifest, scrubbedEnv } from './installer.js';
import { removeTemp, tempRoot } from './testing/temp-plugin.js';

describe('plugin installer', () => {
  let root = '';

  before(() => {
    root = tempRoot('installer');
  });

  after(() => removeTemp(root));

  it('passes npm only what it needs, never the engine secrets', () => {
    const env = scrubbedEnv({
      PATH: '/usr/bin',
      HOME: '/home/bot',
      HTTPS_PROXY: 'http://proxy:3128',
      npm_config_registry: 'https://registry.example.com/',
      'npm_config_//registry.example.com/:_authToken': 'npm-token',
      npm_config_local_prefix: '/somewhere/else',
      PRIVATE_KEY: '0xsecret',
      DATABASE_URL: 'postgres://u:p@h/db',
      TELEGRAM_BOT_TOKEN: 't',
      DASHBOARD_API_KEY: 'k',
      POLYMARKET_CREDS_FILE: '/creds.json',
      UNDEFINED: undefined,
    });
    expect(env).to.deep.equal({
      PATH: '/usr/bin',
      HOME: '/home/bot',
      HTTPS_PROXY: 'http://proxy:3128',
      npm_config_registry: 'https://registry.example.com/',
      'npm_config_//registry.example.com/:_authToken': 'npm-token',
    });
  });

  it('reads package.json out of a tarball without extracting it', () => {
    const src = join(root, 'tar-src', 'package');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'README.md'), 'x'.repeat(700));
    writeFileSync(join(src, 'package.json'), JSON.stringify({ name: '@acme/strategy-x', version: '1.2.3' }));
    const tgz = join(root, 'x.tgz');
    const tar = spawnSync('tar', [
      '-czf',
      tgz,
      '-C',
      join(root, 'tar-src'),
      'package/README.md',
      'package/package.json',
    ]);
    expect(tar.status).to.equal(0);
    expect(readTarballManifest(tgz)).to.deep.equal({ name: '@acme/strategy-x', version: '1.2.3' });
    const empty = join(root, 'empty.tgz');
    spawnSync('tar', ['-czf', empty, '-C', join(root, 'tar-src'), 'package/README.md']);
    expect(() => readTarballManifest(empty)).to.throw(/has no package.json at its top level/);
  });

  it('refuses a bad spec or a missing path before running npm', async () => {
    for (const [spec, pattern] of [
      ['Not Valid!', /not a valid npm package name/],
      ['./missing.tgz', /does not exist/],
      ['./not-a-package', /cannot read its package.json/],
    ] as const) {
      mkdirSync(join(root, 'not-a-package'), { recursive: true });
      let failure: unknown;
      try {
        await installPlugin(spec, { dir: join(root, 'plugins'), cwd: root, npm: '/bin/false' });
      } catch (error) {
        failure = error;
      }
      expect(failure).to.be.instanceOf(PluginLoadError);
      expect((failure as Error).message).to.match(pattern);
    }
  });

  it('reports npm failing, and prepares the managed folder as its own npm project', async () => {
    let failure: unknown;
    try {
      await installPlugin('@acme/strategy-x@^1', { dir: 'plugins', cwd: root, npm: '/bin/false' });
    } catch (error) {
      failure = error;
    }
    expect((failure as PluginLoadError).check).to.equal('install');
    expect((failure as Error).message).to.match(/npm install failed \(exit 1\)/);
    expect(spawnSync('cat', [join(root, 'plugins', 'package.json')]).stdout.toString()).to.include(
      '"private": true',
    );
  });
});

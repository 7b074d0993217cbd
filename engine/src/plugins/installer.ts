import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isPathSpec, parsePackageSpec } from './discovery.js';
import { PluginLoadError } from './errors.js';
import { readPluginPackage, type PluginPackage } from './manifest.js';

export interface InstallOptions {
  /** The managed plugins folder (`plugins.dir`); relative paths start at `cwd`. */
  readonly dir: string;
  readonly cwd?: string;
  /** The npm executable. */
  readonly npm?: string;
  /** Use only npm's cache and local files (tests, air-gapped hosts). */
  readonly offline?: boolean;
  readonly timeoutMs?: number;
  /** The environment to scrub; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface InstalledPlugin {
  readonly name: string;
  /** The exact version now installed (also pinned in `<dir>/package.json`). */
  readonly version: string;
  /** Real path of the installed package. */
  readonly dir: string;
  readonly plugin: PluginPackage;
  /** The spec to put in the deployment config (`strategies[].package`). */
  readonly configSpec: string;
}

/** Variables npm may need: where it lives, where the registry is, how to reach it. Nothing else. */
const KEPT_VARIABLES = new Set([
  'PATH',
  'HOME',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LC_ALL',
  'SYSTEMROOT',
  'COMSPEC',
  'NODE_EXTRA_CA_CERTS',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
]);
const KEPT_NPM_CONFIG =
  /^npm_config_(registry|cache|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile|ca|fetch_retries|fetch_timeout|@[^:]+:registry|\/\/.+)$/i;

/**
 * The environment npm runs with: the engine's secrets (PRIVATE_KEY, DATABASE_URL, TELEGRAM_…,
 * DASHBOARD_API_KEY, …) are not passed on, even though install scripts are disabled.
 */
export function scrubbedEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (KEPT_VARIABLES.has(key.toUpperCase()) || KEPT_NPM_CONFIG.test(key)) env[key] = value;
  }
  return env;
}

/** Reads package.json out of an npm tarball (gzip'd tar, one top folder) without extracting it. */
export function readTarballManifest(path: string): Record<string, unknown> {
  const tar = gunzipSync(readFileSync(path));
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    if (name.length === 0) break;
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    const full = prefix.length > 0 ? `${prefix}/${name}` : name;
    offset += 512;
    if (/^[^/]+\/package\.json$/.test(full)) {
      return JSON.parse(tar.subarray(offset, offset + size).toString('utf8')) as Record<string, unknown>;
    }
    offset += Math.ceil(size / 512) * 512;
  }
  throw new Error(`${path} has no package.json at its top level`);
}

function run(npm: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      npm,
      [...args],
      { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        done({ code, stdout: String(stdout), stderr: String(stderr) || (error?.message ?? '') });
      },
    );
  });
}

function ensurePluginsFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) {
    // Its own package.json makes the folder an npm project, so npm never walks up into a parent one.
    writeFileSync(
      manifest,
      `${JSON.stringify({ name: 'polybot-plugins', private: true, description: 'Strategies installed by polybot plugins add' }, null, 2)}\n`,
    );
  }
}

/** The package name a spec will install, known before running npm. */
function packageNameOf(spec: string, cwd: string): string {
  if (isPathSpec(spec) || spec.endsWith('.tgz')) {
    const path = isAbsolute(spec) ? spec : resolve(cwd, spec.replace(/^file:/, ''));
    if (!existsSync(path))
      throw new PluginLoadError(spec, 'install', `${path} does not exist`, 'check the path');
    let pkg: Record<string, unknown>;
    try {
      pkg = statSync(path).isDirectory()
        ? (JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as Record<string, unknown>)
        : readTarballManifest(path);
    } catch (error) {
      throw new PluginLoadError(
        spec,
        'install',
        `cannot read its package.json: ${error instanceof Error ? error.message : String(error)}`,
        'point at a strategy package folder (with package.json) or a packed .tgz',
      );
    }
    if (typeof pkg['name'] !== 'string')
      throw new PluginLoadError(
        spec,
        'install',
        'its package.json has no name',
        'publish a proper npm package',
      );
    return pkg['name'];
  }
  const parsed = parsePackageSpec(spec);
  if (parsed === null) {
    throw new PluginLoadError(
      spec,
      'spec',
      'not a valid npm package name with an optional @range',
      'use e.g. @acme/strategy-x or @acme/strategy-x@^1.2',
    );
  }
  return parsed.name;
}

/**
 * `polybot plugins add`: installs a strategy package into the managed plugins folder with npm,
 * install scripts disabled and a scrubbed environment, pins the exact version, then runs the
 * load-time checks. A package that fails them is uninstalled again and the error says why.
 */
export async function installPlugin(spec: string, options: InstallOptions): Promise<InstalledPlugin> {
  const cwd = options.cwd ?? process.cwd();
  const dir = resolve(cwd, options.dir);
  const name = packageNameOf(spec, cwd);
  const installable =
    isPathSpec(spec) || spec.endsWith('.tgz') ? resolve(cwd, spec.replace(/^file:/, '')) : spec;
  ensurePluginsFolder(dir);
  const npm = options.npm ?? (process.platform === 'win32' ? 'npm.cmd' : 'npm');
  const env = scrubbedEnv(options.env);
  const timeoutMs = options.timeoutMs ?? 300_000;
  const args = [
    'install',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    '--save-exact',
    '--install-links',
    '--loglevel=error',
    ...(options.offline === true ? ['--offline'] : []),
    '--prefix',
    dir,
    installable,
  ];
  const result = await run(npm, args, dir, env, timeoutMs);
  if (result.code !== 0) {
    const tail = result.stderr.trim().split('\n').slice(-6).join(' | ');
    throw new PluginLoadError(
      name,
      'install',
      `npm install failed (exit ${result.code}): ${tail}`,
      'check the package name and version, and that the registry is reachable (npm config get registry)',
    );
  }
  const installedDir = join(dir, 'node_modules', name);
  let plugin: PluginPackage;
  try {
    plugin = readPluginPackage(installedDir, name);
  } catch (error) {
    const offline = options.offline === true ? ['--offline'] : [];
    const uninstall = [
      'uninstall',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...offline,
    ];
    await run(npm, [...uninstall, '--prefix', dir, name], dir, env, timeoutMs);
    throw error;
  }
  return { name, version: plugin.version, dir: plugin.dir, plugin, configSpec: name };
}

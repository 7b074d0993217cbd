import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { PluginLoadError } from './errors.js';
import type { PluginSource } from './types.js';

/** Strategies that ship with polybot, selectable by short name (`STRATEGY_NAME=high_prob_yes`). */
export const FIRST_PARTY_STRATEGIES: Readonly<Record<string, string>> = Object.freeze({
  high_prob_yes: '@polybot/strategy-high-prob-yes',
  watch_confirm: '@polybot/strategy-watch-confirm',
});

/** Where to look for a strategy. */
export interface DiscoveryOptions {
  /** The deployment folder: relative paths resolve here and its node_modules are searched. */
  readonly deploymentDir: string;
  /** The managed plugins folder (`plugins.dir`), searched first. */
  readonly pluginsDir: string;
  /** Folder first-party strategies resolve from; defaults to the engine's own location. */
  readonly engineDir?: string;
}

export interface PluginLocation {
  /** What the operator wrote. */
  readonly spec: string;
  readonly source: PluginSource;
  /** Real path of the package folder (symlinks resolved). */
  readonly dir: string;
  /** A range the operator asked for (`@acme/x@^1.2`), checked against the installed version. */
  readonly range: string | null;
}

const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** The engine package's folder, found from this module's location (dist/plugins → package root). */
export const ENGINE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** True when the spec names a folder or file rather than a package. */
export function isPathSpec(spec: string): boolean {
  return (
    spec === '.' ||
    spec === '..' ||
    spec.startsWith('./') ||
    spec.startsWith('../') ||
    spec.startsWith('/') ||
    spec.startsWith('file:') ||
    spec.startsWith('~/') ||
    /^[A-Za-z]:[\\/]/.test(spec)
  );
}

/** Splits `@scope/name@range` into name and range; null when it is not a valid npm spec. */
export function parsePackageSpec(spec: string): { name: string; range: string | null } | null {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  const name = at === -1 ? spec : spec.slice(0, at);
  const range = at === -1 ? null : spec.slice(at + 1);
  if (name.length === 0 || name.length > 214 || !NPM_NAME.test(name)) return null;
  if (range !== null && (range.length === 0 || semver.validRange(range) === null)) return null;
  return { name, range };
}

/**
 * Finds `node_modules/<name>` the way Node does for an import from `fromDir`: the nearest
 * ancestor that has it. Returns the folder as found (possibly a symlink), or null.
 */
export function findPackageDir(name: string, fromDir: string): string | null {
  let dir = resolve(fromDir);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function readVersion(dir: string): string | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const version = (parsed as { version?: unknown }).version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}

function expandHome(spec: string): string {
  if (spec.startsWith('file://')) return fileURLToPath(spec);
  if (spec.startsWith('file:')) return spec.slice('file:'.length);
  if (spec.startsWith('~/')) return join(process.env['HOME'] ?? '/', spec.slice(2));
  return spec;
}

function locateFolder(spec: string, options: DiscoveryOptions): PluginLocation {
  const path = expandHome(spec);
  const absolute = isAbsolute(path) ? path : resolve(options.deploymentDir, path);
  if (!existsSync(absolute)) {
    throw new PluginLoadError(
      spec,
      'not_installed',
      `no folder at ${absolute}`,
      'check the path (relative paths start from the deployment folder) or give a package name',
    );
  }
  if (!statSync(absolute).isDirectory()) {
    const hint = absolute.endsWith('.tgz')
      ? `install the tarball first: polybot plugins add ${spec}`
      : 'point at the folder that holds the package.json';
    throw new PluginLoadError(spec, 'spec', `${absolute} is a file, not a package folder`, hint);
  }
  return { spec, source: 'local', dir: realpathSync(absolute), range: null };
}

/**
 * Turns a strategy spec into a package folder: a local path, a first-party short name, or an
 * npm package installed in the managed plugins folder or the deployment's node_modules (in that
 * order). Nothing is imported here; the manifest checks come next.
 */
export function locatePlugin(spec: string, options: DiscoveryOptions): PluginLocation {
  const trimmed = spec.trim();
  if (trimmed.length === 0)
    throw new PluginLoadError(spec, 'spec', 'the spec is empty', 'give a package name or a folder path');
  if (isPathSpec(trimmed)) return locateFolder(trimmed, options);

  const firstParty = FIRST_PARTY_STRATEGIES[trimmed];
  if (firstParty !== undefined) {
    const found = findPackageDir(firstParty, options.engineDir ?? ENGINE_DIR);
    if (found === null) {
      throw new PluginLoadError(
        trimmed,
        'not_installed',
        `the first-party strategy ${firstParty} is not installed next to the engine`,
        `reinstall polybot, or install it: polybot plugins add ${firstParty}`,
      );
    }
    return { spec: trimmed, source: 'first-party', dir: realpathSync(found), range: null };
  }

  const parsed = parsePackageSpec(trimmed);
  if (parsed === null) {
    throw new PluginLoadError(
      trimmed,
      'spec',
      'not a valid npm package name (with an optional @range) nor a folder path',
      `use a package name such as @acme/strategy-x, a first-party name (${Object.keys(FIRST_PARTY_STRATEGIES).join(', ')}) or a path starting with ./ or /`,
    );
  }
  const managed = resolve(options.deploymentDir, options.pluginsDir);
  const found =
    (existsSync(join(managed, 'node_modules', parsed.name, 'package.json'))
      ? join(managed, 'node_modules', parsed.name)
      : null) ?? findPackageDir(parsed.name, options.deploymentDir);
  if (found === null) {
    throw new PluginLoadError(
      parsed.name,
      'not_installed',
      `package ${parsed.name} is not installed (looked in ${join(managed, 'node_modules')} and the node_modules folders above ${options.deploymentDir})`,
      `install it with: polybot plugins add ${trimmed}`,
    );
  }
  if (parsed.range !== null) {
    const version = readVersion(found);
    if (version === null || !semver.satisfies(version, parsed.range, { includePrerelease: true })) {
      throw new PluginLoadError(
        parsed.name,
        'version',
        `installed version ${version ?? 'unknown'} does not satisfy ${parsed.range}`,
        `install a matching version: polybot plugins add ${trimmed}`,
      );
    }
  }
  return { spec: trimmed, source: 'npm', dir: realpathSync(found), range: parsed.range };
}

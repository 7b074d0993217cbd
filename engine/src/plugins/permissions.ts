import { readFileSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPackageDir } from './discovery.js';
import { PluginLoadError } from './errors.js';

/** A path the strategy runtime may read: one file, or a folder and everything below it. */
export interface ReadGrant {
  readonly path: string;
  readonly kind: 'file' | 'dir';
}

/** The files the runtime itself needs: its entry and the protocol module it imports. */
export const RUNTIME_FILE = fileURLToPath(new URL('./runtime.js', import.meta.url));
const RUNTIME_FILES = [RUNTIME_FILE, fileURLToPath(new URL('./protocol.js', import.meta.url))];

/** Packages the runtime imports from its own location. */
const RUNTIME_DEPENDENCIES = ['@polybot/sdk'];

/** Stop walking a dependency tree past this many packages: a strategy is small. */
const MAX_PACKAGES = 500;

function dependencyNames(packageDir: string): string[] {
  try {
    const pkg = JSON.parse(readFileSync(`${packageDir}/package.json`, 'utf8')) as Record<string, unknown>;
    const names = new Set<string>();
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      const deps = pkg[field];
      if (typeof deps === 'object' && deps !== null) for (const name of Object.keys(deps)) names.add(name);
    }
    return [...names];
  } catch {
    return [];
  }
}

/**
 * What an import of each dependency will touch. Node resolves a bare import by walking up
 * node_modules from the importing file's real path, then realpaths the result, so both the path
 * as found (a workspace symlink, say) and its real target must be readable.
 */
function addPackageTree(start: string, names: readonly string[], grants: Map<string, ReadGrant>): void {
  const queue: { from: string; name: string }[] = names.map((name) => ({ from: start, name }));
  const visited = new Set<string>();
  while (queue.length > 0 && visited.size < MAX_PACKAGES) {
    const { from, name } = queue.shift()!;
    const found = findPackageDir(name, from);
    if (found === null) continue; // an optional or missing package: the import fails with Node's own message
    const real = realpathSync(found);
    grants.set(found, { path: found, kind: 'dir' });
    grants.set(real, { path: real, kind: 'dir' });
    if (visited.has(real)) continue;
    visited.add(real);
    for (const dep of dependencyNames(real)) queue.push({ from: real, name: dep });
  }
}

/**
 * Everything a strategy's runtime may read: the runtime files, the plugin folder, and the
 * packages the plugin and the runtime import (transitively). Nothing else: not the deployment
 * folder, not the creds file, not /proc.
 */
export function computeReadGrants(
  pluginDir: string,
  runtimeFiles: readonly string[] = RUNTIME_FILES,
): ReadGrant[] {
  const grants = new Map<string, ReadGrant>();
  for (const file of runtimeFiles) {
    const real = realpathSync(file);
    grants.set(real, { path: real, kind: 'file' });
  }
  const realPlugin = realpathSync(pluginDir);
  grants.set(realPlugin, { path: realPlugin, kind: 'dir' });
  addPackageTree(realPlugin, dependencyNames(realPlugin), grants);
  addPackageTree(dirname(realpathSync(runtimeFiles[0] ?? RUNTIME_FILE)), RUNTIME_DEPENDENCIES, grants);
  return [...grants.values()];
}

/** Node 22 renamed the flag; 20 only knows the experimental name. */
export function permissionFlag(): '--permission' | '--experimental-permission' {
  return process.allowedNodeEnvironmentFlags.has('--permission')
    ? '--permission'
    : '--experimental-permission';
}

/**
 * Node's permission flags for one runtime: reads limited to the grants; no writes, no child
 * processes, no workers, no native addons (none of those are granted). Node 20 rejects a
 * comma-separated list in a worker's execArgv, so each path gets its own flag.
 */
export function buildPermissionArgs(grants: readonly ReadGrant[], plugin: string): string[] {
  const args: string[] = [permissionFlag(), '--no-warnings'];
  for (const grant of grants) {
    if (grant.path.includes(',')) {
      throw new PluginLoadError(
        plugin,
        'config',
        `the path ${grant.path} contains a comma, which Node's permission flags cannot express`,
        'move the strategy (or the engine) to a path without commas',
      );
    }
    args.push(`--allow-fs-read=${grant.kind === 'dir' ? `${grant.path}/*` : grant.path}`);
  }
  return args;
}

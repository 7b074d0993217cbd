import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { STRATEGY_KEYWORD } from '@polybot/sdk';
import { ENGINE_DIR, FIRST_PARTY_STRATEGIES, findPackageDir } from './discovery.js';
import { PluginLoadError } from './errors.js';
import { readPluginPackage } from './manifest.js';
import type { PluginSource } from './types.js';

export interface ListedStrategy {
  /** What to write in `strategies[].package` (or `--strategy`). */
  readonly spec: string;
  readonly packageName: string;
  readonly version: string | null;
  readonly source: PluginSource;
  readonly dir: string;
  /** Passed every check that runs without importing it. */
  readonly loadable: boolean;
  readonly problem: string | null;
}

function looksLikeStrategy(packageDir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    const keywords = pkg['keywords'];
    return 'polybot' in pkg || (Array.isArray(keywords) && keywords.includes(STRATEGY_KEYWORD));
  } catch {
    return false;
  }
}

function packagesIn(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  const dirs: string[] = [];
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) {
      const scope = join(nodeModules, entry.name);
      for (const inner of readdirSync(scope, { withFileTypes: true })) dirs.push(join(scope, inner.name));
    } else if (entry.isDirectory() || entry.isSymbolicLink()) {
      dirs.push(join(nodeModules, entry.name));
    }
  }
  return dirs;
}

function describe(spec: string, source: PluginSource, dir: string): ListedStrategy {
  try {
    const plugin = readPluginPackage(dir, spec);
    return {
      spec,
      packageName: plugin.name,
      version: plugin.version,
      source,
      dir: plugin.dir,
      loadable: true,
      problem: null,
    };
  } catch (error) {
    return {
      spec,
      packageName: spec,
      version: null,
      source,
      dir,
      loadable: false,
      problem: error instanceof PluginLoadError ? error.message : String(error),
    };
  }
}

/**
 * `polybot strategies`: the first-party strategies, then every package that declares itself a
 * strategy in the managed plugins folder and in the deployment's node_modules, each with the
 * result of the load-time checks.
 */
export function listStrategies(options: { deploymentDir: string; pluginsDir: string }): ListedStrategy[] {
  const listed: ListedStrategy[] = [];
  const seen = new Set<string>();
  for (const [short, name] of Object.entries(FIRST_PARTY_STRATEGIES)) {
    const dir = findPackageDir(name, ENGINE_DIR);
    if (dir === null) continue;
    listed.push(describe(short, 'first-party', dir));
    seen.add(realpathSync(dir));
  }
  const roots = [join(resolve(options.deploymentDir, options.pluginsDir), 'node_modules')];
  for (let dir = resolve(options.deploymentDir); ; dir = dirname(dir)) {
    roots.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) break;
  }
  for (const root of roots) {
    for (const dir of packagesIn(root)) {
      const real = realpathSync(dir);
      if (seen.has(real) || !looksLikeStrategy(dir)) continue;
      seen.add(real);
      listed.push(
        describe(
          dir
            .slice(root.length + 1)
            .split('\\')
            .join('/'),
          'npm',
          dir,
        ),
      );
    }
  }
  return listed;
}

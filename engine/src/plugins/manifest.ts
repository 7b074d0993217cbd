import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  pluginManifestSchema,
  STRATEGY_KEYWORD,
  SUPPORTED_API_VERSIONS,
  isSupportedApiVersion,
  type PluginManifest,
} from '@polybot/sdk';
import { Ajv, type ValidateFunction } from 'ajv';
import semver from 'semver';
import { findPackageDir } from './discovery.js';
import { PluginLoadError } from './errors.js';

export const SDK_PACKAGE = '@polybot/sdk';

/** A strategy package that passed every check the host can run without importing it. */
export interface PluginPackage {
  readonly name: string;
  readonly version: string;
  readonly description: string | null;
  /** Real path of the package folder. */
  readonly dir: string;
  readonly manifest: PluginManifest;
  /** Real path of the entry module, inside `dir`. */
  readonly entryPath: string;
  readonly entryUrl: string;
  /** The package's declared range for @polybot/sdk. */
  readonly sdkRange: string;
  /** Folder of the @polybot/sdk copy the plugin will import (as found, possibly a symlink). */
  readonly sdkDir: string;
  readonly sdkVersion: string;
}

let manifestValidator: ValidateFunction | null = null;

function validateManifest(value: unknown): string[] {
  if (manifestValidator === null) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    manifestValidator = ajv.compile(pluginManifestSchema as object);
  }
  if (manifestValidator(value)) return [];
  return (manifestValidator.errors ?? []).map((error) => {
    const where = `polybot${error.instancePath.replace(/\//g, '.')}`;
    if (error.keyword === 'additionalProperties')
      return `${where} has an unknown key "${String((error.params as { additionalProperty?: unknown }).additionalProperty)}"`;
    return `${where} ${error.message ?? 'is invalid'}`;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** True when `child` is `parent` itself or lies below it (both real, absolute paths). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'));
}

/**
 * Reads a package folder and runs the load-time checks in order: package.json, the `polybot`
 * field, the keyword, the SDK peer dependency, the manifest schema, the API version, the entry
 * staying inside the package, and an SDK the plugin can import. The first failure throws a
 * PluginLoadError naming the check and the fix.
 */
export function readPluginPackage(dir: string, label: string = dir): PluginPackage {
  const realDir = realpathSync(dir);
  const pkgPath = join(realDir, 'package.json');
  let pkg: unknown;
  try {
    pkg = readJson(pkgPath);
  } catch (error) {
    throw new PluginLoadError(
      label,
      'package_json',
      existsSync(pkgPath) ? `${pkgPath} is not valid JSON` : `${pkgPath} does not exist`,
      'a strategy is an npm package: give its folder a package.json (polybot init-strategy writes one)',
      { cause: error },
    );
  }
  if (!isRecord(pkg) || typeof pkg['name'] !== 'string' || typeof pkg['version'] !== 'string') {
    throw new PluginLoadError(
      label,
      'package_json',
      `${pkgPath} needs "name" and "version" strings`,
      'add them',
    );
  }
  const name = pkg['name'];
  const version = pkg['version'];
  const who = label === dir ? name : label;

  if (!('polybot' in pkg)) {
    throw new PluginLoadError(
      who,
      'manifest',
      `${name}'s package.json has no "polybot" field, so it is not a polybot strategy`,
      'add "polybot": { "apiVersion": 1, "entry": "./dist/index.js" } to its package.json',
    );
  }
  const keywords = pkg['keywords'];
  if (!Array.isArray(keywords) || !keywords.includes(STRATEGY_KEYWORD)) {
    throw new PluginLoadError(
      who,
      'keyword',
      `${name}'s package.json keywords do not include "${STRATEGY_KEYWORD}"`,
      `add "keywords": ["${STRATEGY_KEYWORD}"] to its package.json`,
    );
  }
  const peers = pkg['peerDependencies'];
  const sdkRange = isRecord(peers) ? peers[SDK_PACKAGE] : undefined;
  if (typeof sdkRange !== 'string' || semver.validRange(sdkRange) === null) {
    throw new PluginLoadError(
      who,
      'peer_dependency',
      `${name} must declare ${SDK_PACKAGE} as a peer dependency with a semver range`,
      `add "peerDependencies": { "${SDK_PACKAGE}": "^1.0.0" } to its package.json`,
    );
  }
  const problems = validateManifest(pkg['polybot']);
  if (problems.length > 0) {
    throw new PluginLoadError(
      who,
      'manifest_schema',
      problems.join('; '),
      'the "polybot" field takes exactly { "apiVersion": <integer>, "entry": "./<path to the built module>" }',
    );
  }
  const manifest = pkg['polybot'] as PluginManifest;
  if (!isSupportedApiVersion(manifest.apiVersion)) {
    throw new PluginLoadError(
      who,
      'api_version',
      `strategy ${name} targets SDK API ${manifest.apiVersion}; this engine supports ${SUPPORTED_API_VERSIONS.join(', ')}`,
      manifest.apiVersion > Math.max(...SUPPORTED_API_VERSIONS)
        ? `upgrade polybot, or install a version of ${name} built for API ${SUPPORTED_API_VERSIONS.join('/')}`
        : `install a newer version of ${name} built for API ${SUPPORTED_API_VERSIONS.join('/')}`,
    );
  }

  const entryPath = checkEntry(realDir, manifest.entry, who, name);
  const { sdkDir, sdkVersion } = checkSdk(realDir, sdkRange, who, name);
  return {
    name,
    version,
    description: typeof pkg['description'] === 'string' ? pkg['description'] : null,
    dir: realDir,
    manifest,
    entryPath,
    entryUrl: pathToFileURL(entryPath).href,
    sdkRange,
    sdkDir,
    sdkVersion,
  };
}

function checkEntry(realDir: string, entry: string, who: string, name: string): string {
  const lexical = resolve(realDir, entry);
  if (!isInside(realDir, lexical)) {
    throw new PluginLoadError(
      who,
      'entry',
      `entry "${entry}" points outside the package folder ${realDir}`,
      'the entry must be a file inside the package, e.g. "./dist/index.js"',
    );
  }
  if (!existsSync(lexical) || !statSync(lexical).isFile()) {
    throw new PluginLoadError(
      who,
      'entry',
      `entry "${entry}" of ${name} does not exist (${lexical})`,
      'build the package (npm run build) or fix "polybot.entry" in its package.json',
    );
  }
  const real = realpathSync(lexical);
  if (!isInside(realDir, real)) {
    throw new PluginLoadError(
      who,
      'entry',
      `entry "${entry}" resolves through a symlink to ${real}, outside the package folder ${realDir}`,
      'ship the entry file inside the package instead of linking to it',
    );
  }
  return real;
}

function checkSdk(
  realDir: string,
  range: string,
  who: string,
  name: string,
): { sdkDir: string; sdkVersion: string } {
  const sdkDir = findPackageDir(SDK_PACKAGE, realDir);
  if (sdkDir === null) {
    throw new PluginLoadError(
      who,
      'sdk',
      `${SDK_PACKAGE} cannot be imported from ${realDir}`,
      `install it next to the strategy: npm install ${SDK_PACKAGE}@"${range}" (polybot plugins add does this for you)`,
    );
  }
  let sdkVersion: string;
  try {
    const sdkPkg = readJson(join(sdkDir, 'package.json'));
    sdkVersion = isRecord(sdkPkg) && typeof sdkPkg['version'] === 'string' ? sdkPkg['version'] : '';
  } catch {
    sdkVersion = '';
  }
  if (!semver.valid(sdkVersion) || !semver.satisfies(sdkVersion, range, { includePrerelease: true })) {
    throw new PluginLoadError(
      who,
      'sdk',
      `${name} needs ${SDK_PACKAGE}@${range} but finds ${sdkVersion || 'an unreadable version'} at ${sdkDir}`,
      `install a matching SDK next to it: npm install ${SDK_PACKAGE}@"${range}"`,
    );
  }
  return { sdkDir, sdkVersion };
}

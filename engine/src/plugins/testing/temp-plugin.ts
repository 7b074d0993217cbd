import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ENGINE_DIR, findPackageDir } from '../discovery.js';

/** The real folder of the SDK the engine uses. */
export function sdkDir(): string {
  const found = findPackageDir('@polybot/sdk', ENGINE_DIR);
  if (found === null) throw new Error('@polybot/sdk is not installed next to the engine');
  return realpathSync(found);
}

export function tempRoot(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), `polybot-${prefix}-`)));
}

export function removeTemp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const VALID_PACKAGE = {
  name: 'temp-strategy',
  version: '1.0.0',
  type: 'module',
  keywords: ['polybot-strategy'],
  peerDependencies: { '@polybot/sdk': '^1.0.0' },
  polybot: { apiVersion: 1, entry: './index.js' },
};

export const VALID_SOURCE = `import { defineStrategy, ignore } from '@polybot/sdk';
export default defineStrategy({ name: 'temp_strategy', version: '1.0.0', evaluate: () => ignore('temp') });
`;

/**
 * Writes a strategy package under `root` with the given package.json and files, and links the
 * engine's SDK into its node_modules the way npm would install the peer dependency.
 */
export function writePlugin(
  root: string,
  name: string,
  pkg: Record<string, unknown> = VALID_PACKAGE,
  files: Record<string, string> = { 'index.js': VALID_SOURCE },
  linkSdk = true,
): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  if (linkSdk) {
    mkdirSync(join(dir, 'node_modules', '@polybot'), { recursive: true });
    symlinkSync(sdkDir(), join(dir, 'node_modules', '@polybot', 'sdk'));
  }
  return dir;
}

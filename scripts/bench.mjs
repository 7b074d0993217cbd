// Runs every benchmark in scripts/bench/ one after another (never in parallel: on 2 cores they
// would measure each other). Each prints its own figures as ratios against a baseline it
// measures in the same run; this runner only sequences them and reports failures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.mjs'))
  .filter((name) => only.length === 0 || only.some((o) => name.includes(o)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, ['--expose-gc', join(dir, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`bench ${file} exited with ${result.status}`);
  }
}
process.exit(failed > 0 ? 1 : 0);

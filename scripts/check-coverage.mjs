// Enforces the coverage floor of each component (the seed's table): c8 writes a per-file
// summary, this script adds the files up by component and fails the run when one is under.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

const components = [
  { name: 'storage', prefix: 'engine/src/storage/', lines: 95 },
  { name: 'execution', prefix: 'engine/src/execution/', lines: 95 },
  { name: 'core', prefix: 'engine/src/core/', lines: 90 },
  { name: 'strategies', prefix: 'plugins/', lines: 90 },
  { name: 'ingestion', prefix: 'engine/src/ingestion/', lines: 85 },
  { name: 'monitoring', prefix: 'engine/src/monitoring/', lines: 80 },
];

const summaryPath = 'coverage/coverage-summary.json';
if (!existsSync(summaryPath)) {
  console.error(`coverage: ${summaryPath} is missing; run the tests under c8 first`);
  process.exit(1);
}
const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
let failed = false;
for (const component of components) {
  let covered = 0;
  let total = 0;
  for (const [file, data] of Object.entries(summary)) {
    if (file === 'total') continue;
    const path = relative(process.cwd(), file);
    if (!path.startsWith(component.prefix) || path.includes('/testing/')) continue;
    covered += data.lines.covered;
    total += data.lines.total;
  }
  if (total === 0) {
    console.log(`coverage: ${component.name.padEnd(11)} (no code yet)`);
    continue;
  }
  const pct = (covered / total) * 100;
  const ok = pct >= component.lines;
  if (!ok) failed = true;
  console.log(
    `coverage: ${component.name.padEnd(11)} ${pct.toFixed(1)}% lines (floor ${component.lines}%) ${ok ? 'ok' : 'BELOW FLOOR'}`,
  );
}
process.exit(failed ? 1 : 0);

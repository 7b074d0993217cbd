// Copies the files the engine package needs at run time but that live at the top of the repo
// (migrations in sql/, the config schema and deployment files in config/) into engine/dist, so
// `npm pack` of engine/ carries them and nothing reaches outside the package.
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const copies = [
  { from: 'sql', to: 'engine/dist/sql', match: /\.sql$/ },
  { from: 'config', to: 'engine/dist/config', match: /\.json$/ },
];
for (const { from, to, match } of copies) {
  const source = join(root, from);
  if (!existsSync(source)) continue;
  mkdirSync(join(root, to), { recursive: true });
  for (const name of readdirSync(source)) {
    if (match.test(name)) cpSync(join(source, name), join(root, to, name));
  }
}

import { rmSync } from 'node:fs';

for (const dir of ['coverage', 'engine/dist', 'sdk/dist', 'test/dist', 'test/simulator/dist'])
  rmSync(dir, { recursive: true, force: true });

// `npm run bench`: every benchmark except the long exporter one (`npm run bench:export`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const scripts = ['cold-start.mjs', 'policy.mjs', 'drift.mjs', 'synth.mjs', 'service.mjs'];
let failed = false;
for (const s of scripts) {
  if (!existsSync(join(here, s))) continue;
  console.log(`\n== ${s}`);
  const r = spawnSync(process.execPath, [join(here, s)], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);

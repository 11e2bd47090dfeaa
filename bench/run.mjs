// `npm run bench`: every benchmark except the long exporter one (`npm run bench:export`).
// `npm run bench -- --short`: every benchmark, the exporter's too, on tiny data (a check that
// each script still runs, as CI does through test/bench.test.ts; the figures mean nothing).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHORT } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const scripts = ['cold-start.mjs', 'policy.mjs', 'drift.mjs', 'synth.mjs', 'service.mjs'];
if (SHORT) scripts.push('export.mjs');
const failed = [];
for (const s of scripts) {
  console.log(`\n== ${s}`);
  const r = spawnSync(process.execPath, [join(here, s), ...(SHORT ? ['--short'] : [])], { stdio: 'inherit' });
  if (r.status !== 0) failed.push(`${s} (${r.signal ?? `exit ${r.status}`})`);
}
if (failed.length) console.error(`\nbenchmarks failed: ${failed.join(', ')}`);
process.exit(failed.length ? 1 : 0);

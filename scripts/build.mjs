#!/usr/bin/env node
// `npm run build`: compiles dist/ in steps, naming each step and its time on stderr (stdout
// stays empty: `npm pack` runs this through `prepare`, and pre-commit reads pack's stdout).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const steps = [
  // The library (dist/index.js, the `exports` entry) and its .d.ts files; the CLI bundle is built from it.
  ['library: TypeScript → dist/ with declarations (tsc)', [tsc, '-p', 'tsconfig.build.json']],
  ['overlay schema is current', ['scripts/build-overlay-schema.mjs', '--check']],
  ['config types are current', ['scripts/build-config-types.mjs', '--check']],
  ['schema validators', ['scripts/build-validators.mjs']],
  ['policy snapshot', ['scripts/build-policy-snapshot.mjs']],
  ['CLI bundle', ['scripts/bundle-cli.mjs']],
];
const say = (text) => process.stderr.write(`exportctl build: ${text}\n`);
const t0 = performance.now();
// dist/ is all build output: start from nothing, so that a module moved or removed in src/
// leaves no stale copy behind for `npm pack` to ship.
rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const [i, [label, args]] of steps.entries()) {
  const t = performance.now();
  say(`[${i + 1}/${steps.length}] ${label}…`);
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (r.status !== 0) {
    say(`${label} failed (${r.error?.message ?? r.signal ?? `exit ${r.status}`})`);
    process.exit(r.status || 1);
  }
  say(`[${i + 1}/${steps.length}] ${label} done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
say(`dist/ built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

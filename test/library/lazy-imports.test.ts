/**
 * Importing the library costs what `exportctl check` costs: cdktf, pg, better-sqlite3 and the
 * service's packages load only when a function that needs them is first called. A module hook
 * in a child process records every package the built library (dist/index.js) imports.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { EXAMPLE, REPO, tempDir } from '../helpers/cli.js';

const HEAVY = [
  'cdktf',
  '@cdktf/provider-aws',
  'constructs',
  'pg',
  'better-sqlite3',
  'prom-client',
  'bullmq',
  'ioredis',
];

let work: { dir: string; cleanup: () => void };

beforeAll(() => {
  ensureBuilt();
  work = tempDir('exportctl-lazy-');
  // ESM imports through a resolve hook; CommonJS ones (createRequire) through require.cache.
  writeFileSync(
    join(work.dir, 'hook.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (!/^(\\.|\\/|node:|file:)/.test(specifier)) appendFileSync(process.env.PROBE_LOG, specifier + '\\n');
  return next(specifier, context);
}
`,
  );
  writeFileSync(
    join(work.dir, 'probe.mjs'),
    `import { register, createRequire } from 'node:module';
register('./hook.mjs', import.meta.url);
const lib = await import(${JSON.stringify(pathToFileURL(join(REPO, 'dist', 'index.js')).href)});
if (process.argv[2] === 'synth') await lib.synthProject({ cwd: process.argv[3], envs: ['dev'] });
if (process.argv[2] === 'check') lib.checkProject({ paths: [process.argv[3]] });
const cached = Object.keys(createRequire(import.meta.url).cache).map((f) => f.replace(/.*node_modules\\//, ''));
process.stdout.write(JSON.stringify(cached));
`,
  );
});

afterAll(() => work?.cleanup());

/** The packages loaded by importing the library and then doing `action`. */
function packagesLoaded(action: 'import' | 'check' | 'synth'): Set<string> {
  const log = join(work.dir, `${action}.log`);
  writeFileSync(log, '');
  const r = spawnSync(process.execPath, ['probe.mjs', action, EXAMPLE], {
    cwd: work.dir,
    encoding: 'utf8',
    env: { ...process.env, PROBE_LOG: log },
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const esm = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const cjs = (JSON.parse(r.stdout) as string[]).filter((f) => !f.startsWith('/'));
  const name = (p: string) => (p.startsWith('@') ? p.split('/').slice(0, 2).join('/') : p.split('/')[0]);
  return new Set([...esm, ...cjs].map(name));
}

it('importing it, and checking a project, loads none of the heavy packages', () => {
  for (const action of ['import', 'check'] as const) {
    const loaded = packagesLoaded(action);
    expect(loaded.has('yaml'), `${action}: the probe sees the packages the library loads`).toBe(true);
    expect(
      HEAVY.filter((p) => loaded.has(p)),
      action,
    ).toEqual([]);
  }
});

it('synthProject loads cdktf when it runs, and still no exporter or service package', () => {
  const loaded = packagesLoaded('synth');
  expect(loaded.has('cdktf')).toBe(true);
  expect(['pg', 'better-sqlite3', 'prom-client', 'bullmq', 'ioredis'].filter((p) => loaded.has(p))).toEqual(
    [],
  );
});

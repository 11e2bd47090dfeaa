#!/usr/bin/env node
// Vendors the official yaml-test-suite (github.com/yaml/yaml-test-suite, `data` branch, MIT)
// into test/config/yaml-test-suite/cases.json: for each case its id, name, input YAML, the
// expected JSON (a stream of values, or null where the suite gives none) and whether the
// input is invalid. Usage: node scripts/vendor-yaml-test-suite.mjs <checkout of the data branch> <commit>
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [dataDir, commit] = process.argv.slice(2);
if (!dataDir || !commit) {
  process.stderr.write('usage: vendor-yaml-test-suite.mjs <data-branch checkout> <commit>\n');
  process.exit(2);
}
const out = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'test',
  'config',
  'yaml-test-suite',
  'cases.json',
);

const read = (dir, name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : null);
const caseOf = (id, dir) => ({
  id,
  name: (read(dir, '===') ?? '').trim(),
  yaml: read(dir, 'in.yaml'),
  json: read(dir, 'in.json'),
  error: existsSync(join(dir, 'error')),
});

const cases = [];
for (const id of readdirSync(dataDir).sort()) {
  const dir = join(dataDir, id);
  if (!/^[0-9A-Z]{4}$/.test(id) || !statSync(dir).isDirectory()) continue;
  if (existsSync(join(dir, 'in.yaml'))) cases.push(caseOf(id, dir));
  else for (const sub of readdirSync(dir).sort()) cases.push(caseOf(`${id}/${sub}`, join(dir, sub)));
}
writeFileSync(
  out,
  `${JSON.stringify({ source: 'https://github.com/yaml/yaml-test-suite', branch: 'data', commit, cases }, null, 1)}\n`,
);
process.stdout.write(`${cases.length} cases written to ${out}\n`);

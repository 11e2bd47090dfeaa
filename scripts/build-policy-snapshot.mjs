#!/usr/bin/env node
// Snapshots the built-in packs (policies/*.yaml) as the loader returns them, so a cold
// `check` reads one JSON file instead of parsing YAML (src/policy/pack/snapshot.ts).
// Each entry records its pack's sha256: an edited pack is parsed from its file instead.
// Run by `npm run build`, against dist/.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SNAPSHOT_FILE, snapshotOf } from '../dist/policy/pack/snapshot.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'policies');
const packs = {};
for (const name of readdirSync(dir)
  .filter((n) => /\.(ya?ml|json)$/.test(n))
  .sort()) {
  const snap = snapshotOf(join(dir, name));
  if (!snap) throw new Error(`policies/${name} does not load`);
  packs[name] = snap;
}
const out = join(dir, SNAPSHOT_FILE);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify({ version: 1, packs }));

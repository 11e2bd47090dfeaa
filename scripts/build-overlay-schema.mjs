#!/usr/bin/env node
// Derives schemas/export-config-overlay.schema.json from schemas/export-config.schema.json:
// the same shapes and unknown-key checks, every field optional, `null` allowed (it deletes
// the key), items of named lists need only their `name`. Run with --check to verify the
// committed file is current (the test suite does).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = JSON.parse(readFileSync(join(root, 'schemas/export-config.schema.json'), 'utf8'));
const target = join(root, 'schemas/export-config-overlay.schema.json');

function relax(schema, inNamedListItem = false) {
  if (Array.isArray(schema)) return schema.map((s) => relax(s));
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'required') {
      if (inNamedListItem && v.includes('name')) out.required = ['name'];
      continue;
    }
    // An overlay holds only what differs: the base's defaults are not the overlay's.
    if (k === 'oneOf' || k === 'minItems' || k === 'default') continue;
    if (k === 'properties') {
      out.properties = {};
      for (const [name, prop] of Object.entries(v)) {
        const relaxed = relax(prop);
        out.properties[name] = { anyOf: [{ type: 'null' }, relaxed], description: prop.description };
      }
      continue;
    }
    if (k === 'items') {
      out.items = relax(v, true);
      continue;
    }
    out[k] = relax(v);
  }
  return out;
}

const overlay = relax(src);
overlay.$id = src.$id.replace('export-config.schema.json', 'export-config-overlay.schema.json');
overlay.title = 'ExportConfig overlay';
overlay.description =
  'An environment overlay: only what differs from the base ExportConfig. Every field is optional; null deletes a key. Generated from export-config.schema.json by scripts/build-overlay-schema.mjs.';
const text = `${JSON.stringify(overlay, null, 2)}\n`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error(
      'schemas/export-config-overlay.schema.json is stale: run node scripts/build-overlay-schema.mjs',
    );
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}

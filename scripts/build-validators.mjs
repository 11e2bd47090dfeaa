#!/usr/bin/env node
// Compiles every JSON Schema in schemas/ into standalone validator code (Ajv "standalone"),
// so `check` loads ready code instead of compiling schemas at every start. Each output
// records the sha256 of its schema; src/schema/validate.ts falls back to compiling when a
// schema changed since the last build. Run by `npm run build`.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import addFormats from 'ajv-formats';
import { AJV_OPTIONS, ANNOTATION_KEYWORDS, FORMATS, SCHEMA_FILES } from '../dist/schema/ajv-options.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'schemas', 'compiled');
mkdirSync(outDir, { recursive: true });

/** `check` validates only; `defaults` (ExportConfig) also fills in the schema's defaults for typed settings. */
const VARIANTS = [
  ...Object.keys(SCHEMA_FILES).map((kind) => [kind, kind, false]),
  ['ExportConfig.defaults', 'ExportConfig', true],
];

for (const [id, kind, useDefaults] of VARIANTS) {
  const text = readFileSync(join(root, 'schemas', SCHEMA_FILES[kind]), 'utf8');
  const ajv = addFormats.default(
    new Ajv2020({ ...AJV_OPTIONS, useDefaults, code: { source: true } }),
    FORMATS,
  );
  for (const k of ANNOTATION_KEYWORDS) ajv.addKeyword({ ...k });
  const validate = ajv.compile(JSON.parse(text));
  const hash = createHash('sha256').update(text).digest('hex');
  const code = `${standaloneCode.default(ajv, validate)}\nmodule.exports.schemaSha256 = ${JSON.stringify(hash)};\n`;
  writeFileSync(join(outDir, `${id}.cjs`), code);
}

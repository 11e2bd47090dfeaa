#!/usr/bin/env node
// Derives src/schema/export-config.types.ts from schemas/export-config.schema.json: the
// TypeScript type of a config the schema accepted, with the schema's `default`s applied (a
// property that is required or has a default is never undefined). The schema is the one
// truth for the config's shape; this file only restates it for the compiler. Only the
// keywords the schema uses are understood; any other shape stops the script. Run with
// --check to verify the committed file is current (`npm run build` and the tests do).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schema = JSON.parse(readFileSync(join(root, 'schemas/export-config.schema.json'), 'utf8'));
const target = join(root, 'src/schema/export-config.types.ts');

/** Keywords that constrain values further but do not change their TypeScript type. */
const VALUE_ONLY = new Set([
  'description',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'minLength',
  'maxLength',
  'minItems',
  'pattern',
  'format',
  'maxDuration',
  'oneOf', // export.source: exactly one of table or query, both optional in the type
  'not',
  'required',
  'additionalProperties',
  'properties',
  'items',
  'type',
  'enum',
  'const',
  '$ref',
  'title',
  '$id',
  '$schema',
  '$defs',
]);

function resolveRef(node) {
  if (typeof node.$ref !== 'string') return node;
  const m = /^#\/\$defs\/([A-Za-z0-9_]+)$/.exec(node.$ref);
  if (!m || !schema.$defs[m[1]]) throw new Error(`unsupported $ref ${node.$ref}`);
  const { $ref: _, ...rest } = node;
  return { ...schema.$defs[m[1]], ...rest };
}

const literal = (v) =>
  typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(v);
const key = (k) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : literal(k));

function docComment(node, indent) {
  const parts = [];
  if (node.description) parts.push(node.description);
  if (node.default !== undefined) parts.push(`Default: ${JSON.stringify(node.default)}.`);
  if (parts.length === 0) return '';
  return `${indent}/** ${parts.join(' ').replace(/\*\//g, '*\\/')} */\n`;
}

function typeOf(raw, indent, where) {
  const node = resolveRef(raw);
  for (const k of Object.keys(node)) {
    if (!VALUE_ONLY.has(k)) throw new Error(`${where}: keyword "${k}" is not understood by this script`);
  }
  if ('const' in node) return literal(node.const);
  if (Array.isArray(node.enum)) return node.enum.map(literal).join(' | ');
  switch (node.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return `Array<${typeOf(node.items, indent, `${where}[]`)}>`;
    case 'object':
      return objectType(node, indent, where);
    default:
      throw new Error(`${where}: type ${JSON.stringify(node.type)} is not understood by this script`);
  }
}

function objectType(node, indent, where) {
  const inner = `${indent}  `;
  const props = Object.entries(node.properties ?? {});
  const extra = node.additionalProperties;
  if (props.length === 0 && extra && typeof extra === 'object') {
    return `{ [key: string]: ${typeOf(extra, inner, `${where}.*`)} }`;
  }
  if (extra !== false)
    throw new Error(`${where}: an object with properties must set additionalProperties: false`);
  const required = new Set(node.required ?? []);
  const lines = props.map(([name, child]) => {
    const always = required.has(name) || resolveRef(child).default !== undefined;
    const t = typeOf(child, inner, where ? `${where}.${name}` : name);
    return `${docComment(resolveRef(child), inner)}${inner}${key(name)}${always ? '' : '?'}: ${t};\n`;
  });
  return `{\n${lines.join('')}${indent}}`;
}

const text = `// Generated from schemas/export-config.schema.json by scripts/build-config-types.mjs: do not edit.
/**
 * An ExportConfig the schema accepted, with the schema's defaults applied
 * (\`readExportConfig\`, src/schema/read-config.ts): a property that is required or has a
 * \`default\` is always there. \`\${VAR}\` references are not resolved.
 */
export type ExportConfig = ${typeOf(schema, '', '')};
`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('src/schema/export-config.types.ts is stale: run node scripts/build-config-types.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}

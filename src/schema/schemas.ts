/** Where the shipped JSON Schemas live and which document kind each one validates. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import { SCHEMA_FILES } from './ajv-options.js';
import { isPlainObject } from '../config/compose.js';

export type SchemaKind = keyof typeof SCHEMA_FILES;

/** `schemas/` of the installed package. */
export const SCHEMA_DIR = join(PACKAGE_ROOT, 'schemas');

export function schemaFile(kind: SchemaKind): string {
  return join(SCHEMA_DIR, SCHEMA_FILES[kind]);
}

export function readSchemaText(kind: SchemaKind): string {
  return readFileSync(schemaFile(kind), 'utf8');
}

/** The kind a document declares, if it is one exportctl knows. */
export function declaredKind(value: unknown): SchemaKind | undefined {
  if (!isPlainObject(value)) return undefined;
  const kind = value.kind;
  return typeof kind === 'string' && kind in SCHEMA_FILES && kind !== 'ExportConfigOverlay'
    ? (kind as SchemaKind)
    : undefined;
}

const parsed = new Map<SchemaKind, Record<string, unknown>>();

/**
 * The schema's `default` of the property at `path` (e.g. `['monitoring', 'metrics', 'path']`),
 * for a value the code needs when the map that would hold it is absent altogether.
 */
export function schemaDefault(kind: SchemaKind, path: readonly string[]): unknown {
  let node: unknown = parsed.get(kind);
  if (!node) {
    node = JSON.parse(readSchemaText(kind)) as Record<string, unknown>;
    parsed.set(kind, node as Record<string, unknown>);
  }
  for (const key of path) {
    const props = isPlainObject(node) ? node.properties : undefined;
    node = isPlainObject(props) ? props[key] : undefined;
  }
  if (!isPlainObject(node) || !('default' in node))
    throw new Error(`internal: the ${kind} schema has no default at ${path.join('.')}`);
  return node.default;
}

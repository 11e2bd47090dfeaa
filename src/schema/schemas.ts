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

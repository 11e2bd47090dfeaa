/** Where the shipped JSON Schemas live and which document kind each one validates. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type SchemaKind = 'Project' | 'ExportConfig' | 'ExportConfigOverlay' | 'PolicyPack' | 'CompatibilityMatrix';

const FILES: Record<SchemaKind, string> = {
  Project: 'project.schema.json',
  ExportConfig: 'export-config.schema.json',
  ExportConfigOverlay: 'export-config-overlay.schema.json',
  PolicyPack: 'policy-pack.schema.json',
  CompatibilityMatrix: 'compatibility-matrix.schema.json',
};

/** `schemas/` of the installed package (src/schema → ../../schemas, dist/schema → ../../schemas). */
export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');

export function schemaFile(kind: SchemaKind): string {
  return join(SCHEMA_DIR, FILES[kind]);
}

export function readSchema(kind: SchemaKind): Record<string, unknown> {
  return JSON.parse(readFileSync(schemaFile(kind), 'utf8')) as Record<string, unknown>;
}

/** The kind a document declares, if it is one exportctl knows. */
export function declaredKind(value: unknown): SchemaKind | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const kind = (value as Record<string, unknown>).kind;
  return typeof kind === 'string' && kind in FILES && kind !== 'ExportConfigOverlay' ? (kind as SchemaKind) : undefined;
}

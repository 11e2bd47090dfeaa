/** Ajv settings shared by the runtime compiler and the build-time precompiler. */
export const AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
} as const;

export const FORMATS = ['email', 'date', 'uri'] as const;

export const SCHEMA_FILES = {
  Project: 'project.schema.json',
  ExportConfig: 'export-config.schema.json',
  ExportConfigOverlay: 'export-config-overlay.schema.json',
  PolicyPack: 'policy-pack.schema.json',
  CompatibilityMatrix: 'compatibility-matrix.schema.json',
} as const;

/**
 * Keywords of ours in the schemas. `maxDuration` (milliseconds) bounds a duration string;
 * Ajv only declares it, `src/schema/duration-bounds.ts` checks it with the one duration parser.
 */
export const ANNOTATION_KEYWORDS = [{ keyword: 'maxDuration', schemaType: 'number' }] as const;

/**
 * Typed settings come from the validated config: `readExportConfig` runs the ExportConfig
 * schema (the one check of the config's shape) and returns the value typed by
 * `export-config.types.ts` (generated from the schema), with the schema's `default`s
 * applied. Nothing else re-checks what the schema says or restates its defaults.
 */
import type { PathSegment } from '../config/path.js';
import type { ExportConfig } from './export-config.types.js';
import { type SchemaProblem, validateWithDefaults } from './validate.js';

export type { ExportConfig } from './export-config.types.js';

/** A top-level section of an ExportConfig. */
export type ConfigSection = keyof ExportConfig;

export type ReadConfigResult<T> = { ok: true; config: T } | { ok: false; problems: SchemaProblem[] };

function within(path: readonly PathSegment[], sections: ReadonlySet<string>): boolean {
  return typeof path[0] === 'string' && sections.has(path[0]);
}

/**
 * Validates `values` (an effective config, `${VAR}` unresolved) against the ExportConfig
 * schema and returns a copy with the schema's defaults applied. With `sections`, only
 * problems in those sections count (the document must still be a map, and those sections
 * must be there): the exporter reads `metadata`, `database` and `export`, and a library
 * caller may leave out what it does not use (`server`, for example).
 */
export function readExportConfig(values: unknown): ReadConfigResult<ExportConfig>;
export function readExportConfig<K extends ConfigSection>(
  values: unknown,
  sections: readonly K[],
): ReadConfigResult<Pick<ExportConfig, K>>;
export function readExportConfig(
  values: unknown,
  sections?: readonly ConfigSection[],
): ReadConfigResult<Partial<ExportConfig>> {
  const checked = validateWithDefaults('ExportConfig', values);
  const wanted = sections ? new Set<string>(sections) : undefined;
  const problems = wanted
    ? checked.problems.filter((p) =>
        p.path.length === 0 ? p.missing === undefined || wanted.has(p.missing) : within(p.path, wanted),
      )
    : checked.problems;
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: checked.value as Partial<ExportConfig> };
}

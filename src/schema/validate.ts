/**
 * JSON Schema validation of documents and effective configs. Validators are compiled once
 * per process and per kind (lazily: `check` of one kind pays for one schema). Ajv errors
 * are mapped to the node they concern with a readable message (rule `schema/invalid`).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv';
import { deepClone } from '../config/compose.js';
import { type ConfigPath, formatPath, type PathSegment } from '../config/path.js';
import type { Provenance } from '../config/provenance.js';
import type { Finding } from '../diagnostics/finding.js';
import { suggest, suggestUnique } from '../diagnostics/suggest.js';
import { AJV_OPTIONS, ANNOTATION_KEYWORDS, FORMATS } from './ajv-options.js';
import { durationOverflows } from './duration-bounds.js';
import { readSchemaText, SCHEMA_DIR, type SchemaKind } from './schemas.js';

interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const require = createRequire(import.meta.url);
/**
 * `check` validates: the value is left as it is. `defaults` also fills in the schema's
 * `default`s (Ajv `useDefaults`), for the typed settings read from a validated config.
 */
type ValidatorUse = 'check' | 'defaults';
const compiled = new Map<string, Validator>();

/**
 * The validator of a kind: the code precompiled by `npm run build` (scripts/build-validators.mjs)
 * when it matches the schema on disk, else compiled now with Ajv (slower start, same result).
 */
function validatorFor(kind: SchemaKind, use: ValidatorUse = 'check'): Validator {
  const id = use === 'defaults' ? `${kind}.defaults` : kind;
  const cached = compiled.get(id);
  if (cached) return cached;
  const text = readSchemaText(kind);
  const precompiledFile = join(SCHEMA_DIR, 'compiled', `${id}.cjs`);
  let v: Validator | undefined;
  if (existsSync(precompiledFile)) {
    const mod = require(precompiledFile) as Validator & { default?: Validator; schemaSha256?: string };
    if (mod.schemaSha256 === createHash('sha256').update(text).digest('hex')) v = mod.default ?? mod;
  }
  v ??= compileNow(text, use);
  compiled.set(id, v);
  return v;
}

function compileNow(schemaText: string, use: ValidatorUse): Validator {
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = require('ajv-formats') as (ajv: InstanceType<typeof Ajv2020>, f: string[]) => unknown;
  const ajv = new Ajv2020({ ...AJV_OPTIONS, useDefaults: use === 'defaults' });
  addFormats(ajv, [...FORMATS]);
  for (const k of ANNOTATION_KEYWORDS) ajv.addKeyword({ ...k });
  return ajv.compile(JSON.parse(schemaText)) as Validator;
}

export interface SchemaProblem {
  path: PathSegment[];
  message: string;
  /** Point at the key itself (unknown keys) rather than its value. */
  atKey: boolean;
  /** The required property that is missing (a `required` problem at `path`). */
  missing?: string;
  /** An unknown key's one unambiguous correction: a safe rename (refused by the fixer where the
   * file's mapping already has that key). */
  rename?: string;
  /** A bare number where a duration belongs: the unit is the human's choice (suggestions). */
  bareDuration?: number;
}

const parsedSchemas = new Map<SchemaKind, Record<string, unknown>>();

/** Bounds JSON Schema cannot state (`maxDuration`), checked on the same value. */
function boundProblems(kind: SchemaKind, value: unknown): SchemaProblem[] {
  let schema = parsedSchemas.get(kind);
  if (!schema) {
    schema = JSON.parse(readSchemaText(kind)) as Record<string, unknown>;
    parsedSchemas.set(kind, schema);
  }
  return durationOverflows(schema, value).map((o) => ({ ...o, atKey: false }));
}

/** Validates a value; returns readable problems with config paths (empty when valid). */
export function validateValue(kind: SchemaKind, value: unknown): SchemaProblem[] {
  const validate = validatorFor(kind);
  const bounds = boundProblems(kind, value);
  if (validate(value)) return bounds;
  return [...mapErrors(validate.errors ?? [], value), ...bounds];
}

/**
 * Validates like `validateValue` and returns a copy of `value` with the schema's `default`s
 * filled in where a property is missing from an object that is there (an object with a
 * `default` of its own, such as `export.retry: {}`, is created first). `value` is not changed.
 */
export function validateWithDefaults(
  kind: SchemaKind,
  value: unknown,
): { value: unknown; problems: SchemaProblem[] } {
  const copy = deepClone(value);
  const validate = validatorFor(kind, 'defaults');
  const bounds = boundProblems(kind, value);
  if (validate(copy)) return { value: copy, problems: bounds };
  return { value: copy, problems: [...mapErrors(validate.errors ?? [], copy), ...bounds] };
}

/** Validates and turns problems into `schema/invalid` findings located through provenance. */
export function validateToFindings(
  kind: SchemaKind,
  value: unknown,
  provenance: Provenance,
  env?: string,
): Finding[] {
  return problemsToFindings(validateValue(kind, value), provenance, env);
}

/** Schema problems as `schema/invalid` findings located through provenance. */
export function problemsToFindings(
  problems: readonly SchemaProblem[],
  provenance: Provenance,
  env?: string,
): Finding[] {
  return problems.map((p) => {
    const location = provenance.locate(p.path, p.atKey ? 'key' : 'value');
    const f: Finding = {
      rule: 'schema/invalid',
      severity: 'error',
      message: p.message,
      path: formatPath(p.path) || undefined,
      env,
      location,
    };
    if (!location) return f;
    const at = { line: location.line, column: location.column };
    if (p.rename !== undefined) f.fix = { file: location.file, target: { at }, op: 'rename', to: p.rename };
    if (p.bareDuration !== undefined) {
      f.suggestions = (['ms', 's'] as const).map((unit) => ({
        description: `write ${p.bareDuration}${unit}`,
        edit: { file: location.file, target: { at }, op: 'set', value: `${p.bareDuration}${unit}` },
      }));
    }
    return f;
  });
}

function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function where(path: ConfigPath): string {
  return path.length === 0 ? 'the document' : formatPath(path);
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the number ${v}`;
  return `${typeof v} ${String(v)}`;
}

function isDurationSchema(s: unknown): boolean {
  return (
    typeof s === 'object' &&
    s !== null &&
    String((s as { pattern?: string }).pattern ?? '').includes('ms|s|m|h')
  );
}

function messageFor(e: ErrorObject, path: PathSegment[]): SchemaProblem | undefined {
  const at = where(path);
  const parent = e.parentSchema as Record<string, unknown> | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((parent?.properties as Record<string, unknown>) ?? {});
      const hint = suggest(key, known);
      const unique = suggestUnique(key, known);
      const inWhat = path.length === 0 ? '' : ` in ${at}`;
      return {
        path: [...path, key],
        atKey: true,
        ...(unique !== undefined ? { rename: unique } : {}),
        message: `unknown key "${key}"${inWhat}${hint ? ` (did you mean "${hint}"?)` : ''}`,
      };
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { path, atKey: false, missing, message: `missing required field "${missing}" in ${at}` };
    }
    case 'type': {
      if (path.length === 0 && e.data === null)
        return { path, atKey: false, message: 'the document is empty' };
      const expected = String((e.params as { type: string }).type);
      if (expected === 'string' && typeof e.data === 'number' && isDurationSchema(parent)) {
        return {
          path,
          atKey: false,
          bareDuration: e.data,
          message: `${at}: bare number ${e.data} where a duration belongs; write it with a unit (e.g. ${e.data}s or ${e.data}ms)`,
        };
      }
      return {
        path,
        atKey: false,
        message: `${at} must be ${article(expected)}, not ${describeType(e.data)}`,
      };
    }
    case 'pattern': {
      if (isDurationSchema(parent)) {
        return {
          path,
          atKey: false,
          message: `${at} must be a duration with a unit such as 250ms, 30s, 5m or 1h30m`,
        };
      }
      const desc =
        typeof parent?.description === 'string' ? ` (${parent.description.replace(/\.$/, '')})` : '';
      return { path, atKey: false, message: `${at} has an invalid format${desc}` };
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v));
      return { path, atKey: false, message: `${at} must be one of ${allowed.join(', ')}` };
    }
    case 'const':
      return {
        path,
        atKey: false,
        message: `${at} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`,
      };
    case 'oneOf':
      if (path[path.length - 1] === 'source') {
        return { path, atKey: false, message: `${at} must set exactly one of "table" or "query"` };
      }
      return { path, atKey: false, message: `${at} must match exactly one allowed form` };
    case 'format':
      return {
        path,
        atKey: false,
        message: `${at} must be a valid ${(e.params as { format: string }).format}`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
      return { path, atKey: false, message: `${at} ${e.message}` };
    case 'propertyNames':
      return undefined; // the nested pattern error says it better
    default:
      return { path, atKey: false, message: `${at} ${e.message ?? 'is invalid'}` };
  }
}

function article(t: string): string {
  if (t === 'object') return 'a map';
  if (t === 'array') return 'a list';
  if (t === 'integer') return 'an integer';
  return `a ${t}`;
}

/**
 * Ajv reports each failed branch of `anyOf`/`oneOf`. Overlay fields are `anyOf [null, X]`:
 * the null branch's complaint and the anyOf summary say nothing a user needs.
 */
function mapErrors(errors: ErrorObject[], root: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  for (const e of errors) {
    if (e.keyword === 'anyOf') continue;
    if (/\/anyOf\/0\/type$/.test(e.schemaPath) && (e.params as { type?: string }).type === 'null') continue;
    // Errors inside a failed oneOf branch (table/query) are summarised by the oneOf error.
    if (/\/oneOf\/\d+\//.test(e.schemaPath) && oneOfPaths.has(e.instancePath)) continue;
    if (e.keyword === 'pattern' && e.propertyName !== undefined) {
      const path = pointerToPath(e.instancePath, root);
      const msg = `invalid name "${e.propertyName}" in ${where(path)}`;
      const p: SchemaProblem = { path: [...path, e.propertyName], atKey: true, message: msg };
      const k = `${formatPath(p.path)}|${msg}`;
      if (!seen.has(k)) out.push(p);
      seen.add(k);
      continue;
    }
    const path = pointerToPath(e.instancePath, root);
    const p = messageFor(e, path);
    if (!p) continue;
    const k = `${formatPath(p.path)}|${p.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
  }
  return out;
}

/**
 * Runs the CEL conformance suite (cel-spec, via npm @bufbuild/cel-spec) through our CEL
 * interface (`CelEngine`), on the tests that need no protobuf message types: no
 * `container`, no message/enum values or bindings, no typed results.
 */
import { UnsignedInt } from '@marcbachmann/cel-js/evaluator';
import { tests } from '@bufbuild/cel-spec/testdata/conformance.js';
import { CelEngine } from '../../src/policy/cel/engine.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

export interface ConformanceCase {
  id: string;
  expr: string;
  test: Obj;
}

const PROTO_HINT =
  /\b(TestAllTypes|NestedTestAllTypes|google\.protobuf|proto2|proto3|cel\.expr|GlobalEnum|NestedEnum|TestRequired)\b/;

function needsProtobuf(v: Json | undefined): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(needsProtobuf);
  if ('objectValue' in v || 'enumValue' in v || 'messageType' in v) return true;
  return Object.values(v).some(needsProtobuf);
}

export function conformanceCases(): { cases: ConformanceCase[]; skipped: number } {
  const cases: ConformanceCase[] = [];
  let skipped = 0;
  const walk = (suite: { name: string; suites?: unknown[]; tests?: unknown[] }, path: string[]) => {
    for (const s of (suite.suites ?? []) as Array<typeof suite>) walk(s, [...path, s.name]);
    for (const t of (suite.tests ?? []) as Array<{ original: Obj }>) {
      const o = t.original;
      const expr = String(o.expr);
      const usable =
        o.container === undefined &&
        o.typedResult === undefined &&
        o.checkOnly === undefined &&
        (o.value !== undefined || o.evalError !== undefined) &&
        !needsProtobuf(o.value) &&
        !needsProtobuf(o.bindings) &&
        !needsProtobuf(o.typeEnv) &&
        !PROTO_HINT.test(expr);
      if (!usable) {
        skipped++;
        continue;
      }
      cases.push({ id: [...path, String(o.name)].join('/'), expr, test: o });
    }
  };
  walk(tests as never, []);
  return { cases, skipped };
}

function celType(t: Obj | undefined): string | undefined {
  if (!t) return 'dyn';
  if (typeof t.primitive === 'string') {
    const map: Record<string, string> = {
      INT64: 'int',
      UINT64: 'uint',
      DOUBLE: 'double',
      STRING: 'string',
      BOOL: 'bool',
      BYTES: 'bytes',
    };
    return map[t.primitive];
  }
  if ('listType' in t) return 'list<dyn>';
  if ('mapType' in t) return 'map<dyn, dyn>';
  if ('dyn' in t) return 'dyn';
  if ('null' in t) return 'null_type';
  return undefined;
}

function fromValue(v: Obj): unknown {
  if ('int64Value' in v) return BigInt(String(v.int64Value));
  if ('uint64Value' in v) return new UnsignedInt(BigInt(String(v.uint64Value)));
  if ('doubleValue' in v) return typeof v.doubleValue === 'number' ? v.doubleValue : Number(v.doubleValue);
  if ('stringValue' in v) return String(v.stringValue);
  if ('boolValue' in v) return v.boolValue === true;
  if ('bytesValue' in v) return new Uint8Array(Buffer.from(String(v.bytesValue), 'base64'));
  if ('nullValue' in v) return null;
  if ('listValue' in v) return (((v.listValue as Obj).values ?? []) as Obj[]).map(fromValue);
  if ('mapValue' in v) {
    const out = new Map<unknown, unknown>();
    for (const e of ((v.mapValue as Obj).entries ?? []) as Obj[])
      out.set(fromValue(e.key as Obj), fromValue(e.value as Obj));
    return out;
  }
  if ('typeValue' in v) return { $type: String(v.typeValue) };
  throw new Error(`unsupported value ${JSON.stringify(v)}`);
}

/** A comparable form: ints, uints, doubles, bytes, lists, maps (keys as text), types. */
function canon(v: unknown): unknown {
  if (typeof v === 'bigint') return `int:${v}`;
  if (
    v instanceof UnsignedInt ||
    (v !== null && typeof v === 'object' && /Unsigned/.test(v.constructor?.name ?? ''))
  ) {
    return `uint:${String((v as { valueOf(): bigint }).valueOf())}`;
  }
  if (typeof v === 'number') return Number.isNaN(v) ? 'double:NaN' : `double:${v}`;
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === 'object' && '$type' in v) return `type:${(v as { $type: string }).$type}`;
  if (v !== null && typeof v === 'object' && v.constructor?.name === 'Type')
    return `type:${String(v).replace(/^Type<(.*)>$/, '$1')}`;
  if (v instanceof Map || (v !== null && typeof v === 'object')) {
    const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
    return Object.fromEntries(
      entries
        .map(([k, x]) => [
          typeof k === 'object' || typeof k === 'bigint' ? String(canon(k)).replace(/^\w+:/, '') : String(k),
          canon(x),
        ])
        .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
    );
  }
  return v;
}

export function runCase(c: ConformanceCase): { ok: boolean; why?: string } {
  const o = c.test;
  const variables: Record<string, string> = {};
  for (const d of (o.typeEnv ?? []) as Obj[]) {
    const ident = d.ident as Obj | undefined;
    if (!ident) return { ok: false, why: 'function declarations are not supported' };
    const t = celType(ident.type as Obj);
    if (!t) return { ok: false, why: 'unsupported type' };
    variables[String(d.name)] = t;
  }
  const activation: Record<string, unknown> = {};
  for (const [k, b] of Object.entries((o.bindings ?? {}) as Obj)) {
    activation[k] = fromValue((b as Obj).value as Obj);
    variables[k] ??= 'dyn';
  }
  let engine: CelEngine;
  try {
    engine = new CelEngine({
      variables,
      unlistedVariablesAreDyn: o.disableCheck === true || o.typeEnv === undefined,
      // cel-go's default: mixed list and map literals type-check as list(dyn) and map(dyn, dyn).
      homogeneousAggregateLiterals: false,
    });
  } catch (e) {
    return { ok: false, why: `environment: ${(e as Error).message}` };
  }
  const compiled = engine.compile(c.expr);
  if (o.evalError !== undefined) {
    if (!compiled.ok) return { ok: true };
    const r = compiled.value.evaluate(activation);
    return r.ok ? { ok: false, why: `expected an error, got ${String(r.value)}` } : { ok: true };
  }
  if (!compiled.ok) return { ok: false, why: compiled.error.message };
  const r = compiled.value.evaluate(activation);
  if (!r.ok) return { ok: false, why: r.error.message };
  const want = JSON.stringify(canon(fromValue(o.value as Obj)));
  const got = JSON.stringify(canon(r.value));
  return want === got ? { ok: true } : { ok: false, why: `expected ${want}, got ${got}` };
}

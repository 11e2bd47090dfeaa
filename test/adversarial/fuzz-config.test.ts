/**
 * Property-based fuzzing (fast-check) of the config loader and of overlay composition: for
 * generated YAML-ish text, random bytes and random base/overlay pairs, nothing throws, every
 * refusal is a positioned one-line finding, a load is clean, each within a time bound.
 * The seed is fixed and printed first; replay a failure with FUZZ_SEED=<seed> (and the
 * `path` fast-check prints).
 */
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { composeEnvironment } from '../../src/config/compose.js';
import { parseDocumentText } from '../../src/config/load-document.js';
import { getAtPath, parsePath } from '../../src/config/path.js';
import type { LoadedDocument, LoadResult } from '../../src/config/types.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const params = { seed: SEED, numRuns: RUNS, endOnFailure: true };
/** Generous per-input bound: inputs here are a few KB at most. */
const MAX_MS = 5_000;

beforeAll(() => {
  process.stdout.write(
    `fuzz-config: seed ${SEED}, ${RUNS} runs per property (FUZZ_SEED / FUZZ_RUNS to change)\n`,
  );
});

/** A load either gives a document and no error, or errors each at a line and column of one line. */
function expectWellFormed(r: LoadResult, file: string): void {
  const errors = r.findings.filter((f) => f.severity === 'error');
  if (r.doc) {
    expect(errors).toEqual([]);
    expect(r.doc.file).toBe(file);
    expect(() => JSON.stringify(r.doc!.value)).not.toThrow();
  } else {
    expect(errors.length).toBeGreaterThan(0);
  }
  for (const f of r.findings) {
    expect(f.rule).toBe('yaml/syntax');
    expect(f.location?.file).toBe(file);
    expect(f.location?.line).toBeGreaterThanOrEqual(1);
    expect(f.location?.column).toBeGreaterThanOrEqual(1);
    expect(f.message).not.toMatch(/\n|\bat .+:\d+:\d+|Error:|undefined|\[object /);
  }
}

function timedLoad(input: string | Uint8Array): LoadResult {
  const t0 = performance.now();
  let r: LoadResult | undefined;
  expect(() => {
    r = parseDocumentText(input, '/fuzz/c.yaml');
  }).not.toThrow();
  expect(performance.now() - t0).toBeLessThan(MAX_MS);
  return r!;
}

/** Pieces of YAML syntax, so that random text reaches deep into the parser. */
const yamlPiece = fc.constantFrom(
  'a',
  'b',
  'k1',
  '1',
  '0x1',
  '1.0',
  'true',
  '~',
  'null',
  '"1"',
  "'a'",
  '""',
  ':',
  ': ',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '- ',
  '? ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&x ',
  '*x',
  '&y ',
  '*y ',
  '!!str ',
  '!!int ',
  '!!binary ',
  '!!omap ',
  '!!set ',
  '!foo ',
  '!<tag:x,2000:y> ',
  '! ',
  '%YAML 1.2\n',
  '%YAML 1.3\n',
  '%TAG ! tag:x,2000:\n',
  '%FOO\n',
  '---\n',
  '...\n',
  '|\n',
  '>-\n',
  '#c',
  '<<: ',
  '__proto__',
  'constructor',
  '"\\u0000"',
  '"\\x"',
  'é',
  '\u2028',
  '\ufeff',
  '@',
  '`',
);
const yamlishText = fc.array(yamlPiece, { maxLength: 80 }).map((p) => p.join(''));

describe('fuzzing the loader', () => {
  it('YAML-ish text: a clean document or positioned findings, never an exception', () => {
    const tally = { loaded: 0, refused: 0, warned: 0 };
    fc.assert(
      fc.property(yamlishText, (text) => {
        const r = timedLoad(text);
        expectWellFormed(r, '/fuzz/c.yaml');
        tally[r.doc ? 'loaded' : 'refused']++;
        if (r.doc && r.findings.length > 0) tally.warned++;
        expect(({} as Record<string, unknown>).x).toBeUndefined();
      }),
      params,
    );
    process.stdout.write(`fuzz-config: YAML-ish inputs ${JSON.stringify(tally)}\n`);
    // The generator reaches both sides: documents that load and text that is refused.
    expect(tally.loaded).toBeGreaterThan(RUNS / 20);
    expect(tally.refused).toBeGreaterThan(RUNS / 20);
  });

  it('any text: the same', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expectWellFormed(timedLoad(text), '/fuzz/c.yaml');
      }),
      params,
    );
  });

  it('random bytes: the same (invalid UTF-8 and NUL included)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expectWellFormed(timedLoad(bytes), '/fuzz/c.yaml');
      }),
      params,
    );
  });

  it('a value written as YAML loads back as itself', () => {
    fc.assert(
      fc.property(configValue, (value) => {
        const r = timedLoad(stringify(value));
        expectWellFormed(r, '/fuzz/c.yaml');
        expect(r.doc?.value).toEqual(value);
      }),
      params,
    );
  });
});

/** Keys from a small set, so base and overlay collide often; `name`d lists merge by name. */
const key = fc.constantFrom('a', 'b', 'c', 'name', 'items', '1', 'true', '__proto__', 'apiVersion');
const scalar = fc.oneof(fc.constantFrom('x', 'y', ''), fc.integer({ min: -5, max: 5 }), fc.boolean());
const { configValue } = fc.letrec((tie) => ({
  configValue: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.dictionary(key, tie('configValue'), { maxKeys: 4 }),
    fc.array(tie('configValue'), { maxLength: 3 }),
    fc.array(fc.record({ name: fc.constantFrom('n1', 'n2', 'n3'), v: fc.oneof(scalar, fc.constant(null)) }), {
      maxLength: 3,
    }),
  ),
}));
/** An overlay: like a config, with `null` (delete) allowed anywhere. */
const { overlayValue } = fc.letrec((tie) => ({
  overlayValue: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.constant(null),
    fc.dictionary(key, tie('overlayValue'), { maxKeys: 4 }),
    fc.array(fc.record({ name: fc.constantFrom('n1', 'n2', 'n4'), v: fc.oneof(scalar, fc.constant(null)) }), {
      maxLength: 3,
    }),
  ),
}));
const configMap = fc.dictionary(key, configValue, { maxKeys: 5 });
const overlayMap = fc.dictionary(key, overlayValue, { maxKeys: 5 });

function loaded(value: unknown, file: string): LoadedDocument {
  const r = parseDocumentText(stringify(value), file);
  expect(r.findings).toEqual([]);
  return r.doc!;
}

/** Every leaf path of a value, as config paths (`a.b[0]`). */
function leafPaths(v: unknown, path = ''): string[] {
  if (Array.isArray(v)) return v.length === 0 ? [path] : v.flatMap((x, i) => leafPaths(x, `${path}[${i}]`));
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) return [path];
    return keys.flatMap((k) => leafPaths((v as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return [path];
}

describe('fuzzing composition (base + overlay)', () => {
  it('never throws, never changes the base, and provenance matches the effective values', () => {
    fc.assert(
      fc.property(configMap, overlayMap, (baseValue, overlayValue) => {
        const base = loaded(baseValue, '/fuzz/base.yaml');
        const overlay = loaded(overlayValue, '/fuzz/overlay.yaml');
        const before = structuredClone(base.value);
        const t0 = performance.now();
        const eff = composeEnvironment(base, overlay, { name: 'e', protected: false });
        expect(performance.now() - t0).toBeLessThan(MAX_MS);
        expect(isDeepStrictEqual(base.value, before)).toBe(true);
        for (const path of leafPaths(eff.values)) {
          if (path === '') continue;
          const at = eff.provenance.locate(path);
          expect(at, `no source for ${path}`).toBeDefined();
          expect(['/fuzz/base.yaml', '/fuzz/overlay.yaml']).toContain(at!.file);
        }
        for (const [path] of eff.provenance.entries()) {
          expect(
            getAtPath(eff.values, parsePath(path)),
            `provenance for ${path}, which is not a value`,
          ).not.toBe(undefined);
        }
        for (const [k, ov] of Object.entries(overlayValue)) {
          if (k === 'apiVersion') continue;
          if (ov === null) expect(Object.hasOwn(eff.values, k), `${k} deleted`).toBe(false);
          else if (typeof ov !== 'object') expect(eff.values[k]).toBe(ov);
        }
      }),
      params,
    );
  });
});

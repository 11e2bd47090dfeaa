/**
 * Settings read through the schema, whatever a library caller passes: settings, or
 * CONFIG_INVALID with a message; never another exception, never a change to the input.
 */
import * as os from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExportError, readExporterSettings } from '../../src/exporter/index.js';
import { readServiceSettings } from '../../src/service/config.js';

type Obj = Record<string, unknown>;

const VALID: Obj = {
  apiVersion: 'exportctl/v1',
  kind: 'ExportConfig',
  metadata: { name: 'shape' },
  server: { port: 8080 },
  database: { driver: 'sqlite', url: 'sqlite:data.db' },
  export: { source: { table: 'items', key: 'id' }, output: { format: 'csv', dir: './out' } },
};

function outcome(read: () => unknown): 'ok' | 'refused' {
  try {
    read();
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(ExportError);
    expect((err as ExportError).code).toBe('CONFIG_INVALID');
    expect((err as ExportError).message.length).toBeGreaterThan(0);
    return 'refused';
  }
}

/** A valid config with one value somewhere replaced by anything. */
const mutated = fc
  .tuple(
    fc.constantFrom(
      ['metadata'],
      ['metadata', 'name'],
      ['server', 'port'],
      ['server', 'timeout'],
      ['database'],
      ['database', 'driver'],
      ['database', 'pool'],
      ['export', 'source'],
      ['export', 'chunk_size'],
      ['export', 'retry'],
      ['export', 'output', 'header'],
      ['export', 'columns'],
      ['queue'],
      ['toggles', 'fallback'],
      ['__proto__'],
      ['export', '__proto__'],
    ),
    fc.jsonValue({ maxDepth: 3 }),
  )
  .map(([path, value]) => {
    const v = JSON.parse(JSON.stringify(VALID)) as Obj;
    let at = v;
    for (const k of path.slice(0, -1)) {
      at[k] ??= {};
      at = at[k] as Obj;
    }
    Object.defineProperty(at, path[path.length - 1], {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return v;
  });

describe('settings from anything', () => {
  it('a valid config with any one value replaced: settings or CONFIG_INVALID, input unchanged', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(mutated, (values) => {
        const before = JSON.stringify(values);
        seen.add(outcome(() => readExporterSettings(values, { projectRoot: os.tmpdir(), env: {} })));
        seen.add(outcome(() => readServiceSettings(values, {})));
        expect(JSON.stringify(values)).toBe(before);
        expect(({} as Obj).polluted).toBeUndefined();
      }),
      { numRuns: 300 },
    );
    // The property saw both answers: it is not vacuous.
    expect([...seen].sort()).toEqual(['ok', 'refused']);
  });

  it('not a map at all: CONFIG_INVALID, not a TypeError', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 2 }), (value) => {
        fc.pre(value === null || typeof value !== 'object' || Array.isArray(value));
        expect(outcome(() => readExporterSettings(value as Obj, { projectRoot: os.tmpdir() }))).toBe(
          'refused',
        );
        expect(outcome(() => readServiceSettings(value as Obj, {}))).toBe('refused');
      }),
      { numRuns: 100 },
    );
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../../src/config/load-document.js';
import { SCHEMA_DIR } from '../../src/schema/schemas.js';
import { validateToFindings, validateValue } from '../../src/schema/validate.js';

const example = parseDocumentText(
  readFileSync(join(SCHEMA_DIR, '..', 'examples/orders-export/config/base.yaml')),
  'base.yaml',
).doc!;

function withBase(edit: (v: Record<string, any>) => void) {
  const v = structuredClone(example.value) as Record<string, any>;
  edit(v);
  return validateValue('ExportConfig', v);
}

describe('schema error mapping', () => {
  it('the example base is valid', () => {
    expect(validateValue('ExportConfig', example.value)).toEqual([]);
  });

  it('an unknown key points at the key, with a suggestion', () => {
    const doc = parseDocumentText('apiVersion: exportctl/v1\nkind: ExportConfig\nservr: {}\n', 'x.yaml').doc!;
    const f = validateToFindings('ExportConfig', doc.value, doc.provenance).find((x) => x.path === 'servr')!;
    expect(f.message).toBe('unknown key "servr" (did you mean "server"?)');
    expect(f.location).toMatchObject({ line: 3, column: 1 });
  });

  it('a missing field points at its parent', () => {
    const doc = parseDocumentText(
      'apiVersion: exportctl/v1\nkind: ExportConfig\nmetadata: {name: x}\nserver: {port: 1}\ndatabase:\n  driver: sqlite\nexport: {source: {table: t, key: id}, output: {format: csv, dir: x}}\n',
      'x.yaml',
    ).doc!;
    const f = validateToFindings('ExportConfig', doc.value, doc.provenance);
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe('missing required field "url" in database');
    expect(f[0].location).toMatchObject({ line: 6, column: 3 });
  });

  it('a bare number where a duration belongs', () => {
    const p = withBase((v) => {
      v.server.timeout = 30;
    });
    expect(p).toEqual([
      {
        path: ['server', 'timeout'],
        atKey: false,
        bareDuration: 30,
        message:
          'server.timeout: bare number 30 where a duration belongs; write it with a unit (e.g. 30s or 30ms)',
      },
    ]);
  });

  it('a malformed duration, percentage and enum', () => {
    const p = withBase((v) => {
      v.probes.liveness.period = '10 seconds';
      v.export.limits.disk_usage_breaker = '0.85';
      v.database.driver = 'mysql';
    });
    const msgs = p.map((x) => x.message);
    expect(msgs).toContain(
      'probes.liveness.period must be a duration with a unit such as 250ms, 30s, 5m or 1h30m',
    );
    expect(msgs.some((m) => m.startsWith('export.limits.disk_usage_breaker has an invalid format'))).toBe(
      true,
    );
    expect(msgs).toContain('database.driver must be one of "postgres", "sqlite"');
  });

  it('table and query are exclusive, and one is required', () => {
    const both = withBase((v) => {
      v.export.source.query = 'select 1';
    });
    expect(both.map((x) => x.message)).toEqual(['export.source must set exactly one of "table" or "query"']);
  });

  it('a type mismatch names both types, and list items have indexed paths', () => {
    const p = withBase((v) => {
      v.export.columns[1].max_length = 'long';
    });
    expect(p[0]).toMatchObject({
      path: ['export', 'columns', 1, 'max_length'],
      message: 'export.columns[1].max_length must be an integer, not a string',
    });
  });

  it('an overlay may omit anything and null-delete, but unknown keys are still rejected', () => {
    expect(validateValue('ExportConfigOverlay', { server: { port: 9090 }, toggles: null })).toEqual([]);
    expect(
      validateValue('ExportConfigOverlay', { monitoring: { alerts: [{ name: 'x', threshold: 1 }] } }),
    ).toEqual([]);
    const p = validateValue('ExportConfigOverlay', { server: { prot: 1 } });
    expect(p.map((x) => x.message)).toEqual(['unknown key "prot" in server (did you mean "port"?)']);
  });
});

describe('the shipped schemas', () => {
  const files = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'));

  it('are draft 2020-12 with an $id', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const s = JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8'));
      expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(s.$id).toMatch(/^https:\/\/.+\.schema\.json$/);
    }
  });

  it('describe every property and close every object', () => {
    const problems: string[] = [];
    const walk = (s: any, where: string) => {
      if (!s || typeof s !== 'object') return;
      if (s.type === 'object' && s.properties && s.additionalProperties === undefined)
        problems.push(`${where}: open object`);
      for (const [k, p] of Object.entries<any>(s.properties ?? {})) {
        if (!p.description) problems.push(`${where}.${k}: no description`);
        walk(p, `${where}.${k}`);
      }
      for (const key of ['items', 'additionalProperties'])
        if (typeof s[key] === 'object') walk(s[key], `${where}[]`);
      for (const [k, d] of Object.entries<any>(s.$defs ?? {})) walk(d, `$defs.${k}`);
      for (const key of ['anyOf', 'oneOf']) for (const b of s[key] ?? []) walk(b, where);
    };
    for (const f of files) walk(JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8')), f);
    expect(problems).toEqual([]);
  });
});

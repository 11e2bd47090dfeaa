import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDocument, parseDocumentText } from '../../src/config/load-document.js';

const fx = (name: string) => join(import.meta.dirname, 'fixtures', name);

describe('loadDocument positions', () => {
  it('records the line and column of every value and key in a YAML file', () => {
    const { doc, findings } = loadDocument(fx('positions.yaml'));
    expect(findings).toEqual([]);
    expect(doc?.value).toMatchObject({ server: { port: 8080, timeout: '30s' } });
    const port = doc!.provenance.origin('server.port')!;
    expect(port.value).toMatchObject({ line: 7, column: 9, endLine: 7, endColumn: 13 });
    expect(port.key).toMatchObject({ line: 7, column: 3 });
    expect(doc!.provenance.origin('list[0].value')!.value).toMatchObject({ line: 10, column: 23 });
    expect(doc!.provenance.origin('list[1].value')!.value).toMatchObject({ line: 12, column: 12 });
  });

  it('reads JSON with positions', () => {
    const { doc, findings } = loadDocument(fx('config.json'));
    expect(findings).toEqual([]);
    expect(doc!.provenance.origin('server.timeout')!.value).toMatchObject({ line: 6, column: 16 });
    expect(doc!.provenance.origin('alerts[0].for')!.value).toMatchObject({ line: 9, column: 27 });
  });

  it('strips a BOM without shifting columns', () => {
    const { doc, findings } = loadDocument(fx('bom.yaml'));
    expect(findings).toEqual([]);
    expect(Object.keys(doc!.value as object)[0]).toBe('apiVersion');
    expect(doc!.provenance.origin('server.port')!.value).toMatchObject({ line: 4, column: 9 });
  });

  it('expands aliases, pointing the alias path at the alias and its members at the anchor', () => {
    const { doc, findings } = loadDocument(fx('aliases.yaml'));
    expect(findings).toEqual([]);
    expect(doc!.value).toMatchObject({ probes: { liveness: { period: '10s', timeout: '1s' } } });
    expect(doc!.provenance.origin('probes.liveness')!.value).toMatchObject({ line: 5, column: 13 });
    expect(doc!.provenance.origin('probes.liveness.timeout')!.value).toMatchObject({ line: 3, column: 12 });
  });

  it('keeps __proto__ and constructor as plain own keys without touching prototypes', () => {
    const { doc } = parseDocumentText(
      '__proto__: { polluted: true }\nconstructor: { prototype: 1 }\n',
      'x.yaml',
    );
    const v = doc!.value as Record<string, unknown>;
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports YAML 1.2 semantics: yes/no and dates stay strings', () => {
    const { doc } = parseDocumentText('a: yes\nb: 2027-03-01\nc: 0.0.0.0\nd: 010\n', 'x.yaml');
    expect(doc!.value).toEqual({ a: 'yes', b: '2027-03-01', c: '0.0.0.0', d: 10 });
  });
});

describe('loadDocument failures are findings with positions', () => {
  const cases: Array<[string, string | Uint8Array, string, number, number]> = [
    ['syntax error', 'a: [1, 2\nb: 3\n', 'yaml/syntax', 2, 0],
    ['duplicate key', 'a: 1\nb: 2\na: 3\n', 'yaml/syntax', 3, 1],
    ['unknown tag', 'a: !vault secret\n', 'yaml/syntax', 1, 4],
    [
      'invalid UTF-8',
      new Uint8Array([0x61, 0x3a, 0x20, 0x0a, 0x62, 0x3a, 0x20, 0xc3, 0x28]),
      'yaml/syntax',
      2,
      4,
    ],
    ['binary', new Uint8Array([0x61, 0x00, 0x62]), 'yaml/syntax', 1, 2],
    ['two documents', 'a: 1\n---\nb: 2\n', 'yaml/syntax', 2, 1],
  ];
  for (const [name, input, rule, line, column] of cases) {
    it(name, () => {
      const r = parseDocumentText(input, '/x/file.yaml');
      expect(r.doc).toBeUndefined();
      expect(r.findings.length).toBeGreaterThan(0);
      const f = r.findings[0];
      expect(f.rule).toBe(rule);
      expect(f.location?.file).toBe('/x/file.yaml');
      expect(f.location?.line).toBe(line);
      if (column > 0) expect(f.location?.column).toBe(column);
      expect(f.message).not.toMatch(/\n/);
    });
  }

  it('stops an alias bomb', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const t0 = performance.now();
    const r = parseDocumentText(lines.join('\n'), 'bomb.yaml');
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(r.doc).toBeUndefined();
    expect(r.findings[0].message).toMatch(/alias|too many|too large/);
  });

  it('stops deep nesting', () => {
    const r = parseDocumentText(`a: ${'['.repeat(10_000)}${']'.repeat(10_000)}`, 'deep.yaml');
    expect(r.doc).toBeUndefined();
    expect(r.findings[0].rule).toBe('yaml/syntax');
    expect(r.findings[0].message).toMatch(/nest|deep/);
  });

  it('an empty file is an empty document, not an error', () => {
    const r = parseDocumentText('', 'empty.yaml');
    expect(r.findings).toEqual([]);
    expect(r.doc?.value).toBeNull();
  });

  it('a missing file and a directory are io/read findings', () => {
    expect(loadDocument('/nonexistent/exportctl.yaml').findings[0]).toMatchObject({
      rule: 'io/read',
      message: 'no such file',
    });
    expect(loadDocument(import.meta.dirname).findings[0]).toMatchObject({ rule: 'io/read' });
  });
});

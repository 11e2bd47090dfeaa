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

describe('what of YAML a config can hold', () => {
  const load = (text: string) => parseDocumentText(text, '/x/c.yaml');
  const only = (text: string) => {
    const r = load(text);
    expect(r.doc).toBeUndefined();
    expect(r.findings).toHaveLength(1);
    return r.findings[0];
  };

  it.each([
    ['1: a\n"1": b\n', '"1"', '"1" here and 1 at line 1, column 1'],
    ['true: a\n"true": b\n', '"true"', '"true" here and true at line 1, column 1'],
    ['~: a\n"": b\n', '""', '"" here and ~ at line 1, column 1'],
    ['1.0: a\n0x1: b\n', '"1"', '0x1 here and 1.0 at line 1, column 1'],
  ])('keys that become the same config key are duplicates: %j', (text, name, detail) => {
    const f = only(text);
    expect(f).toMatchObject({ rule: 'yaml/syntax', severity: 'error', location: { line: 2, column: 1 } });
    expect(f.message).toContain(`duplicate key ${name}`);
    expect(f.message).toContain(detail);
  });

  it('a duplicate key names the key and its first position', () => {
    const f = only('server:\n  port: 1\n  host: x\n  port: 2\n');
    expect(f.message).toBe('duplicate key "port" (first at line 2, column 3)');
    expect(f.location).toMatchObject({ line: 4, column: 3 });
  });

  it('every duplicate is reported, each once, even through aliases', () => {
    const r = load('a: &m {x: 1, x: 2}\nb: *m\nc: 1\nc: 2\n');
    expect(r.doc).toBeUndefined();
    expect(r.findings.map((f) => f.message)).toEqual([
      'duplicate key "x" (first at line 1, column 8)',
      'duplicate key "c" (first at line 3, column 1)',
    ]);
  });

  it.each([
    ['x: !!binary aGk=\n', '!!binary'],
    ['x: !!omap [a: 1]\n', '!!omap'],
    ['x: !!pairs [a: 1]\n', '!!pairs'],
    ['x: !!set {a}\n', '!!set'],
    ['x: !!timestamp 2001-12-14\n', '!!timestamp'],
    ['x: !vault secret\n', '!vault'],
    ['x: !<tag:example.com,2000:app/foo> 1\n', 'tag:example.com,2000:app/foo'],
    ['\n!!binary aGk= : x\n', '!!binary'],
  ])('a tag the config cannot hold is refused by name: %j', (text, tag) => {
    const f = only(text);
    expect(f).toMatchObject({ rule: 'yaml/syntax', location: { line: text.startsWith('\n') ? 2 : 1 } });
    expect(f.message).toContain(`tag ${tag} is not supported`);
  });

  it('core-schema tags are values as JSON has them', () => {
    const r = load('a: !!str 1\nb: !!int "3"\nc: !!float 1.5\nd: !!bool true\ne: !!null ""\nf: ! 12\n');
    expect(r.findings).toEqual([]);
    expect(r.doc?.value).toEqual({ a: '1', b: 3, c: 1.5, d: true, e: null, f: '12' });
    expect(only('a: !!int abc\n').message).toBe('the value does not fit its tag !!int');
  });

  it('an alias to a scalar is a key; a list or map as a key is refused', () => {
    const r = load('base: &k name\n*k : value\n');
    expect(r.findings).toEqual([]);
    expect(r.doc?.value).toEqual({ base: 'name', name: 'value' });
    expect(r.doc?.provenance.origin('name')?.key).toMatchObject({ line: 2, column: 1 });
    expect(only('[a, b]: 1\n').message).toMatch(/^a list or map cannot be a key/);
    expect(only('m: &m {a: 1}\n*m : 1\n').message).toMatch(/^a list or map cannot be a key/);
  });

  it('an alias inside the node it names is refused, not expanded', () => {
    const f = only('a: &a [1, *a]\n');
    expect(f.message).toMatch(/alias \*a is inside the node it names/);
    expect(f.location).toMatchObject({ line: 1, column: 11 });
  });

  it.each([
    ['%FOO bar baz\n---\na: 1\n', /Unknown directive %FOO/],
    ['%YAML 1.3\n---\na: 1\n', /Unsupported YAML version 1\.3/],
  ])('reserved and future directives are warnings: %j', (text, message) => {
    const r = load(text);
    expect(r.doc?.value).toEqual({ a: 1 });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ rule: 'yaml/syntax', severity: 'warning', location: { line: 1 } });
    expect(r.findings[0].message).toMatch(message);
  });

  it('a directive without a document, and a second %YAML directive, are errors', () => {
    expect(only('%YAML 1.2\n').message).toMatch(/directives-end/);
    const f = only('%YAML 1.2\n%YAML 1.2\n---\na: 1\n');
    expect(f).toMatchObject({ severity: 'error', location: { line: 2, column: 1 } });
    expect(f.message).toMatch(/duplicate %YAML directive/);
  });

  it('a map of 40,000 keys with one duplicate at the end is found in linear time', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `k${i}: v`);
    const t0 = performance.now();
    const f = only(`${keys.join('\n')}\nk0: again\n`);
    expect(performance.now() - t0).toBeLessThan(15_000);
    expect(f.message).toBe('duplicate key "k0" (first at line 1, column 1)');
    expect(f.location?.line).toBe(40_001);
  });
});

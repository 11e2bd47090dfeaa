import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRequirementsTxt } from '../../src/deps/lockfile/requirements-txt.js';

const DIR = join(import.meta.dirname, 'fixtures', 'requirements');

describe('requirements.txt', () => {
  const parsed = parseRequirementsTxt(join(DIR, 'requirements.txt'));
  const byName = (name: string) => parsed.requirements.filter((r) => r.name === name);

  it('reads a pip-compile file with includes, constraints, hashes, markers and continuations without a finding', () => {
    expect(parsed.findings).toEqual([]);
    expect(parsed.files.map((f) => f.slice(DIR.length + 1))).toEqual([
      'requirements.txt',
      'base.txt',
      'nested/more.txt',
      'constraints.txt',
    ]);
    expect(parsed.requirements.map((r) => `${r.name}|${r.specifier}|${r.kind}`)).toEqual([
      'protobuf|==4.23.4|specifier',
      'safetensors|==0.3.1|specifier',
      'tokenizers|!=0.13.1|specifier',
      'pandas|<3|specifier',
      'tensorflow|==2.12.0|specifier',
      'torch|==1.13.0+cu117|specifier',
      'transformers|==4.30.0|specifier',
      'tokenizers|>=0.13, <0.14|specifier',
      'Typing_Extensions|>=4.0|specifier',
      'numpy|==1.23.5|specifier',
      'numpy|==1.26.4|specifier',
      'requests|https://files.example.com/requests-2.31.0-py3-none-any.whl|url',
      'exporter-plugins|git+https://github.com/example/exporter-plugins.git#egg=exporter-plugins|editable',
      '|./vendor/local_wheel-1.0-py3-none-any.whl|url',
    ]);
  });

  it('points each requirement at its own file, line and columns', () => {
    const tf = byName('tensorflow')[0];
    expect(tf.location).toEqual({
      file: join(DIR, 'requirements.txt'),
      line: 7,
      column: 1,
      endLine: 7,
      endColumn: 19,
    });
    expect(byName('transformers')[0].location).toMatchObject({ line: 12, column: 1, endColumn: 28 });
    expect(byName('protobuf')[0].location).toMatchObject({ file: join(DIR, 'base.txt'), line: 1 });
    expect(byName('safetensors')[0].location).toMatchObject({
      file: join(DIR, 'nested', 'more.txt'),
      line: 2,
    });
    expect(byName('Typing_Extensions')[0].location).toMatchObject({ line: 14, column: 1 });
  });

  it('keeps markers and marks constraints-file lines', () => {
    expect(byName('torch')[0].marker).toBe('platform_system == "Linux" and python_version >= "3.8"');
    expect(byName('numpy').map((r) => r.marker)).toEqual([
      'python_version < "3.12"',
      'python_version >= "3.12"',
    ]);
    expect(byName('tokenizers').map((r) => r.constraintOnly ?? false)).toEqual([true, false]);
    expect(byName('pandas')[0].constraintOnly).toBe(true);
  });
});

describe('requirements.txt mistakes are findings at their line and column, never exceptions', () => {
  const parsed = parseRequirementsTxt(join(DIR, 'broken.txt'));
  const at = (line: number) => parsed.findings.filter((f) => f.location?.line === line);

  it.each([
    [1, 11, 'deps/syntax', /tokenizers: "\^0\.13" is npm syntax/],
    [2, 15, 'deps/syntax', /--hash md5: expected ALGORITHM:HEX/],
    [3, 33, 'deps/syntax', /environment marker: expected a marker variable or a quoted string, found ">"/],
    [4, 4, 'io/read', /missing\.txt: no such file/],
    [5, 1, 'deps/syntax', /unknown option --frobnicate/],
    [6, 47, 'deps/syntax', /environment marker: expected a marker variable or a quoted string at the end/],
    [7, 4, 'deps/syntax', /not a valid PEP 440 specifier/],
    [9, 3, 'deps/syntax', /--hash sha256:zz: expected ALGORITHM:HEX/],
  ] as const)('line %i, column %i: %s', (line, column, rule, message) => {
    const fs = at(line);
    expect(fs, JSON.stringify(parsed.findings, null, 1)).toHaveLength(1);
    expect(fs[0].rule).toBe(rule);
    expect(fs[0].location?.column).toBe(column);
    expect(fs[0].message).toMatch(message);
  });

  it('no other findings, and the valid lines are still read', () => {
    expect(parsed.findings).toHaveLength(8);
    expect(parsed.requirements.map((r) => r.name)).toEqual(['numpy', 'ok']);
  });

  it('an include cycle is reported where it closes', () => {
    const cyc = parseRequirementsTxt(join(DIR, 'cycle-a.txt'));
    expect(cyc.findings).toHaveLength(1);
    expect(cyc.findings[0]).toMatchObject({
      rule: 'deps/syntax',
      location: { file: join(DIR, 'cycle-b.txt'), line: 1, column: 4 },
    });
    expect(cyc.findings[0].message).toMatch(/includes itself/);
    expect(cyc.requirements.map((r) => r.name)).toEqual(['b', 'a']);
  });

  it('a missing lockfile is reported where it is named', () => {
    const statedAt = { file: '/x/base.yaml', line: 9, column: 13, endLine: 9, endColumn: 29 };
    const r = parseRequirementsTxt(join(DIR, 'nope.txt'), statedAt);
    expect(r.findings).toEqual([expect.objectContaining({ rule: 'io/read', location: statedAt })]);
    expect(r.files).toEqual([]);
  });

  it('reads a file included many times once (a diamond of includes stays linear)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exportctl-req-'));
    try {
      // Three levels of 60 `-r` lines each: 216,000 reads if every mention were read again.
      writeFileSync(join(dir, 'l3.txt'), 'leaf==1.0\n');
      writeFileSync(join(dir, 'l2.txt'), '-r l3.txt\n'.repeat(60));
      writeFileSync(join(dir, 'l1.txt'), '-r l2.txt\n'.repeat(60));
      writeFileSync(join(dir, 'requirements.txt'), '-r l1.txt\n'.repeat(60));
      const t0 = performance.now();
      const r = parseRequirementsTxt(join(dir, 'requirements.txt'));
      expect(performance.now() - t0).toBeLessThan(10_000);
      expect(r.findings).toEqual([]);
      expect(r.requirements.map((q) => q.name)).toEqual(['leaf']);
      expect(r.files).toHaveLength(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bounds how many files one requirements file pulls in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exportctl-req-'));
    try {
      const n = 300;
      for (let i = 0; i < n; i++) writeFileSync(join(dir, `f${i}.txt`), `p${i}==1.0\n`);
      writeFileSync(
        join(dir, 'requirements.txt'),
        Array.from({ length: n }, (_, i) => `-r f${i}.txt\n`).join(''),
      );
      const r = parseRequirementsTxt(join(dir, 'requirements.txt'));
      expect(r.findings).toEqual([
        expect.objectContaining({
          rule: 'deps/syntax',
          message: expect.stringMatching(/more than 256 requirements files/),
        }),
      ]);
      expect(r.files.length).toBeLessThanOrEqual(257);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

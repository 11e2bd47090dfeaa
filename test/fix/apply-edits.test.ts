import { describe, expect, it } from 'vitest';
import type { FixEdit } from '../../src/diagnostics/fix.js';
import { applyEdits } from '../../src/fix/apply-edits.js';

const F = '/p/config/envs/prod.yaml';
const remove = (...path: Array<string | number>): FixEdit => ({ file: F, target: { path }, op: 'remove' });

/** RuleTester-style: input text + edits -> output text, byte for byte. */
const cases: { name: string; input: string; edits: FixEdit[]; output: string }[] = [
  {
    name: 'removes a nested key, keeps comments, siblings and quoting',
    input: [
      '# prod overlay',
      'server:',
      "  host: 'db.internal'   # quoted, kept",
      '  timeout: 30s # same as base',
      '  port: 5432',
      '',
    ].join('\n'),
    edits: [remove('server', 'timeout')],
    output: ['# prod overlay', 'server:', "  host: 'db.internal'   # quoted, kept", '  port: 5432', ''].join(
      '\n',
    ),
  },
  {
    name: 'removes a parent left empty (no `key:` meaning null is left behind)',
    input: ['apiVersion: exportctl/v1', 'server:', '    timeout: 30s', 'export:', '    format: csv', ''].join(
      '\n',
    ),
    edits: [remove('server', 'timeout')],
    output: ['apiVersion: exportctl/v1', 'export:', '    format: csv', ''].join('\n'),
  },
  {
    name: 'removes a block collection value entirely',
    input: ['a: 1', 'b:', '  c:', '    d: 2  # x', '  e: 3', 'f: 4', ''].join('\n'),
    edits: [remove('b', 'c')],
    output: ['a: 1', 'b:', '  e: 3', 'f: 4', ''].join('\n'),
  },
  {
    name: 'removes sequence items by their original index (two at once)',
    input: [
      'waivers:',
      '  - rule: a/b   # first',
      '    reason: x',
      '  - rule: c/d',
      '    reason: y',
      '  - rule: e/f',
      '    reason: z',
      'other: 1',
      '',
    ].join('\n'),
    edits: [remove('waivers', 0), remove('waivers', 2)],
    output: ['waivers:', '  - rule: c/d', '    reason: y', 'other: 1', ''].join('\n'),
  },
  {
    name: 'removing every item of a list removes the list',
    input: ['drift:', '  allow:', '    - path: a', '      reason: r', '  reference: prod', ''].join('\n'),
    edits: [remove('drift', 'allow', 0)],
    output: ['drift:', '  reference: prod', ''].join('\n'),
  },
  {
    name: 'removes the last line of a file without a final newline',
    input: 'a: 1\nb: 2',
    edits: [remove('b')],
    output: 'a: 1\n',
  },
  {
    name: 'keeps CRLF line endings',
    input: 'a: 1\r\nb: 2\r\nc: 3\r\n',
    edits: [remove('b')],
    output: 'a: 1\r\nc: 3\r\n',
  },
  {
    name: 'renames a key by position, keeping value and comment',
    input: ['server:', '  tiemout: 30s  # typo', '  port: 1', ''].join('\n'),
    edits: [{ file: F, target: { at: { line: 2, column: 3 } }, op: 'rename', to: 'timeout' }],
    output: ['server:', '  timeout: 30s  # typo', '  port: 1', ''].join('\n'),
  },
  {
    name: 'renames a double-quoted key in its quoting',
    input: '"tiemout": 30s\n',
    edits: [{ file: F, target: { path: ['tiemout'] }, op: 'rename', to: 'timeout' }],
    output: '"timeout": 30s\n',
  },
  {
    name: 'sets a scalar keeping single quotes',
    input: "deps:\n  pg: '>=1.0'  # pin me\n",
    edits: [{ file: F, target: { path: ['deps', 'pg'] }, op: 'set', value: '1.4.2' }],
    output: "deps:\n  pg: '1.4.2'  # pin me\n",
  },
];

describe('applyEdits (fix tests: input -> output, byte for byte)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = applyEdits(c.input, c.edits);
      expect(r.skipped).toEqual([]);
      expect(r.text).toBe(c.output);
    });
  }

  it('skips, and does not guess, an entry in a flow collection', () => {
    const input = 'server: { timeout: 30s, port: 1 }\n';
    const r = applyEdits(input, [remove('server', 'timeout')]);
    expect(r.text).toBe(input);
    expect(r.skipped[0].reason).toMatch(/flow/);
  });

  it('skips a key sharing its line with a sequence dash', () => {
    const input = 'items:\n  - name: a\n    value: 1\n';
    const r = applyEdits(input, [remove('items', 0, 'name')]);
    expect(r.text).toBe(input);
    expect(r.skipped).toHaveLength(1);
  });

  it('skips a rename onto a key the mapping already has', () => {
    const input = 'server:\n  tiemout: 30s\n  timeout: 10s\n';
    const r = applyEdits(input, [
      { file: F, target: { path: ['server', 'tiemout'] }, op: 'rename', to: 'timeout' },
    ]);
    expect(r.text).toBe(input);
    expect(r.skipped[0].reason).toMatch(/already has "timeout"/);
  });

  it('skips a target that is not there and a file that does not parse', () => {
    expect(applyEdits('a: 1\n', [remove('b')]).skipped[0].reason).toMatch(/not in the file/);
    expect(applyEdits('a: [\n', [remove('a')]).skipped[0].reason).toMatch(/parse/);
  });
});

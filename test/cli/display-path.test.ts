/** displayPath: relative inside cwd (a name starting with `..` included), absolute outside it. */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayPath } from '../../src/cli/run-synth.js';

describe('displayPath', () => {
  const cwd = resolve('/work/project');
  it('a file inside cwd whose name starts with ".." is shown relative', () => {
    expect(displayPath(cwd, join(cwd, '..foo', 'cdk.tf.json'))).toBe(join('..foo', 'cdk.tf.json'));
    expect(displayPath(cwd, join(cwd, '..stack'))).toBe('..stack');
  });
  it('a file outside cwd, or cwd itself, is shown as given', () => {
    expect(displayPath(cwd, resolve('/work/other/x.json'))).toBe(resolve('/work/other/x.json'));
    expect(displayPath(cwd, cwd)).toBe(cwd);
  });
});

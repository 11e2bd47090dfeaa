import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/fix/unified-diff.js';
import { tempDir } from '../helpers/cli.js';
import { requireExecutable } from '../helpers/prerequisites.js';

const PATCH = requireExecutable('patch', 'GNU patch (apt-get install patch)');
const tmp = tempDir('exportctl-diff-');
afterAll(() => tmp.cleanup());

/** Applies our diff with GNU patch (a real consumer of the format) and returns the result. */
function patched(before: string, diff: string): string {
  const f = join(tmp.dir, 'f.yaml');
  writeFileSync(f, before);
  execFileSync(PATCH, ['--silent', '--force', f], { input: diff });
  return readFileSync(f, 'utf8');
}

describe('unifiedDiff', () => {
  it('prints one hunk with 3 lines of context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', ''].join('\n');
    const after = ['a', 'b', 'c', 'd', 'f', 'g', 'h', ''].join('\n');
    expect(unifiedDiff('x.yaml', before, after)).toBe(
      ['--- a/x.yaml', '+++ b/x.yaml', '@@ -2,7 +2,6 @@', ' b', ' c', ' d', '-e', ' f', ' g', ' h', ''].join(
        '\n',
      ),
    );
  });

  it('is empty for equal texts', () => {
    expect(unifiedDiff('x', 'a\n', 'a\n')).toBe('');
  });

  it('GNU patch turns before into after (property, bounded)', () => {
    const lines = fc.array(fc.constantFrom('a: 1', 'b: 2', '  c: 3', '# note', '', 'd: "x"'), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(lines, lines, fc.boolean(), fc.boolean(), (a, b, nlA, nlB) => {
        const before = a.join('\n') + (nlA && a.length > 0 ? '\n' : '');
        const after = b.join('\n') + (nlB && b.length > 0 ? '\n' : '');
        const d = unifiedDiff('f.yaml', before, after);
        if (before === after) return d === '';
        return patched(before, d) === after;
      }),
      { numRuns: 50, seed: 19 },
    );
  });
});

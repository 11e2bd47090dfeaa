/** The run's temp directory (test/global-setup.ts): every temp dir of the suite lives inside it. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/cli.js';

describe('temp dirs of a test run', () => {
  it('are made inside the run directory, in this process and in children', () => {
    const run = tmpdir();
    expect(basename(run)).toMatch(/^exportctl-run-/);
    const t = tempDir();
    expect(t.dir.startsWith(`${run}/`)).toBe(true);
    t.cleanup();
    expect(existsSync(t.dir)).toBe(false);
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("os").tmpdir())'], {
      encoding: 'utf8',
    });
    expect(child.stdout).toBe(run);
  });
});

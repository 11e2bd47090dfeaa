/** `exportctl init` and `.gitignore`: created, completed, never rewritten. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gitignoreText, IGNORED_PATHS } from '../../src/init/gitignore.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('gitignoreText', () => {
  it('a new file holds every path; a complete one is left alone', () => {
    const text = gitignoreText(undefined)!;
    for (const p of IGNORED_PATHS) expect(text.split('\n')).toContain(p);
    expect(gitignoreText(text)).toBeUndefined();
    expect(gitignoreText('exports\n.exportctl/\n/cdktf.out\n')).toBeUndefined();
  });

  it('appends only the missing lines, keeping what was there byte for byte', () => {
    const existing = 'node_modules\n/exports/';
    const text = gitignoreText(existing)!;
    expect(text.startsWith(`${existing}\n`)).toBe(true);
    expect(text.match(/exports/g)).toHaveLength(2); // the user's line and the heading's word
    expect(text).toContain('/.exportctl/\n/cdktf.out/\n');
  });
});

describe('exportctl init', () => {
  it('creates .gitignore, names it, and check stays clean', () => {
    const dir = join(tmp.dir, 'fresh');
    const r = runCli(['init', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  .gitignore (created)\n');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe(gitignoreText(undefined));
    expect(runCli(['check'], { cwd: dir }).code).toBe(0);
  });

  it('completes an existing .gitignore, and leaves a complete one untouched (also with --force)', () => {
    const dir = join(tmp.dir, 'existing');
    mkdirSync(dir);
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
    const r = runCli(['init', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  .gitignore (lines appended)\n');
    const after = readFileSync(join(dir, '.gitignore'), 'utf8');
    expect(after).toBe(gitignoreText('node_modules/\n'));
    const again = runCli(['init', '--force', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('.gitignore');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe(after);
  });

  it('"Next:" names a command that works the way exportctl was run', () => {
    const dir = join(tmp.dir, 'next');
    const r = runCli(['init', dir]);
    // Run as a script (a checkout): the script itself, since no exportctl is on PATH.
    expect(r.stdout).toContain(`Next: cd ${dir} && node ${CLI} check\n`);
    const [, cmd] = /Next: cd .* && (.*)\n/.exec(r.stdout)!;
    const run = spawnSync('sh', ['-c', cmd], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.stdout).toMatch(/no problems/);
    expect(run.status).toBe(0);
  });
});

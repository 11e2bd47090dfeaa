/**
 * `--output FILE` of check, drift and deps replaces a regular file or nothing: never a
 * device, a FIFO or a directory, and its temporary file is created exclusively under an
 * unguessable name, so a link planted beside the target is never followed.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE, hasStackTrace, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('exportctl-output-');
afterAll(() => tmp.cleanup());

describe.each([['check'], ['drift'], ['deps']])('%s --output', (command) => {
  it('refuses a FIFO and a directory without touching them (exit 2)', () => {
    const dir = join(tmp.dir, command);
    mkdirSync(dir);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    for (const target of [fifo, sub]) {
      const r = runCli([command, '--output', target], { cwd: EXAMPLE });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not a regular file; nothing was written/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(lstatSync(sub).isDirectory()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['fifo', 'sub']);
  });

  it('refuses /dev/null, which stays a device', () => {
    const r = runCli([command, '--output', '/dev/null'], { cwd: EXAMPLE });
    expect(r.code).toBe(2);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('replaces a regular file and leaves no temporary file or followed link', () => {
    const dir = join(tmp.dir, `${command}-ok`);
    mkdirSync(dir);
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    // Links named like the old predictable temporary files: none of them may be written through.
    for (let i = 0; i < 5; i++) symlinkSync(victim, join(dir, `.${i}.exportctl.tmp`));
    const out = join(dir, 'report.json');
    writeFileSync(out, 'old');
    const r = runCli([command, '--format', 'json', '--output', out], { cwd: EXAMPLE });
    expect([0, 1]).toContain(r.code);
    expect(() => JSON.parse(readFileSync(out, 'utf8'))).not.toThrow();
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(
      readdirSync(dir).filter(
        (f) => f.endsWith('.exportctl.tmp') && !lstatSync(join(dir, f)).isSymbolicLink(),
      ),
    ).toEqual([]);
  });
});

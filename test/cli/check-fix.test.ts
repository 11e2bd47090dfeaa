import {
  cpSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BROKEN, EXAMPLE, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('exportctl-fix-');
afterAll(() => tmp.cleanup());

let n = 0;
/** A copy of the example project with one problem of each fixable kind written into it. */
function brokenProject(): string {
  const dir = join(tmp.dir, `p${n++}`);
  cpSync(EXAMPLE, dir, { recursive: true });
  mkdirSync(join(dir, '.git')); // its own confinement root
  const prod = join(dir, 'config/envs/prod.yaml');
  writeFileSync(prod, `${readFileSync(prod, 'utf8')}server:\n  timeout: 30s   # restates the base\n`);
  const manifest = join(dir, 'exportctl.yaml');
  writeFileSync(
    manifest,
    readFileSync(manifest, 'utf8')
      .replace(
        '      reason: dev listens on loopback only\n',
        '      reason: dev listens on loopback only\n    - path: no.such.key\n      reason: stale\n',
      )
      .concat('  - rule: server/nope   # mistyped rule\n    reason: never matches\n'),
  );
  const base = join(dir, 'config/base.yaml');
  writeFileSync(base, readFileSync(base, 'utf8').replace('  port: 8080\n', '  prot: 8080\n'));
  return dir;
}

const FILES = ['config/base.yaml', 'config/envs/prod.yaml', 'config/envs/dev.yaml', 'exportctl.yaml'];
const snapshot = (dir: string) =>
  Object.fromEntries(FILES.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

describe('check --fix / --fix-dry-run', () => {
  it('--fix-dry-run prints the diff and leaves every file byte-identical', () => {
    const dir = brokenProject();
    const before = snapshot(dir);
    const r = runCli(['check', '--fix-dry-run'], { cwd: dir });
    expect(snapshot(dir)).toEqual(before);
    expect(r.stdout).toContain('--- a/config/envs/prod.yaml\n+++ b/config/envs/prod.yaml\n');
    expect(r.stdout).toContain('-server:\n-  timeout: 30s   # restates the base\n');
    expect(r.stdout).toContain('-  prot: 8080\n+  port: 8080\n');
    expect(r.stdout).toContain('-    - path: no.such.key\n-      reason: stale\n');
    expect(r.stdout).toContain('-  - rule: server/nope   # mistyped rule\n-    reason: never matches\n');
    expect(r.stderr).toContain('4 fixes would be applied; nothing was written');
    // The report is the unfixed one.
    expect(r.stdout).toMatch(/drift\/redundant-override/);
    expect(r.code).toBe(1);
  });

  it('--fix applies every safe fix byte for byte, reports what remains, and a second run changes nothing', () => {
    const dir = brokenProject();
    const prodMode = 0o640;
    chmodSync(join(dir, 'config/envs/prod.yaml'), prodMode);
    const r = runCli(['check', '--fix'], { cwd: dir });
    expect(r.stderr).toContain('--fix: applied 4 fixes in 3 files; checked again');
    expect(r.stdout).toMatch(/no problems/);
    expect(r.code).toBe(0);
    const fixed = snapshot(dir);
    expect(fixed['config/envs/prod.yaml']).toBe(readFileSync(join(EXAMPLE, 'config/envs/prod.yaml'), 'utf8'));
    expect(fixed['config/base.yaml']).toBe(readFileSync(join(EXAMPLE, 'config/base.yaml'), 'utf8'));
    expect(fixed['exportctl.yaml']).toBe(readFileSync(join(EXAMPLE, 'exportctl.yaml'), 'utf8'));
    expect(statSync(join(dir, 'config/envs/prod.yaml')).mode & 0o777).toBe(prodMode);
    const again = runCli(['check', '--fix'], { cwd: dir });
    expect(again.stderr).toContain('--fix: nothing to fix');
    expect(snapshot(dir)).toEqual(fixed);
  });

  it('never writes outside the project: an overlay linked to a file outside is refused', () => {
    const dir = brokenProject();
    const outside = join(tmp.dir, `outside${n}`);
    mkdirSync(outside);
    const target = join(outside, 'prod.yaml');
    const text = `${readFileSync(join(EXAMPLE, 'config/envs/prod.yaml'), 'utf8')}server:\n  timeout: 30s\n`;
    writeFileSync(target, text);
    const prod = join(dir, 'config/envs/prod.yaml');
    rmSync(prod);
    symlinkSync(target, prod);
    // The loader may read it (allow_outside_paths); the fixer still refuses to write it.
    const manifest = join(dir, 'exportctl.yaml');
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8').replace(
        'reference: prod',
        `reference: prod\nallow_outside_paths: [${JSON.stringify(outside)}]`,
      ),
    );
    const r = runCli(['check', '--fix'], { cwd: dir });
    expect(r.stderr).toMatch(/config\/envs\/prod\.yaml: outside the project; not written/);
    expect(readFileSync(target, 'utf8')).toBe(text);
    // What remains is reported: the redundant override in the file it did not write (a warning).
    expect(r.stdout).toMatch(/prod\.yaml.*drift\/redundant-override/);
    expect(r.stdout).not.toMatch(/schema\/invalid|waiver\/unused|drift\/unused-allow/);
    expect(r.code).toBe(0);
  });

  it('shows suggestions under the finding in text output and never applies them', () => {
    const dir = join(tmp.dir, `s${n++}`);
    cpSync(BROKEN, dir, { recursive: true });
    mkdirSync(join(dir, '.git'));
    const r = runCli(['check', '--fix'], { cwd: dir });
    expect(r.stdout).toMatch(
      /bare number 300 [^\n]*\n {4}suggestion: write 300ms\n {4}suggestion: write 300s\n/,
    );
    expect(readFileSync(join(dir, 'config/envs/dev.yaml'), 'utf8')).toMatch(/^ {2}timeout: 300 /m);
    // The safe rename was applied, the suggestion was not.
    expect(readFileSync(join(dir, 'config/envs/dev.yaml'), 'utf8')).toMatch(/^ {2}timeout: 10s /m);
  });

  it('refuses --fix with --fix-dry-run', () => {
    const r = runCli(['check', '--fix', '--fix-dry-run'], { cwd: EXAMPLE });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/choose one of --fix and --fix-dry-run/);
  });
});

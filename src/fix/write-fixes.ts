/**
 * Plans and writes `check --fix`: the safe edits of the findings, grouped by file, applied to
 * each file's text (apply-edits.ts), and written atomically (temp file + rename, mode kept).
 * Only files inside the project root are touched, judged as written and through symbolic
 * links: an overlay linked to a file outside the project is refused, never written.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { isInside } from '../config/confinement.js';
import type { Finding } from '../diagnostics/finding.js';
import type { FixEdit } from '../diagnostics/fix.js';
import { applyEdits } from './apply-edits.js';

export interface FilePlan {
  /** Absolute path as the findings name it. */
  file: string;
  /** Where it is written (symbolic links resolved). */
  target: string;
  before: string;
  after: string;
  applied: FixEdit[];
  skipped: { edit: FixEdit; reason: string }[];
}

export interface FixPlan {
  files: FilePlan[];
  /** Files not touched, with the reason (outside the project, unreadable). */
  refused: { file: string; reason: string }[];
}

function realOr(p: string): string | undefined {
  try {
    return realpathSync.native(p);
  } catch {
    return undefined;
  }
}

/** The edits `--fix` would make for these findings, file by file; reads, never writes. */
export function planFixes(findings: readonly Finding[], root: string): FixPlan {
  const byFile = new Map<string, FixEdit[]>();
  for (const f of findings) {
    if (!f.fix) continue;
    const list = byFile.get(f.fix.file) ?? [];
    list.push(f.fix);
    byFile.set(f.fix.file, list);
  }
  const realRoot = realOr(root) ?? root;
  const plan: FixPlan = { files: [], refused: [] };
  for (const [file, edits] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const target = realOr(file);
    if (!isInside(root, file) || !target || !isInside(realRoot, target)) {
      plan.refused.push({ file, reason: 'outside the project; not written' });
      continue;
    }
    let before: string;
    try {
      if (!statSync(target).isFile()) throw new Error('not a regular file');
      before = readFileSync(target, 'utf8');
    } catch (err) {
      plan.refused.push({ file, reason: `cannot read it (${(err as Error).message.split('\n')[0]})` });
      continue;
    }
    const r = applyEdits(before, edits);
    plan.files.push({ file, target, before, after: r.text, applied: r.applied, skipped: r.skipped });
  }
  return plan;
}

/** Writes each changed file of the plan atomically, keeping its mode. Returns the files written. */
export function writeFixes(plan: FixPlan): string[] {
  const written: string[] = [];
  for (const p of plan.files) {
    if (p.after === p.before) continue;
    const mode = statSync(p.target).mode & 0o7777;
    const tmp = join(
      dirname(p.target),
      `.${basename(p.target)}.${randomBytes(6).toString('hex')}.exportctl-fix`,
    );
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, p.after);
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      unlinkSync(tmp);
      throw err;
    }
    closeSync(fd);
    chmodSync(tmp, mode);
    renameSync(tmp, p.target);
    written.push(p.file);
  }
  return written;
}

/** A file's name relative to the root, POSIX separators (for diffs and messages). */
export function relativeName(root: string, file: string): string {
  return relative(root, file).split('\\').join('/');
}

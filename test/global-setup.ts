/**
 * One temp directory per test run. Every test, helper and child process makes its temp dirs
 * through os.tmpdir(), which reads TMPDIR: pointing TMPDIR at the run's directory keeps them
 * all in one place, removed at teardown. A run that was aborted (Ctrl-C, a killed CI job)
 * cannot tear down, so each run first removes the run directories left over for over a day.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'exportctl-run-';
const STALE_MS = 24 * 60 * 60 * 1000;

export default function setup(): () => void {
  const parent = tmpdir();
  const run = mkdtempSync(join(parent, PREFIX));
  // PostgreSQL runs as the `postgres` user and must reach its data dir inside.
  chmodSync(run, 0o755);
  removeStaleRuns(parent, run);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = run;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(run, { recursive: true, force: true });
  };
}

/** Ages are measured against the new run's own mtime, so a faked clock (faketime) cannot skew them. */
function removeStaleRuns(parent: string, current: string): void {
  const now = statSync(current).mtimeMs;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(parent, name);
    if (dir === current) continue;
    try {
      if (now - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Removed meanwhile by its own run: nothing to do.
    }
  }
}

/** Child-process tests run the built CLI: build once when dist is missing or older than src. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, REPO } from './cli.js';

function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

export function ensureBuilt(): void {
  if (fs.existsSync(CLI) && fs.statSync(CLI).mtimeMs >= newest(path.join(REPO, 'src'))) return;
  execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
}

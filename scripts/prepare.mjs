#!/usr/bin/env node
// npm `prepare`: builds dist/ (the `bin` is dist/bundle/exportctl.mjs, and dist/ is not in git)
// whenever exportctl is installed from a git checkout — pre-commit's `language: node` hook,
// `npm install github:…` — or packed and published. It writes nothing on stdout: pre-commit
// 3.0.x takes `npm pack`'s stdout as the tarball's file name (see also .npmrc).
//
// The build names its steps on stderr. With foreground-scripts=false (.npmrc) npm captures a
// script's output and shows it only when the script fails, so `npm ci`/`npm install` would
// sit silent for the build's minute or two: for those commands the progress goes to the
// terminal (/dev/tty) when there is one. CI has none and runs `npm ci --foreground-scripts`.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

try {
  createRequire(join(root, 'package.json')).resolve('typescript');
} catch {
  // `npm ci --omit=dev` in a checkout: nothing to build with; say so where it cannot break a pipe.
  process.stderr.write('exportctl prepare: devDependencies not installed, skipping the build\n');
  process.exit(0);
}

const npm = process.env.npm_execpath;
const [cmd, args] =
  npm && /\.[cm]?js$/.test(npm)
    ? [process.execPath, [npm, 'run', '--silent', 'build']]
    : ['npm', ['run', '--silent', 'build']];
const progress = terminalForProgress();
const r = spawnSync(cmd, args, {
  cwd: root,
  stdio: ['ignore', progress ?? process.stderr, progress ?? process.stderr],
  shell: process.platform === 'win32' && cmd === 'npm',
});
if (progress !== undefined) closeSync(progress);
if (r.error) process.stderr.write(`exportctl prepare: ${r.error.message}\n`);
process.exit(r.status ?? 1);

/** The terminal, for `npm ci`/`npm install` whose captured stderr nobody sees; else undefined. */
function terminalForProgress() {
  if (process.stderr.isTTY || !['ci', 'install'].includes(process.env.npm_command ?? '')) return undefined;
  try {
    return openSync('/dev/tty', 'w');
  } catch {
    return undefined; // no terminal (CI, a service): stderr, shown by npm if the build fails
  }
}

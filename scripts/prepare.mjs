#!/usr/bin/env node
// npm `prepare`: builds dist/ (the `bin` is dist/bundle/exportctl.mjs, and dist/ is not in git)
// whenever exportctl is installed from a git checkout — pre-commit's `language: node` hook,
// `npm install github:…` — or packed and published. It writes nothing on stdout: pre-commit
// 3.0.x takes `npm pack`'s stdout as the tarball's file name (see also .npmrc).
import { spawnSync } from 'node:child_process';
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
const r = spawnSync(cmd, args, {
  cwd: root,
  stdio: ['ignore', process.stderr, process.stderr],
  shell: process.platform === 'win32' && cmd === 'npm',
});
if (r.error) process.stderr.write(`exportctl prepare: ${r.error.message}\n`);
process.exit(r.status ?? 1);

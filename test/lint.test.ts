import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO } from './helpers/cli.js';

it('biome lint passes and the overlay schema is generated from the current base schema', () => {
  const lint = spawnSync(join(REPO, 'node_modules/.bin/biome'), ['lint', '--max-diagnostics=20', '.'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  expect(lint.stdout + lint.stderr).not.toMatch(/Found \d+ error/);
  expect(lint.status).toBe(0);
  const overlay = spawnSync(process.execPath, ['scripts/build-overlay-schema.mjs', '--check'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  expect(overlay.stderr).toBe('');
  expect(overlay.status).toBe(0);
});

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO, 'dist', 'bundle', 'exportctl.mjs');
export const EXAMPLE = join(REPO, 'examples', 'orders-export');
export const BROKEN = join(REPO, 'examples', 'broken');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built CLI (`npm test` builds first) as a user would. */
export function runCli(args: string[], opts: SpawnSyncOptions & { cwd?: string } = {}): CliRun {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    ...opts,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...(opts.env ?? {}) },
  });
  return {
    code: r.status ?? -1,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    ms: performance.now() - t0,
  };
}

export function tempDir(prefix = 'exportctl-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** True when stderr/stdout look like a Node stack trace. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+:\d+:\d+\)?/.test(text) || /node:internal/.test(text);
}

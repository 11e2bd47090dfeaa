/**
 * Nothing lost, nothing half: `exportctl export` killed with SIGKILL at random points of a
 * large export, then resumed, writes a file byte-identical to an uninterrupted run, and
 * no file ever appears at the final path before the job succeeds.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI, REPO, runCli } from '../helpers/cli.js';
import { ensureBuilt } from '../helpers/build.js';
import { type ExportProject, exportProject } from '../helpers/export-project.js';

const ROWS = 300_000;
let work: string;
let project: ExportProject;

beforeAll(() => {
  ensureBuilt();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-crash-'));
  const db = path.join(work, 'orders.db');
  execFileSync(process.execPath, [
    path.join(REPO, 'scripts', 'seed-example.mjs'),
    '--rows',
    String(ROWS),
    '--out',
    db,
  ]);
  project = exportProject(db);
}, 120_000);

afterAll(() => {
  project?.cleanup();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function partials(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.partial')) : [];
}

/**
 * Starts an export and SIGKILLs it once its partial file holds at least `killAt` bytes (and,
 * with `afterCheckpoint`, once a checkpoint beside it is on disk: a fast reader can write
 * megabytes before its first background fsync completes, and the test needs one kill that
 * leaves a checkpoint to resume from).
 */
async function runAndKill(
  args: string[],
  outDir: string,
  killAt: number,
  afterCheckpoint = false,
): Promise<'killed' | 'finished'> {
  const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
    cwd: project.dir,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let killed = false;
  const poll = setInterval(() => {
    for (const f of partials(outDir)) {
      const size = fs.statSync(path.join(outDir, f), { throwIfNoEntry: false })?.size ?? 0;
      const checkpointed = !afterCheckpoint || fs.existsSync(path.join(outDir, `${f}.checkpoint`));
      if (size >= killAt && checkpointed && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    }
  }, 2);
  const code = await exited;
  clearInterval(poll);
  if (killed) return 'killed';
  expect(code).toBe(0);
  return 'finished';
}

it('resumes after SIGKILL at random points into a byte-identical file, never leaving one at the final path', async () => {
  const outDir = path.join(project.dir, 'out');
  fs.mkdirSync(outDir);
  const reference = path.join(outDir, 'reference.csv');
  const ref = runCli(['export', '--env', 'dev', '--full', '--out', reference, '--format', 'json'], {
    cwd: project.dir,
  });
  expect(ref.stderr).not.toContain('"level":"error"');
  expect(ref.code).toBe(0);
  const refSize = fs.statSync(reference).size;
  expect(JSON.parse(ref.stdout)).toMatchObject({ rows: ROWS, sha256: sha256(reference) });

  const target = path.join(outDir, 'crashed.csv');
  // Random kill points, increasing, spread over the file, seeded so that a failure can be
  // replayed: the seed is logged before it is used; EXPORTCTL_CRASH_SEED=N runs with seed N.
  const initialSeed = crashSeed();
  console.log(`crash test seed ${initialSeed} (replay: EXPORTCTL_CRASH_SEED=${initialSeed})`);
  let seed = initialSeed;
  const rand = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  const points = [0.1, 0.3, 0.55, 0.8].map((f) => Math.floor(refSize * (f + rand() * 0.15)));
  let kills = 0;
  for (const [i, at] of points.entries()) {
    const args = ['export', '--env', 'dev', '--full', '--out', target];
    if (i > 0) args.push('--resume');
    const outcome = await runAndKill(args, outDir, at, i === points.length - 1);
    if (outcome === 'finished') break;
    kills++;
    expect(
      fs.existsSync(target),
      `final file after kill ${i + 1} (EXPORTCTL_CRASH_SEED=${initialSeed})`,
    ).toBe(false);
    expect(fs.existsSync(`${target}.manifest.json`)).toBe(false);
  }
  expect(kills).toBeGreaterThanOrEqual(3);
  const done = runCli(['export', '--env', 'dev', '--full', '--out', target, '--resume', '--format', 'json'], {
    cwd: project.dir,
  });
  expect(done.code).toBe(0);
  // It continued from a checkpoint, not from the start.
  const resumedAt = Number(/resuming job at row (\d+)/.exec(done.stderr)?.[1]);
  expect(resumedAt).toBeGreaterThan(0);
  expect(resumedAt).toBeLessThan(ROWS);
  const summary = JSON.parse(done.stdout);
  expect(summary.rows).toBe(ROWS);
  expect(sha256(target)).toBe(sha256(reference));
  expect(summary.sha256).toBe(sha256(reference));
  const manifest = JSON.parse(fs.readFileSync(`${target}.manifest.json`, 'utf8'));
  expect(manifest).toMatchObject({ rows: ROWS, bytes: refSize, sha256: sha256(reference) });
  expect(partials(outDir)).toEqual([]);
}, 120_000);

/** $EXPORTCTL_CRASH_SEED (a positive integer below 2^31 - 1), else one from the clock. */
function crashSeed(): number {
  const fromEnv = process.env.EXPORTCTL_CRASH_SEED;
  if (fromEnv === undefined || fromEnv === '') return 1 + (Date.now() % 100_000);
  const n = Number(fromEnv);
  if (!Number.isInteger(n) || n < 1 || n >= 2147483647)
    throw new Error(`EXPORTCTL_CRASH_SEED=${fromEnv}: expected an integer from 1 to 2147483646`);
  return n;
}

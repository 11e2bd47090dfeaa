/** Service tests: a seeded project on disk, `serve` processes, and small HTTP helpers. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { CLI, EXAMPLE, REPO } from '../helpers/cli.js';

export const TOKENS = {
  EXPORTCTL_TOKENS: 'alice:alice-token,bob:bob-token',
  EXPORTCTL_ADMIN_TOKENS: 'ops:ops-token',
};
export const ALICE = { authorization: 'Bearer alice-token' };
export const BOB = { authorization: 'Bearer bob-token' };
export const OPS = { authorization: 'Bearer ops-token' };

const seeded = new Map<number, string>();

/** A seeded orders database of `rows` rows, shared by the tests of one file. */
export function seededDb(rows: number): string {
  const cached = seeded.get(rows);
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-svcdb-'));
  const db = path.join(dir, 'orders.db');
  execFileSync(process.execPath, [
    path.join(REPO, 'scripts', 'seed-example.mjs'),
    '--rows',
    String(rows),
    '--out',
    db,
  ]);
  seeded.set(rows, db);
  return db;
}

export interface ServiceProject {
  dir: string;
  /** Deep-patches config/envs/dev.yaml. */
  patchDev(patch: Record<string, unknown>): void;
  writeDev(text: string): void;
  readDev(): string;
  outDir: string;
  cleanup(): void;
}

type Obj = Record<string, unknown>;
function merge(a: unknown, b: unknown): unknown {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Obj = { ...(a as Obj) };
    for (const [k, v] of Object.entries(b as Obj)) out[k] = merge(out[k], v);
    return out;
  }
  return b;
}

/** A copy of examples/orders-export on `db` (a copy of the file, so tests may move it away). */
export function serviceProject(db: string, devPatch: Obj = {}): ServiceProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-svc-'));
  // the whole project (manifest, configs, packs, matrix, requirements), without its data and outputs
  const skip = new Set(['data', 'exports', '.exportctl'].map((d) => path.join(EXAMPLE, d)));
  fs.cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !skip.has(src) });
  fs.mkdirSync(path.join(dir, 'data'));
  // Tests set service settings in dev alone; that is drift from prod, which is not what they test.
  const manifest = path.join(dir, 'exportctl.yaml');
  fs.writeFileSync(
    manifest,
    fs
      .readFileSync(manifest, 'utf8')
      .replace(
        '    export/chunk-size: error',
        '    export/chunk-size: error\n    drift/unexpected: "off"\n    drift/missing: "off"',
      ),
  );
  fs.copyFileSync(db, path.join(dir, 'data', 'orders.db'));
  const devFile = path.join(dir, 'config', 'envs', 'dev.yaml');
  const p: ServiceProject = {
    dir,
    outDir: path.join(dir, 'exports'),
    patchDev(patch) {
      fs.writeFileSync(devFile, YAML.stringify(merge(YAML.parse(fs.readFileSync(devFile, 'utf8')), patch)));
    },
    writeDev: (text) => fs.writeFileSync(devFile, text),
    readDev: () => fs.readFileSync(devFile, 'utf8'),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  if (Object.keys(devPatch).length > 0) p.patchDev(devPatch);
  return p;
}

export const sha256File = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  logs(): string;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Starts `exportctl serve --env dev --port 0` and waits for its "listening" line. */
export async function spawnServe(
  project: string,
  env: NodeJS.ProcessEnv = {},
  extra: string[] = [],
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--env', 'dev', '--port', '0', '--metrics-port', 'off', ...extra],
    { cwd: project, env: { ...process.env, ...TOKENS, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let text = '';
  child.stderr!.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitForLog = async (pattern: RegExp, timeoutMs = 30_000) => {
    const t0 = Date.now();
    for (;;) {
      const m = pattern.exec(text);
      if (m) return m[0];
      if (child.exitCode !== null || Date.now() - t0 > timeoutMs)
        throw new Error(`no ${pattern} in serve's log (exit ${child.exitCode}):\n${text}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const line = await waitForLog(/^.*"msg":"listening".*$/m);
  const url = (JSON.parse(line) as { url: string }).url;
  return { child, url, logs: () => text, waitForLog, exited };
}

export async function api(
  url: string,
  method: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{
  status: number;
  headers: Headers;
  json: Record<string, unknown> & { error?: { code: string } };
}> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : {} };
}

/** Polls GET /exports/:id until it is no longer queued or running. */
export async function waitForJob(base: string, id: string, headers = ALICE, timeoutMs = 60_000) {
  const t0 = Date.now();
  for (;;) {
    const r = await api(`${base}/exports/${id}`, 'GET', headers);
    if (r.status === 200 && (r.json.status === 'succeeded' || r.json.status === 'failed')) return r.json;
    if (Date.now() - t0 > timeoutMs) throw new Error(`job ${id} did not finish: ${JSON.stringify(r.json)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/**
 * Waits until the service's shared source check sees the source down (its answer is reused
 * for about a second, so a source that just went away is noticed within that time).
 */
export async function sourceSeenDown(base: string, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const r = await api(`${base}/readyz`, 'GET');
    if ((r.json.checks as { database?: { ok: boolean } } | undefined)?.database?.ok === false) return;
    if (Date.now() - t0 > timeoutMs)
      throw new Error(`the service still sees the source up: ${JSON.stringify(r.json)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

export function partials(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.partial')) : [];
}

/** Waits until some partial file in `dir` holds at least `bytes`. */
export async function waitForPartial(dir: string, bytes: number, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    for (const f of partials(dir)) {
      if ((fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.size ?? 0) >= bytes) return;
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`no partial file of ${bytes} bytes in ${dir}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits until a checkpoint sidecar (`<partial>.checkpoint`) with rows > 0 exists in `dir`. */
export async function waitForSidecar(dir: string, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (!f.endsWith('.partial.checkpoint')) continue;
      try {
        if (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).rows > 0) return;
      } catch {}
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`no checkpoint in ${dir}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

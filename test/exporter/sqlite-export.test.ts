import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportExitCode as exitCodeFor } from '../../src/cli/exit-codes.js';
import { ExportError, runExport, SqliteStateStore } from '../../src/exporter/index.js';
import { testValues } from '../helpers/example-config.js';
import { trickyRows } from './fixtures.js';
import { mountTmpfs } from '../helpers/tmpfs.js';

let dir: string;

function makeDb(file: string, n: number): void {
  const db = new Database(file);
  db.exec(
    'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, note TEXT, amount REAL, qty INTEGER, updated_at TEXT NOT NULL)',
  );
  const ins = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const r of trickyRows(n)) ins.run(...r);
  })();
  db.close();
}

/** CSV parsed by an independent parser; an unquoted empty field is NULL. */
function parseCsv(text: string): Array<Array<string | null>> {
  return parse(text, {
    cast: (value: string, ctx: { quoting: boolean }) => (value === '' && !ctx.quoting ? null : value),
    relax_column_count: false,
  }) as Array<Array<string | null>>;
}

const asText = (v: unknown) => (v === null ? null : String(v));

async function run(overrides: Record<string, unknown> = {}, opts: Record<string, unknown> = {}) {
  return runExport({
    values: testValues(overrides),
    projectRoot: dir,
    env: 'test',
    user: 'alice',
    statePath: path.join(dir, 'state.db'),
    ...opts,
  });
}

async function failure(p: Promise<unknown>): Promise<ExportError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ExportError);
    return err as ExportError;
  }
  throw new Error('expected the export to fail');
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-sqlite-'));
  makeDb(path.join(dir, 'data.db'), 1000);
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SQLite → CSV', () => {
  it('round-trips tricky text through an independent CSV parser', async () => {
    const res = await run();
    expect(res.rows).toBe(1000);
    const text = fs.readFileSync(res.file, 'utf8');
    const parsed = parseCsv(text);
    expect(parsed[0]).toEqual(['id', 'name', 'note', 'amount', 'qty', 'updated_at']);
    const expected = trickyRows(1000).map((r) => r.map(asText));
    expect(parsed.slice(1)).toEqual(expected);
    // PostgreSQL's CSV: NULL empty unquoted, empty string quoted, quoting only when needed.
    expect(text).toContain('\n21,"",');
    expect(text).toMatch(/\n72,plain,/);
    const manifest = JSON.parse(fs.readFileSync(`${res.file}.manifest.json`, 'utf8'));
    expect(manifest).toMatchObject({ rows: 1000, bytes: Buffer.byteLength(text), sha256: res.sha256 });
    expect(manifest.key).toEqual({ column: 'id', first: 3, last: 3000 });
  });

  it('projects, renames and truncates by code points, not UTF-16 units', async () => {
    const res = await run({
      export: { columns: [{ name: 'id' }, { name: 'label', from: 'name', max_length: 3 }] },
    });
    const parsed = parseCsv(fs.readFileSync(res.file, 'utf8'));
    expect(parsed[0]).toEqual(['id', 'label']);
    const byId = new Map(parsed.slice(1).map((r) => [r[0], r[1]]));
    for (const [id, name] of trickyRows(1000).map((r) => [r[0], r[1]] as const)) {
      const want = name === null ? null : [...name].slice(0, 3).join('');
      expect(byId.get(String(id))).toBe(want);
    }
    expect([...byId.values()]).toContain('𠜎𠜱 ');
  });

  it('writes JSONL with native JSON types', async () => {
    const res = await run({ export: { output: { format: 'jsonl' } } });
    const lines = fs.readFileSync(res.file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1000);
    const rows = lines.map((l) => JSON.parse(l));
    const expected = trickyRows(1000).map(([id, name, note, amount, qty, updated_at]) => ({
      id,
      name,
      note,
      amount,
      qty,
      updated_at,
    }));
    expect(rows).toEqual(expected);
  });

  it('writes GBK, replacing and counting characters GBK cannot hold', async () => {
    const res = await run({ export: { output: { encoding: 'gbk', on_unencodable: 'replace' } } });
    const decoded = iconv.decode(fs.readFileSync(res.file), 'gbk');
    const parsed = parseCsv(decoded);
    let replaced = 0;
    const gbkForm = (s: string | null) => {
      if (s === null) return null;
      let out = '';
      for (const ch of s) {
        const ok = iconv.decode(iconv.encode(ch, 'gbk'), 'gbk') === ch;
        if (!ok) replaced++;
        out += ok ? ch : '?';
      }
      return out;
    };
    const expected = trickyRows(1000).map((r) =>
      r.map((v) => (typeof v === 'string' ? gbkForm(v) : asText(v))),
    );
    expect(parsed.slice(1)).toEqual(expected);
    expect(replaced).toBeGreaterThan(0);
    expect(res.replaced).toBe(replaced);
    const manifest = JSON.parse(fs.readFileSync(`${res.file}.manifest.json`, 'utf8'));
    expect(manifest).toMatchObject({ encoding: 'gbk', replaced });
    expect(decoded).toContain('北京市朝阳区');
  });

  it('fails on an unencodable character with its row and column when asked to', async () => {
    const e = await failure(run({ export: { output: { encoding: 'gbk', on_unencodable: 'fail' } } }));
    expect(e.code).toBe('UNENCODABLE_CHARACTER');
    // Row 15 (id 45) is the first whose name holds an emoji.
    const first = trickyRows(1000).findIndex((r) =>
      [r[1], r[2]].some((v) => v !== null && iconv.decode(iconv.encode(v, 'gbk'), 'gbk') !== v),
    );
    expect(e.details.row).toBe(first + 1);
    expect(['name', 'note']).toContain(e.details.column);
    expect(exitCodeFor(e.code)).toBe(4);
    expect(fs.readdirSync(path.join(dir, 'out')).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('GB18030 holds every character', async () => {
    const res = await run({ export: { output: { encoding: 'gb18030', on_unencodable: 'fail' } } });
    const decoded = iconv.decode(fs.readFileSync(res.file), 'gb18030');
    expect(parseCsv(decoded).slice(1)).toEqual(trickyRows(1000).map((r) => r.map(asText)));
    expect(res.replaced).toBe(0);
  });

  it('exports a query source in key order', async () => {
    const res = await run({
      export: { source: { table: null, query: 'SELECT id, name FROM items WHERE qty = 2', key: 'id' } },
    });
    const parsed = parseCsv(fs.readFileSync(res.file, 'utf8'));
    const want = trickyRows(1000).filter((r) => r[4] === 2);
    expect(parsed.slice(1).map((r) => r[0])).toEqual(want.map((r) => String(r[0])));
  });
});

describe('incremental runs', () => {
  it('exports only rows past the high-water mark, behind the safety lag', async () => {
    const inc = { export: { source: { incremental: { column: 'updated_at', type: 'timestamp' } } } };
    const first = await run(inc);
    expect(first.rows).toBe(1000);
    const db = new Database(path.join(dir, 'data.db'));
    // Same cursor as the last exported row but a greater key; a later cursor; one in the future.
    db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)').run(
      5000,
      'same cursor',
      null,
      1,
      1,
      '2024-01-02 00:16:40',
    );
    db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)').run(
      5001,
      'later',
      null,
      1,
      1,
      '2024-06-01 00:00:00',
    );
    db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)').run(
      5002,
      'future',
      null,
      1,
      1,
      '2999-01-01 00:00:00',
    );
    db.close();
    const second = await run(inc);
    const parsed = parseCsv(fs.readFileSync(second.file, 'utf8'));
    expect(parsed.slice(1).map((r) => r[1])).toEqual(['same cursor', 'later']);
    const manifest = JSON.parse(fs.readFileSync(`${second.file}.manifest.json`, 'utf8'));
    expect(manifest.cursor).toEqual({
      column: 'updated_at',
      min: '2024-01-02 00:16:40',
      max: '2024-06-01 00:00:00',
    });
    const third = await run(inc);
    expect(third.rows).toBe(0);
    const full = await run(inc, { full: true });
    expect(full.rows).toBe(1002);
  });
});

describe('limits', () => {
  it('fails past max_rows with ROW_LIMIT_EXCEEDED and leaves no file', async () => {
    const e = await failure(run({ export: { limits: { max_rows: 999 } } }));
    expect(e.code).toBe('ROW_LIMIT_EXCEEDED');
    expect(exitCodeFor(e.code)).toBe(4);
    expect(fs.readdirSync(path.join(dir, 'out'))).toEqual([]);
  });

  it('refuses the 4th export of a user within an hour with RATE_LIMITED and when to retry', async () => {
    const limits = { export: { limits: { per_user_per_hour: 3 } } };
    let clock = Date.UTC(2025, 0, 1, 12, 0, 0);
    const now = () => clock;
    for (let i = 0; i < 3; i++) {
      await run(limits, { now });
      clock += 60_000;
    }
    const e = await failure(run(limits, { now }));
    expect(e.code).toBe('RATE_LIMITED');
    expect(exitCodeFor(e.code)).toBe(3);
    expect(e.details.retryAt).toBe(new Date(Date.UTC(2025, 0, 1, 13, 0, 0)).toISOString());
    expect(e.details.retryAfterSeconds).toBe(57 * 60);
    // Another user is not affected; the same user may export again after the hour.
    await run(limits, { now, user: 'bob' });
    clock = Date.UTC(2025, 0, 1, 13, 0, 1);
    await run(limits, { now });
  });

  it('does not count a request that failed before its job started against the hourly limit', async () => {
    const limits = { export: { limits: { per_user_per_hour: 1 } } };
    const user = 'carol';
    // A column the table lacks: refused before a job exists, three times over.
    const broken = { export: { ...limits.export, columns: [{ name: 'id' }, { name: 'missing' }] } };
    for (let i = 0; i < 3; i++) {
      expect((await failure(run(broken, { user }))).code).toBe('CONFIG_INVALID');
    }
    // The one export of the hour is still there; the next one is refused.
    await run(limits, { user });
    expect((await failure(run(limits, { user }))).code).toBe('RATE_LIMITED');
  });

  it('refuses a new job above the disk breaker and stops a running one, resumable', async () => {
    const e = await failure(run({}, { diskUsage: () => 0.9 }));
    expect(e.code).toBe('DISK_BREAKER_OPEN');
    expect(exitCodeFor(e.code)).toBe(3);
    expect(fs.existsSync(path.join(dir, 'out')) ? fs.readdirSync(path.join(dir, 'out')) : []).toEqual([]);

    let calls = 0;
    // Below the breaker at the start, above it at the first checkpoint.
    const probe = () => (++calls === 1 ? 0.5 : 0.95);
    const stopped = await failure(
      run(
        { export: { chunk_size: 10, queue: { capacity: 10 } } },
        { diskUsage: probe, checkpointIntervalMs: 0 },
      ),
    );
    expect(stopped.code).toBe('DISK_BREAKER_OPEN');
    expect(fs.readdirSync(path.join(dir, 'out')).filter((f) => !f.startsWith('.'))).toEqual([]);
    const resumed = await run(
      { export: { chunk_size: 10, queue: { capacity: 10 } } },
      { resume: true, diskUsage: () => 0.5 },
    );
    expect(resumed.resumed).toBe(true);
    const fresh = await run(
      { export: { chunk_size: 10, queue: { capacity: 10 } } },
      { diskUsage: () => 0.5, out: path.join(dir, 'fresh.csv') },
    );
    expect(resumed.sha256).toBe(fresh.sha256);
  });

  it('stops at export.timeout with TIMEOUT', async () => {
    makeDb(path.join(dir, 'big.db'), 200_000);
    const e = await failure(
      run({
        database: { url: 'sqlite:big.db' },
        export: { timeout: '50ms', chunk_size: 100, queue: { capacity: 100 } },
      }),
    );
    expect(e.code).toBe('TIMEOUT');
    expect(exitCodeFor(e.code)).toBe(4);
    expect(fs.readdirSync(path.join(dir, 'out')).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('fails with DISK_FULL on a full filesystem, keeping the partial file for --resume', async () => {
    const mnt = path.join(dir, 'tiny');
    fs.mkdirSync(mnt);
    const tmpfs = mountTmpfs(mnt, '64k');
    try {
      makeDb(path.join(dir, 'big.db'), 20_000);
      const e = await failure(
        run({ database: { url: 'sqlite:big.db' } }, { out: path.join(mnt, 'out.csv'), diskUsage: () => 0 }),
      );
      expect(e.code).toBe('DISK_FULL');
      expect(exitCodeFor(e.code)).toBe(4);
      expect(fs.existsSync(path.join(mnt, 'out.csv'))).toBe(false);
      expect(fs.readdirSync(mnt).some((f) => f.endsWith('.partial'))).toBe(true);
    } finally {
      tmpfs.unmount();
    }
  });

  it('is cancelled by its signal with CANCELLED', async () => {
    const ac = new AbortController();
    ac.abort();
    const e = await failure(run({}, { signal: ac.signal }));
    expect(e.code).toBe('CANCELLED');
  });
});

describe('errors', () => {
  it('reports a missing database as SOURCE_UNAVAILABLE', async () => {
    const e = await failure(run({ database: { url: 'sqlite:missing.db' } }));
    expect(e.code).toBe('SOURCE_UNAVAILABLE');
  });

  it('reports a missing column as CONFIG_INVALID', async () => {
    const e = await failure(run({ export: { columns: [{ name: 'nope' }] } }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(exitCodeFor(e.code)).toBe(1);
  });

  it('reports an unset variable as CONFIG_INVALID without a value', async () => {
    const e = await failure(run({ database: { url: '${EXPORTCTL_TEST_UNSET_URL}' } }, { processEnv: {} }));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('EXPORTCTL_TEST_UNSET_URL');
  });

  it('records jobs in the state store', async () => {
    const res = await run();
    const store = new SqliteStateStore(path.join(dir, 'state.db'));
    const job = await store.getJob(res.job);
    await store.close();
    expect(job).toMatchObject({ status: 'succeeded', user: 'alice', env: 'test' });
    expect(job?.checkpoint.rows).toBe(1000);
  });
});

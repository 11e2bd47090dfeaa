/**
 * Hostile names and values on the PostgreSQL COPY (SELECT …) path: output names that are
 * SQL or JSON syntax, source columns that need quoting, `\.` alone in a one-column CSV,
 * unencodable characters after multi-line fields (the error names the right row and
 * column), names an encoding cannot hold. Each is compared with the JS path's output.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportError, type ExportResult, runExport } from '../../src/exporter/index.js';
import { testValues } from '../helpers/example-config.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

let server: PostgresServer;
let dir: string;
let n = 0;

beforeAll(async () => {
  server = await startPostgres();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exportctl-pgcopy-adv-'));
  server.psql(`CREATE TABLE "we""ird tab" (id int PRIMARY KEY, "a ""col""" text, "B,c" text);
    INSERT INTO "we""ird tab" VALUES
      (1, E'line\\none, "q"', E'\\\\.'),
      (2, E'\\\\.', E'two\\r\\nlines 北京'),
      (3, NULL, E'after "quoted,\\nmulti" 😀 here'),
      (4, '', 'plain')`);
}, 120_000);

afterAll(() => {
  server?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function both(
  exp: Record<string, unknown>,
): Promise<Array<{ result?: ExportResult; text?: string; error?: ExportError }>> {
  const out: Array<{ result?: ExportResult; text?: string; error?: ExportError }> = [];
  for (const allowCopy of [true, false]) {
    const file = path.join(dir, `o${++n}`);
    try {
      const result = await runExport({
        values: testValues({
          database: { driver: 'postgres', url: '${PG_URL}' },
          export: { source: { table: 'we"ird tab', key: 'id' }, ...exp },
        }),
        projectRoot: dir,
        env: 'test',
        rateLimit: false,
        statePath: path.join(dir, 'state.db'),
        processEnv: { PG_URL: server.url },
        out: file,
        allowCopy,
      });
      out.push({ result, text: fs.readFileSync(file, 'latin1') });
    } catch (err) {
      if (!(err instanceof ExportError)) throw err;
      out.push({ error: err });
    }
  }
  return out;
}

describe('PostgreSQL COPY path, hostile names and values', () => {
  it('writes JSON keys that are SQL and JSON syntax exactly as the JS path, the table intact', async () => {
    const evil = `x'); DROP TABLE "we""ird tab"; --`;
    const [copy, js] = await both({
      columns: [
        { name: 'id' },
        { name: evil, from: 'a "col"', max_length: 3 },
        { name: 'back\\slash "q"\n\u0001', from: 'B,c' },
      ],
      output: { format: 'jsonl' },
    });
    expect(copy.result?.path).toBe('parallel-copy');
    expect(js.result?.path).toBe('rows');
    expect(copy.text).toBe(js.text);
    const first = JSON.parse(Buffer.from(copy.text!, 'latin1').toString('utf8').split('\n')[0]);
    expect(first).toEqual({ id: 1, [evil]: 'lin', 'back\\slash "q"\n\u0001': '\\.' });
    expect(server.psql('SELECT count(*) FROM "we""ird tab"').trim()).toBe('4');
  });

  it('quotes `\\.` alone in a one-column CSV, as COPY does', async () => {
    const [copy, js] = await both({ columns: [{ name: 'v', from: 'B,c', max_length: 2 }] });
    expect(copy.result?.path).toBe('parallel-copy');
    expect(copy.text).toBe(js.text);
    expect(Buffer.from(copy.text!, 'latin1').toString('utf8')).toBe('v\n"\\."\ntw\naf\npl\n');
  });

  it('names the row and column of an unencodable character after multi-line fields', async () => {
    for (const format of ['csv', 'jsonl']) {
      const [copy, js] = await both({
        columns: [{ name: 'id' }, { name: 'A', from: 'a "col"' }, { name: 'B', from: 'B,c' }],
        output: { format, encoding: 'gbk', on_unencodable: 'fail' },
      });
      expect(js.error?.code).toBe('UNENCODABLE_CHARACTER');
      expect(copy.error?.message).toBe(js.error?.message);
      expect(copy.error?.message).toContain('row 3, column B: U+1F600');
    }
  });

  it('leaves JSON lines whose names GBK cannot hold to the JS path, with the same bytes', async () => {
    const [copy, js] = await both({
      columns: [{ name: 'id' }, { name: 'tag 😀', from: 'B,c' }],
      output: { format: 'jsonl', encoding: 'gbk', on_unencodable: 'replace' },
    });
    expect(copy.result?.path).toBe('rows');
    expect(copy.text).toBe(js.text);
    expect(copy.result?.replaced).toBe(js.result?.replaced);
  });

  it('counts replacements in GB18030/GBK CSV as the JS path does', async () => {
    for (const encoding of ['gbk', 'gb18030']) {
      const [copy, js] = await both({ output: { encoding, on_unencodable: 'replace' } });
      expect(copy.result?.path).toBe('parallel-copy');
      expect(copy.text).toBe(js.text);
      expect(copy.result?.replaced).toBe(js.result?.replaced);
      expect(copy.result?.replaced).toBe(encoding === 'gbk' ? 1 : 0);
    }
  });
});

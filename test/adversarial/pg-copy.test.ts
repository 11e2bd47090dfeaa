/**
 * Hostile names and values on the PostgreSQL COPY (SELECT …) path: output names and sources
 * that are SQL or JSON syntax (the schema refuses them before any SQL is built, on both
 * paths), `\.` alone in a one-column CSV, unencodable characters after multi-line fields
 * (the error names the right row and column), GBK JSON lines. Each is compared with the JS
 * path's output.
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
  server.psql(`CREATE TABLE weird_tab (id int PRIMARY KEY, a_col text, b_c text);
    INSERT INTO weird_tab VALUES
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
          export: { source: { table: 'weird_tab', key: 'id' }, ...exp },
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
  it('refuses output names and sources that are SQL or JSON syntax before any SQL is built, the table intact', async () => {
    const evil = `x'); DROP TABLE weird_tab; --`;
    for (const exp of [
      { columns: [{ name: 'id' }, { name: evil, from: 'a_col' }] },
      { columns: [{ name: 'id' }, { name: 'v', from: 'a_col"; DROP TABLE weird_tab; --' }] },
      { columns: [{ name: 'back\\slash "q"\n\u0001', from: 'b_c' }], output: { format: 'jsonl' } },
      { source: { table: 'weird_tab"; DROP TABLE weird_tab; --', key: 'id' } },
    ]) {
      const [copy, js] = await both(exp);
      expect(copy.error?.code).toBe('CONFIG_INVALID');
      expect(js.error?.code).toBe('CONFIG_INVALID');
      expect(copy.error?.message).toBe(js.error?.message);
    }
    expect(server.psql('SELECT count(*) FROM weird_tab').trim()).toBe('4');
  });

  it('quotes `\\.` alone in a one-column CSV, as COPY does', async () => {
    const [copy, js] = await both({ columns: [{ name: 'v', from: 'b_c', max_length: 2 }] });
    expect(copy.result?.path).toBe('parallel-copy');
    expect(copy.text).toBe(js.text);
    expect(Buffer.from(copy.text!, 'latin1').toString('utf8')).toBe('v\n"\\."\ntw\naf\npl\n');
  });

  it('names the row and column of an unencodable character after multi-line fields', async () => {
    for (const format of ['csv', 'jsonl']) {
      const [copy, js] = await both({
        columns: [{ name: 'id' }, { name: 'A', from: 'a_col' }, { name: 'B', from: 'b_c' }],
        output: { format, encoding: 'gbk', on_unencodable: 'fail' },
      });
      expect(js.error?.code).toBe('UNENCODABLE_CHARACTER');
      expect(copy.error?.message).toBe(js.error?.message);
      expect(copy.error?.message).toContain('row 3, column B: U+1F600');
    }
  });

  it('writes GBK JSON lines from the server with the bytes and replacement count of the JS path', async () => {
    const [copy, js] = await both({
      columns: [{ name: 'id' }, { name: 'tag', from: 'b_c' }],
      output: { format: 'jsonl', encoding: 'gbk', on_unencodable: 'replace' },
    });
    expect(copy.result?.path).toBe('parallel-copy');
    expect(copy.text).toBe(js.text);
    expect(copy.result?.replaced).toBe(js.result?.replaced);
    expect(copy.result?.replaced).toBe(1);
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

/** The exporter's small parts, each against what can go wrong in it. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { renderProgress } from '../../src/cli/progress-bar.js';
import { CsvRowScanner, csvFieldAt } from '../../src/exporter/copy-scanner.js';
import { createEncoder } from '../../src/exporter/encoding.js';
import { redactText as redactSecretsInText } from '../../src/config/secrets.js';
import { createFormatter } from '../../src/exporter/format.js';
import { Progress } from '../../src/exporter/progress.js';
import { BoundedQueue } from '../../src/exporter/queue.js';
import { truncateCodePoints } from '../../src/exporter/transform.js';

const utf8 = createEncoder('utf-8', 'fail');

describe('CSV like PostgreSQL', () => {
  it('quotes only what needs it; NULL is empty, empty is ""', () => {
    const f = createFormatter('csv', ['a', 'b c', 'd,e'], [], { header: true, encoder: utf8 });
    expect(f.header()).toBe('a,b c,"d,e"\n');
    expect(
      f.format(
        [
          [null, '', 'x"y'],
          [1, 'line\nbreak', 'cr\r'],
        ],
        0,
        2,
        1,
      ),
    ).toBe(',"","x""y"\n1,"line\nbreak","cr\r"\n');
  });

  it('quotes \\. alone on a line (a one-column export), not inside a row', () => {
    const one = createFormatter('csv', ['v'], [], { header: false, encoder: utf8 });
    expect(one.format([['\\.']], 0, 1, 1)).toBe('"\\."\n');
    const two = createFormatter('csv', ['v', 'w'], [], { header: false, encoder: utf8 });
    expect(two.format([['\\.', '\\.']], 0, 1, 1)).toBe('\\.,\\.\n');
  });
});

describe('COPY row scanner', () => {
  it('finds row boundaries across arbitrary chunk splits, quotes and embedded newlines', () => {
    const text = 'id,name\n1,"a\nb"\n2,"say ""hi"", ok"\n3,\n4,"x\r\n"\n';
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const s = new CsvRowScanner();
      const a = s.feed(bytes.subarray(0, cut));
      const b = s.feed(bytes.subarray(cut));
      expect(a.rows + b.rows).toBe(5);
      expect(Buffer.concat([a.complete, b.complete]).toString()).toBe(text);
      expect(s.pending).toBe(0);
      expect(s.lastRowField(0)).toBe('4');
      expect(s.lastRowField(1)).toBe('x\r\n');
      expect(s.firstRowField(0)).toBe('id');
    }
    expect(parse(text)).toHaveLength(5);
  });

  it('reads one field of a record, NULL for empty unquoted', () => {
    expect(csvFieldAt('1,"a,b",,""', 1)).toBe('a,b');
    expect(csvFieldAt('1,"a,b",,""', 2)).toBeNull();
    expect(csvFieldAt('1,"a,b",,""', 3)).toBe('');
  });
});

describe('bounded queue', () => {
  it('makes a fast producer wait for the consumer', async () => {
    const q = new BoundedQueue<number>(3);
    let pushed = false;
    const p = q.push([1, 2, 3, 4, 5]).then(() => {
      pushed = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(q.size).toBe(3);
    expect(pushed).toBe(false);
    expect(await q.take()).toEqual([1, 2, 3]);
    expect(await q.take()).toEqual([4, 5]);
    await p;
    expect(pushed).toBe(true);
    q.close();
    expect(await q.take()).toBeNull();
  });

  it('fails both sides', async () => {
    const q = new BoundedQueue<number>(1);
    const blocked = q.push([1, 2]);
    q.fail(new Error('boom'));
    await expect(blocked).rejects.toThrow('boom');
    await expect(q.take()).rejects.toThrow('boom');
  });
});

describe('small parts', () => {
  it('truncates by code points', () => {
    expect(truncateCodePoints('😀😀😀', 2)).toBe('😀😀');
    expect(truncateCodePoints('abc', 5)).toBe('abc');
    expect(truncateCodePoints('a😀b', 2)).toBe('a😀');
  });

  it('redacts URL passwords in messages', () => {
    expect(redactSecretsInText('connect postgres://app:s3cret@db:5432/x failed')).toBe(
      'connect postgres://app:****@db:5432/x failed',
    );
    expect(redactSecretsInText('password=hunter2 host=db')).toBe('password=**** host=db');
  });

  it('renders progress with rate and ETA', () => {
    const line = renderProgress({ job: 'j', rows: 50_000, bytes: 0, total: 100_000, elapsedMs: 5000 });
    expect(line).toContain(' 50%');
    expect(line).toContain('50,000/100,000 rows');
    expect(line).toContain('10k rows/s');
    expect(line).toContain('ETA 5s');
  });

  it('tracks integer cursors in PostgreSQL text form by value, timestamps as text', () => {
    const p = new Progress({ rows: 0, bytes: 0, replaced: 0 });
    p.track(
      [
        ['1', '9'],
        ['2', '100'],
        ['3', '10'],
        ['4', '-3'],
      ],
      0,
      1,
    );
    expect([p.minCursor, p.maxCursor, p.highKey]).toEqual(['-3', '100', '2']);
    const t = new Progress({ rows: 0, bytes: 0, replaced: 0 });
    t.track(
      [
        ['1', '2024-01-02 00:00:00.5'],
        ['2', '2024-01-02 00:00:00'],
        ['3', '2023-12-31 23:59:59'],
      ],
      0,
      1,
    );
    expect([t.minCursor, t.maxCursor, t.highKey]).toEqual([
      '2023-12-31 23:59:59',
      '2024-01-02 00:00:00.5',
      '1',
    ]);
  });

  it('counts GBK replacements per code point', () => {
    const gbk = createEncoder('gbk', 'replace');
    gbk.checkField?.('中文😀é€𠜎', 1, 'c');
    expect(gbk.replaced).toBe(2);
    expect(gbk.encode('中😀')).toEqual(Buffer.from([0xd6, 0xd0, 0x3f]));
  });
});

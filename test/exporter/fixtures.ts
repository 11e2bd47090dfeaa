/** Tricky values shared by the SQLite and PostgreSQL round-trip tests. */
import type pg from 'pg';
export const TRICKY_TEXTS: Array<string | null> = [
  'plain',
  'comma, inside',
  'quote " inside',
  '"fully quoted"',
  'line\nbreak',
  'carriage\rreturn',
  'windows\r\nline',
  '',
  null,
  ' spaces around ',
  '\\.',
  '\\N',
  'tab\there',
  '北京市朝阳区',
  '易碎物品，小心轻放',
  'emoji 😀🎉',
  '𠜎𠜱 outside the BMP',
  'Zürich São Paulo Kraków',
  '€ euro sign',
  "apostrophe's",
  '""',
  ',',
  '\n',
  'NULL',
];

/** Deterministic rows: [id, name, note, amount, qty, updated_at]. */
export function trickyRows(
  n: number,
): Array<[number, string | null, string | null, number | null, number, string]> {
  const rows: Array<[number, string | null, string | null, number | null, number, string]> = [];
  for (let i = 1; i <= n; i++) {
    const name = TRICKY_TEXTS[i % TRICKY_TEXTS.length];
    const note = TRICKY_TEXTS[(i * 7 + 3) % TRICKY_TEXTS.length];
    const amount = i % 11 === 0 ? null : Math.round(i * 137.31) / 100;
    const sec = String(i % 60).padStart(2, '0');
    const min = String(Math.floor(i / 60) % 60).padStart(2, '0');
    const hour = String(Math.floor(i / 3600) % 24).padStart(2, '0');
    rows.push([i * 3, name, note, amount, i % 5, `2024-01-02 ${hour}:${min}:${sec}`]);
  }
  return rows;
}

/** Creates `items` in PostgreSQL with trickyRows(n) (the same rows as the SQLite tests). */
export async function loadTrickyRowsIntoPostgres(client: pg.Client, n: number): Promise<void> {
  await client.query(
    'CREATE TABLE items (id bigint PRIMARY KEY, name text, note text, amount numeric, qty int, updated_at timestamp NOT NULL)',
  );
  const rows = trickyRows(n);
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    const params = part.flatMap((r) => r.map((v) => (v === null ? null : String(v))));
    const values = part
      .map((_, j) => `(${[1, 2, 3, 4, 5, 6].map((k) => `$${j * 6 + k}`).join(', ')})`)
      .join(', ');
    await client.query(`INSERT INTO items VALUES ${values}`, params);
  }
}

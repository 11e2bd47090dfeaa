// The wide, real-shaped table of the export benchmark: `node seed-wide.mjs ROWS OUT.db`.
// One row in ten carries ~2 KB of text; the others short text with CJK, emoji, quotes,
// commas and newlines. Deterministic: the same arguments give the same rows.
import Database from 'better-sqlite3';

const [rowsArg, out] = process.argv.slice(2);
const rows = Number(rowsArg);

// mulberry32: small, fast, deterministic.
let state = 20261202;
function rand() {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(rand() * list.length)];

const words = [
  'order',
  'parcel',
  '北京',
  '上海市浦东新区',
  '易碎物品',
  'fragile',
  'Zürich',
  'São Paulo',
  '😀',
  '🎉',
  '📦',
];
const shorts = [
  'plain',
  'comma, inside',
  'say "hi"',
  'line\nbreak',
  'crlf\r\nline',
  ' spaces around ',
  '王伟 (VIP)',
  '李娜, "张敏"',
  'emoji 😀🎉',
  '𠜎𠜱 outside the BMP',
  '',
  null,
];
const statuses = ['new', 'paid', 'shipped', 'delivered', 'cancelled'];

function longText() {
  const parts = [];
  let n = 0;
  while (n < 2000) {
    const w = pick(words);
    parts.push(w);
    n += w.length + 1;
    const r = rand();
    if (r < 0.05) parts.push('\n');
    else if (r < 0.1) parts.push(', "quoted"');
  }
  return parts.join(' ');
}

const db = new Database(out);
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
db.exec(
  'CREATE TABLE events (id INTEGER PRIMARY KEY, customer TEXT, status TEXT NOT NULL, amount REAL, qty INTEGER, body TEXT, note TEXT, created_at TEXT NOT NULL)',
);
const ins = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
const insertAll = db.transaction(() => {
  for (let i = 1; i <= rows; i++) {
    const amount = rand() < 0.05 ? null : Math.round(rand() * 1e7) / 100;
    const body = i % 10 === 0 ? longText() : `${pick(shorts) ?? ''} ${pick(words)}`;
    const day = String(1 + (i % 28)).padStart(2, '0');
    ins.run(i, pick(shorts), pick(statuses), amount, i % 7, body, pick(shorts), `2026-01-${day} 12:00:00`);
  }
});
insertAll();
db.close();

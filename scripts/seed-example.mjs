#!/usr/bin/env node
// Creates the SQLite sample database of examples/orders-export: realistic orders with the
// data that breaks naive exporters (commas, quotes, newlines, Chinese text, emoji, NULLs,
// empty strings). Deterministic: the same arguments always give the same rows.
//
//   node scripts/seed-example.mjs [--rows N] [--out FILE] [--seed S]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const rows = Number(arg('rows', '300000'));
const out = path.resolve(arg('out', path.join(here, '..', 'examples', 'orders-export', 'data', 'orders.db')));
const seed = Number(arg('seed', '20240101'));

// mulberry32: small, fast, deterministic.
function prng(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(seed);
const pick = (list) => list[Math.floor(rand() * list.length)];

const firstNames = [
  'Alice',
  'Bob',
  'Carol',
  'Dmitri',
  'Émilie',
  'François',
  'Grace',
  'Hiro',
  'Ingrid',
  'José',
  'Kwame',
  'Leila',
  'Mateo',
  'Nadia',
  'Oskar',
  'Priya',
  'Quinn',
  'Rosa',
  'Søren',
  'Tomás',
];
const lastNames = [
  'Smith',
  'Nguyen',
  "O'Brien",
  'García',
  'Müller',
  'Kowalski',
  'Rossi',
  'Dubois',
  'Okafor',
  'Andersson',
  'Tanaka',
  'Silva',
];
const chineseNames = [
  '王伟',
  '李娜',
  '张敏',
  '刘洋',
  '陈静',
  '杨磊',
  '赵丽',
  '黄强',
  '周杰',
  '吴芳',
  '欧阳娜娜',
  '司马光',
];
const cities = [
  'New York',
  'London',
  'Paris',
  'Berlin',
  'São Paulo',
  'Zürich',
  'Kraków',
  'Tokyo',
  '北京',
  '上海',
  '深圳',
  '香港',
  'Washington, D.C.',
  'Lagos',
  'Mumbai',
];
const currencies = ['USD', 'EUR', 'GBP', 'CNY', 'JPY', 'BRL'];
const statuses = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded'];
const notes = [
  'Leave at the front door',
  'Call before delivery, please',
  'Gift wrap: "Happy Birthday!"',
  'Line one\nLine two',
  'Windows line\r\nending',
  '请在工作日送货',
  '易碎物品，小心轻放',
  'Thanks! 🎉🚀',
  'Customer said: "ship ASAP", twice',
  'Ünïcödé façade naïve café',
  'tab\tseparated\tvalue',
  '😀 emoji only 🙈',
  'Backslash \\ and slash /',
  '  leading and trailing spaces  ',
  ',',
  '"',
  '\\.',
  '𠜎𠜱𠝹 (rare CJK outside the BMP)',
  '€100 voucher applied',
];

function customer() {
  const r = rand();
  if (r < 0.25) return pick(chineseNames);
  if (r < 0.3) return `${pick(lastNames)}, ${pick(firstNames)}`;
  if (r < 0.33) return `"${pick(firstNames)}" ${pick(lastNames)}`;
  if (r < 0.35) return `${pick(firstNames)} ${pick(lastNames)} 🛒`;
  if (r < 0.36) return null;
  if (r < 0.37) return '';
  if (r < 0.38) return `${pick(firstNames)} ${'Long-Name-'.repeat(10)}${pick(lastNames)} 有很长的名字`;
  return `${pick(firstNames)} ${pick(lastNames)}`;
}

function note() {
  const r = rand();
  if (r < 0.45) return null;
  if (r < 0.5) return '';
  return pick(notes);
}

const pad = (n) => String(n).padStart(2, '0');
// Fixed epoch, seconds: 2024-01-01T00:00:00Z. Timestamps in SQLite's datetime() format.
const base = Date.UTC(2024, 0, 1) / 1000;
const stamp = (s) => {
  const d = new Date(s * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

fs.mkdirSync(path.dirname(out), { recursive: true });
for (const f of [out, `${out}-wal`, `${out}-shm`, `${out}-journal`]) fs.rmSync(f, { force: true });
const started = Date.now();
const db = new Database(out);
db.pragma('journal_mode = OFF');
db.pragma('synchronous = OFF');
db.exec(`CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_name TEXT,
  city TEXT,
  amount REAL,
  currency TEXT NOT NULL,
  status TEXT NOT NULL,
  note TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
)`);
const insert = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
db.transaction(() => {
  let t = base;
  for (let id = 1; id <= rows; id++) {
    t += Math.floor(rand() * 60);
    const created = t;
    const updated = rand() < 0.3 ? created + Math.floor(rand() * 86_400 * 30) : created;
    const amount = rand() < 0.01 ? null : Math.round(rand() * 100_000) / 100;
    insert.run(
      id,
      customer(),
      rand() < 0.02 ? null : pick(cities),
      amount,
      pick(currencies),
      pick(statuses),
      note(),
      stamp(created),
      stamp(updated),
    );
  }
})();
db.exec('CREATE INDEX orders_updated_at ON orders (updated_at, id)');
db.pragma('journal_mode = DELETE');
db.close();
console.log(`seeded ${rows} orders into ${path.relative(process.cwd(), out)} in ${Date.now() - started}ms`);

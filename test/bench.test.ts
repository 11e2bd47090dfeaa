/**
 * Every benchmark script still runs: `npm run bench -- --short` runs each of them (the
 * exporter's too) on tiny data. The figures of a short run mean nothing and are not judged;
 * the test asserts that each script finished and printed its result lines.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, REPO } from './helpers/cli.js';
import { requireExecutable } from './helpers/prerequisites.js';

/** For each script, lines its report must contain (a ratio or a rate, with a number). */
const EXPECTED: Record<string, RegExp[]> = {
  'cold-start.mjs': [/^ {2}ratio +\d+(\.\d+)?x bare Node/m],
  'policy.mjs': [/µs per rule per environment \(evaluation\)/, /CLI, check PATH×\d+: \d+ files\/s/],
  'drift.mjs': [/^ {2}side-by-side report \(exportctl drift\) +\d/m, /end to end .* +\d+(\.\d+)? ms/],
  'synth.mjs': [/exportctl synth \(3 stacks\) +\d+(\.\d+)? ms {2}\(cdktf modules loaded: [1-9]\d*\)/],
  'service.mjs': [/GET \/exports\/:id +\d+ req\/s +p50 \d+ ms +p99 \d+ ms +errors 0/],
  'export.mjs': [
    /SQLite → CSV, \d+ rows \(sqlite3 -csv\)\n {2}ours \d+ ms {2}theirs \d+ ms {2}ratio \d/,
    /SQLite wide → CSV, \d+ rows \(sqlite3 -csv\)\n {2}ours \d+ ms {2}theirs \d+ ms {2}ratio \d/,
    /SQLite wide → JSONL, \d+ rows \(sqlite3 -json\)\n {2}ours \d+ ms {2}theirs \d+ ms {2}ratio \d/,
    /sqlite wide +\d+ rows: \d+ MB \(\d+ ms, sql reader\)/,
    /PostgreSQL → CSV, \d+ rows \(psql \\copy\)\n {2}ours \d+ ms {2}theirs \d+ ms {2}ratio \d/,
    /PostgreSQL wide → JSONL, rename \+ truncation, \d+ rows \(psql \\copy\)\n {2}ours \d+ ms {2}theirs \d+ ms {2}ratio \d/,
    /PostgreSQL wide → CSV GBK, rename \+ truncation, \d+ rows \(psql \\copy, UTF-8\)\n {2}ours \d+ ms/,
    /postgres wide CSV GB18030 +\d+ rows: \d+ MB/,
  ],
};

describe('npm run bench -- --short', () => {
  it('runs every benchmark script to the end, each printing its figures', { timeout: 20 * 60_000 }, () => {
    requireExecutable(
      'sqlite3',
      'SQLite (Debian: apt-get install sqlite3), the peer of the export benchmark',
    );
    requireExecutable('psql', 'PostgreSQL (Debian: apt-get install postgresql)');
    expect(CLI).toMatch(/exportctl\.mjs$/); // `npm test` builds dist/ first
    const r = spawnSync(process.execPath, [join(REPO, 'bench', 'run.mjs'), '--short'], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 19 * 60_000,
    });
    expect(r.stderr).not.toMatch(/benchmarks failed/);
    expect(r.status, r.stderr.slice(-4000)).toBe(0);
    const sections = Object.fromEntries(
      r.stdout
        .split(/^== /m)
        .slice(1)
        .map((s) => [s.slice(0, s.indexOf('\n')), s]),
    );
    expect(Object.keys(sections).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [script, lines] of Object.entries(EXPECTED))
      for (const line of lines) expect(sections[script], script).toMatch(line);
  });
});

/**
 * docs/reference.md is the contract that source comments, the README and the other docs cite
 * (`docs/reference.md#exit-codes`). Every cited section must exist as a heading, and nothing
 * may cite a contract that lives outside the repository.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';

const REFERENCE = join(REPO, 'docs', 'reference.md');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): string[] {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```$/gm, '');
  return [...withoutCode.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]));
}

function filesUnder(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, ext));
    else if (ext.test(e.name)) out.push(p);
  }
  return out;
}

interface Citation {
  where: string;
  anchor: string;
}

/** Every `reference.md#anchor` in a file (source comments, markdown links, test names). */
function citations(file: string): Citation[] {
  const text = readFileSync(file, 'utf8');
  const self = file === REFERENCE;
  const found: Citation[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    const where = `${relative(REPO, file)}:${i + 1}`;
    for (const m of line.matchAll(/reference\.md#([\w-]+)/g)) found.push({ where, anchor: m[1] });
    // The reference's own links to its sections: ](#anchor)
    if (self) for (const m of line.matchAll(/\]\(#([\w-]+)\)/g)) found.push({ where, anchor: m[1] });
  }
  return found;
}

const THIS_FILE = join(REPO, 'test', 'library', 'reference-anchors.test.ts');
const cited = [
  ...filesUnder(join(REPO, 'src'), /\.ts$/),
  ...filesUnder(join(REPO, 'test'), /\.ts$/).filter((f) => f !== THIS_FILE),
  ...filesUnder(join(REPO, 'docs'), /\.md$/),
  join(REPO, 'README.md'),
];

describe('docs/reference.md', () => {
  const anchors = anchorsOf(readFileSync(REFERENCE, 'utf8'));

  it('has one heading per anchor', () => {
    expect(anchors.length).toBeGreaterThan(20);
    expect(anchors.filter((a, i) => anchors.indexOf(a) !== i)).toEqual([]);
  });

  it('has every section that src/, test/, docs/ and the README cite', () => {
    const all = cited.flatMap(citations);
    // src/ cites the contract where it implements it: at least the exit codes, formats, exporter.
    const fromSrc = new Set(all.filter((c) => c.where.startsWith('src/')).map((c) => c.anchor));
    for (const a of ['exit-codes', 'json-format', 'export-error-codes', 'overlays', 'the-service']) {
      expect(fromSrc, a).toContain(a);
    }
    const missing = all.filter((c) => !anchors.includes(c.anchor)).map((c) => `${c.where}: #${c.anchor}`);
    expect(missing).toEqual([]);
  });

  it('is the only contract cited: no SPEC sections, nothing outside the repository', () => {
    const stale = cited
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${relative(REPO, f)}:${i + 1}`, line }))
          .filter(({ line }) => /\bSPEC(\s*§|'s\b|\.md)|\.\.\/shared\b/.test(line)),
      )
      .map(({ where }) => where);
    expect(stale).toEqual([]);
  });
});

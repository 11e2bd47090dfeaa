/**
 * pip's requirements file format (https://pip.pypa.io/en/stable/reference/requirements-file-format/):
 * `\` line continuations, `#` comments, `-r`/`-c` includes (relative to the including file),
 * global options (`-i`, `--extra-index-url`, `--pre`…), per-requirement options (`--hash`),
 * PEP 508 requirements (`name[extras] specifier ; marker`, `name @ url`) and `-e` editables.
 * Specifiers are checked with the ecosystem's PEP 440 parser. Every problem is a finding at
 * its line and column; nothing throws.
 */
import { dirname, resolve } from 'node:path';
import type { PathConfinement } from '../../config/confinement.js';
import { type FileRefusalRule, readGuardedText } from '../../config/read-file.js';
import type { Finding, SourceRange } from '../../diagnostics/finding.js';
import { pypi } from '../ecosystems/pypi.js';
import { markerProblem } from './markers.js';
import type { LockedRequirement, LockfileParse } from './types.js';

/** `-r` chains deeper than this are a cycle pip would also refuse. */
const MAX_INCLUDE_DEPTH = 32;

/** One logical line (continuations joined) and where each of its characters came from. */
interface LogicalLine {
  text: string;
  /** Start offset in `text` of each physical piece, its 1-based line and 1-based column. */
  pieces: { offset: number; line: number; column: number }[];
}

const OPTIONS_WITH_VALUE = new Set([
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '--trusted-host',
  '--only-binary',
  '--no-binary',
  '--use-feature',
  '--config-settings',
  '--global-option',
]);
const FLAGS = new Set(['--no-index', '--pre', '--prefer-binary', '--require-hashes']);
const PER_REQUIREMENT_OPTIONS = new Set([
  '--hash',
  '--config-settings',
  '--global-option',
  '--install-option',
]);
const HASH = /^(sha256|sha384|sha512|sha224|sha1|md5):[0-9a-f]+$/i;
const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?/;
const COMMENT = /(^|\s+)#.*$/;

function splitLines(text: string): LogicalLine[] {
  const physical = text.split(/\r\n|\n|\r/);
  const out: LogicalLine[] = [];
  let pending: LogicalLine | undefined;
  physical.forEach((raw, i) => {
    const line = i + 1;
    const isComment = /^\s*#/.test(raw);
    if (raw.endsWith('\\') && !isComment) {
      pending ??= { text: '', pieces: [] };
      pending.pieces.push({ offset: pending.text.length, line, column: 1 });
      pending.text += raw.slice(0, -1);
      return;
    }
    // pip: a comment line ends a continuation ("comments are always matched later").
    const piece = isComment ? ` ${raw}` : raw;
    if (pending) {
      pending.pieces.push({ offset: pending.text.length, line, column: isComment ? 0 : 1 });
      pending.text += piece;
      out.push(pending);
      pending = undefined;
    } else {
      out.push({ text: raw, pieces: [{ offset: 0, line, column: 1 }] });
    }
  });
  if (pending) out.push(pending);
  return out;
}

function position(l: LogicalLine, offset: number): { line: number; column: number } {
  let p = l.pieces[0];
  for (const q of l.pieces) if (q.offset <= offset) p = q;
  return { line: p.line, column: p.column + (offset - p.offset) };
}

function rangeOf(file: string, l: LogicalLine, from: number, to: number): SourceRange {
  const a = position(l, from);
  const b = position(l, Math.max(from, to));
  return { file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

function syntax(message: string, location: SourceRange): Finding {
  return { rule: 'deps/syntax', severity: 'error', message, location };
}

/** Whitespace-separated tokens with their offsets. */
function tokens(text: string, start: number): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  const re = /\S+/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text))
    out.push({ text: m[0], offset: start + m.index });
  return out;
}

/**
 * Reads a requirements file and its includes. `statedAt` is where the file is named (the
 * config's `dependencies.lockfile`, or a `-r` line) for a file that cannot be read.
 */
export function parseRequirementsTxt(
  file: string,
  statedAt?: SourceRange,
  confine?: PathConfinement,
): LockfileParse {
  const result: LockfileParse = { requirements: [], dependencies: [], findings: [], files: [] };
  readOne(resolve(file), statedAt, false, [], result, confine);
  return result;
}

function unreadable(
  file: string,
  statedAt: SourceRange | undefined,
  why: string,
  rule: FileRefusalRule = 'io/read',
): Finding {
  return {
    rule,
    severity: 'error',
    message: `requirements file ${file}: ${why}`,
    location: statedAt ?? { file, line: 1, column: 1, endLine: 1, endColumn: 1 },
  };
}

/** Files already read by a parse (by role: `-r` or `-c`). */
const includesSeen = new WeakMap<LockfileParse, Set<string>>();
/** How many files one requirements file may pull in, includes of includes counted. */
const MAX_INCLUDED_FILES = 256;
const CAPPED = '\0capped';

function readOne(
  file: string,
  statedAt: SourceRange | undefined,
  constraintOnly: boolean,
  stack: string[],
  result: LockfileParse,
  confine: PathConfinement | undefined,
): void {
  if (stack.includes(file)) {
    result.findings.push(syntax(`${file} includes itself (through ${stack.length} files)`, statedAt!));
    return;
  }
  if (stack.length > MAX_INCLUDE_DEPTH) {
    result.findings.push(syntax(`includes nested deeper than ${MAX_INCLUDE_DEPTH} files`, statedAt!));
    return;
  }
  // Each file is read once per parse: a diamond of includes (three files of 60 `-r next.txt`
  // lines each) would otherwise be read 60³ times. A second mention adds nothing new.
  const seen = includesSeen.get(result) ?? new Set<string>();
  includesSeen.set(result, seen);
  const key = `${constraintOnly ? 'c' : 'r'}:${file}`;
  if (seen.has(key)) return;
  if (seen.size >= MAX_INCLUDED_FILES) {
    // Reported once, where the first file past the bound is named; the rest are not read.
    if (!seen.has(CAPPED)) {
      seen.add(CAPPED);
      result.findings.push(syntax(`more than ${MAX_INCLUDED_FILES} requirements files included`, statedAt!));
    }
    return;
  }
  seen.add(key);
  const read = readGuardedText(file, { confine });
  if (!read.ok) {
    return void result.findings.push(unreadable(file, statedAt, read.refusal.message, read.refusal.rule));
  }
  let text = read.text;
  if (!result.files.includes(file)) result.files.push(file);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  for (const l of splitLines(text)) {
    const body = l.text.replace(COMMENT, '');
    const start = body.length - body.trimStart().length;
    const content = body.trim();
    if (content === '') continue;
    if (content.startsWith('-')) {
      globalOption(file, l, content, start, constraintOnly, stack, result, confine);
      continue;
    }
    const req = requirement(file, l, content, start, result.findings);
    if (req) result.requirements.push({ ...req, ...(constraintOnly ? { constraintOnly } : {}) });
  }
}

function globalOption(
  file: string,
  l: LogicalLine,
  content: string,
  start: number,
  constraintOnly: boolean,
  stack: string[],
  result: LockfileParse,
  confine: PathConfinement | undefined,
): void {
  const toks = tokens(content, start);
  const first = toks[0];
  let opt = first.text;
  let value: { text: string; offset: number } | undefined;
  const eq = opt.indexOf('=');
  if (opt.startsWith('--') && eq > 0) {
    value = { text: opt.slice(eq + 1), offset: first.offset + eq + 1 };
    opt = opt.slice(0, eq);
  } else if (/^-[rcefi]./.test(opt)) {
    value = { text: opt.slice(2), offset: first.offset + 2 };
    opt = opt.slice(0, 2);
  } else value = toks[1];
  const where = rangeOf(file, l, first.offset, start + content.length);

  if (opt === '-r' || opt === '--requirement' || opt === '-c' || opt === '--constraint') {
    if (!value || value.text === '')
      return void result.findings.push(syntax(`${opt} needs a file name`, where));
    if (/^[a-z]+:\/\//i.test(value.text)) {
      result.findings.push(syntax(`${opt} ${value.text}: only local files can be checked`, where));
      return;
    }
    const target = resolve(dirname(file), value.text);
    const at = rangeOf(file, l, value.offset, value.offset + value.text.length);
    readOne(
      target,
      at,
      constraintOnly || opt === '-c' || opt === '--constraint',
      [...stack, file],
      result,
      confine,
    );
    return;
  }
  if (opt === '-e' || opt === '--editable') {
    if (!value) return void result.findings.push(syntax(`${opt} needs a path or VCS URL`, where));
    const egg = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(value.text);
    result.requirements.push({
      name: egg?.[1] ?? '',
      specifier: value.text,
      kind: 'editable',
      location: rangeOf(file, l, first.offset, value.offset + value.text.length),
      ...(constraintOnly ? { constraintOnly } : {}),
    });
    return;
  }
  if (OPTIONS_WITH_VALUE.has(opt)) {
    if (!value) result.findings.push(syntax(`${opt} needs a value`, where));
    return;
  }
  if (FLAGS.has(opt)) return;
  result.findings.push(syntax(`unknown option ${opt} in a requirements file`, where));
}

function requirement(
  file: string,
  l: LogicalLine,
  content: string,
  start: number,
  findings: Finding[],
): Omit<LockedRequirement, 'constraintOnly'> | undefined {
  // pip splits a line into the requirement and its options at the first token starting with "-".
  const optAt = /\s--?[A-Za-z]/.exec(content);
  const reqText = (optAt ? content.slice(0, optAt.index) : content).trimEnd();
  const reqEnd = start + reqText.length;
  const location = rangeOf(file, l, start, reqEnd);
  if (optAt) perRequirementOptions(file, l, content.slice(optAt.index), start + optAt.index, findings);

  // A bare URL or path names an artifact, not a package: nothing to reason about.
  const named = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/.test(reqText);
  if (
    !named &&
    (/^(?:[a-z][a-z0-9+.-]*:\/\/|\.{0,2}\/|[A-Za-z]:\\)/i.test(reqText) ||
      /\.(whl|tar\.gz|zip)$/i.test(reqText))
  ) {
    return { name: '', specifier: reqText, kind: 'url', location };
  }
  const m = NAME.exec(reqText);
  if (!m) {
    findings.push(syntax(`"${reqText}" is not a requirement (expected a package name)`, location));
    return undefined;
  }
  const name = m[1];
  if (
    m[2] !== undefined &&
    !/^\[\s*([A-Za-z0-9][A-Za-z0-9._-]*\s*(,\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*)*)?\]$/.test(m[2])
  ) {
    findings.push(
      syntax(`invalid extras ${m[2]}`, rangeOf(file, l, start + name.length, start + m[0].length)),
    );
    return undefined;
  }
  let rest = reqText.slice(m[0].length);
  let restAt = start + m[0].length;
  const lead = rest.length - rest.trimStart().length;
  rest = rest.trimStart();
  restAt += lead;

  let marker: string | undefined;
  if (rest.startsWith('@')) {
    // Direct reference: the marker must be separated from the URL by whitespace.
    const semi = /\s;/.exec(rest);
    const url = (semi ? rest.slice(1, semi.index) : rest.slice(1)).trim();
    if (semi) {
      marker = checkMarker(file, l, rest.slice(semi.index + 2), restAt + semi.index + 2, findings);
      if (marker === undefined) return undefined;
    }
    if (url === '') {
      findings.push(syntax(`${name} @: the URL is missing`, location));
      return undefined;
    }
    return { name, specifier: url, kind: 'url', location, ...(marker !== undefined ? { marker } : {}) };
  }
  const semi = rest.indexOf(';');
  let spec = semi >= 0 ? rest.slice(0, semi) : rest;
  if (semi >= 0) {
    // A requirement whose condition cannot be read is left out rather than assumed always.
    marker = checkMarker(file, l, rest.slice(semi + 1), restAt + semi + 1, findings);
    if (marker === undefined) return undefined;
  }
  let specAt = restAt;
  spec = spec.trimEnd();
  const paren = /^\((.*)\)$/.exec(spec);
  if (paren) {
    spec = paren[1].trim();
    specAt += 1;
  }
  const parsed = pypi.parseSpecifier(spec);
  if (!parsed.ok) {
    findings.push(
      syntax(
        `${name}: ${parsed.message}`,
        rangeOf(file, l, specAt, specAt + (paren ? paren[0].length - 1 : spec.length)),
      ),
    );
    return undefined;
  }
  return {
    name,
    specifier: parsed.spec.text,
    kind: 'specifier',
    location,
    ...(marker !== undefined ? { marker } : {}),
  };
}

function checkMarker(
  file: string,
  l: LogicalLine,
  text: string,
  at: number,
  findings: Finding[],
): string | undefined {
  const marker = text.trim();
  const lead = text.length - text.trimStart().length;
  const problem = markerProblem(marker);
  if (problem) {
    const from = at + lead + problem.offset;
    findings.push(
      syntax(`environment marker: ${problem.message}`, rangeOf(file, l, from, at + lead + marker.length)),
    );
    return undefined;
  }
  return marker;
}

function perRequirementOptions(
  file: string,
  l: LogicalLine,
  text: string,
  at: number,
  findings: Finding[],
): void {
  const toks = tokens(text, at);
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const eq = t.text.indexOf('=');
    const opt = eq > 0 ? t.text.slice(0, eq) : t.text;
    const where = rangeOf(file, l, t.offset, t.offset + t.text.length);
    if (!opt.startsWith('-')) {
      findings.push(syntax(`unexpected "${t.text}" after the requirement's options`, where));
      continue;
    }
    if (!PER_REQUIREMENT_OPTIONS.has(opt)) {
      findings.push(syntax(`unknown option ${opt} for a requirement`, where));
      continue;
    }
    let value = eq > 0 ? t.text.slice(eq + 1) : undefined;
    let valueTok = t;
    if (value === undefined) {
      valueTok = toks[++i];
      value = valueTok?.text;
    }
    if (value === undefined || value === '') {
      findings.push(syntax(`${opt} needs a value`, where));
      continue;
    }
    if (opt === '--hash' && !HASH.test(value)) {
      findings.push(
        syntax(
          `--hash ${value}: expected ALGORITHM:HEX (e.g. sha256:…)`,
          rangeOf(file, l, valueTok.offset, valueTok.offset + valueTok.text.length),
        ),
      );
    }
  }
}

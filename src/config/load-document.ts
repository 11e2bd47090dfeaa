/**
 * The one loader: file bytes → LoadedDocument (plain values + the position of every node).
 * Built on eemeli/yaml's Document API with a LineCounter. Every failure is a Finding
 * with a position (rule `yaml/syntax`, or the guarded reader's `io/*` rules for files that
 * cannot or must not be read), never an exception.
 */
import {
  type Alias,
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Parser,
  type Range,
  type YAMLError,
  visit,
} from 'yaml';
import type { Finding, SourceRange } from '../diagnostics/finding.js';
import { appendPath } from './path.js';
import { Provenance } from './provenance.js';
import { type GuardOptions, readGuarded } from './read-file.js';
import { decodeConfigBytes } from './source-text.js';
import type { LoadResult } from './types.js';
import { configKeyOf, displayTag, tagRefusal } from './yaml-values.js';

type Token = CST.Token;

/** Deeper nesting than any real config; stops stack exhaustion in every later stage. */
export const MAX_DEPTH = 128;
/** Nodes an expanded document may hold (alias bombs expand exponentially). */
export const MAX_EXPANDED_NODES = 200_000;

class LoadAbort extends Error {
  constructor(
    message: string,
    readonly node: Node | undefined,
  ) {
    super(message);
  }
}

function fileFinding(file: string, message: string, line = 1, column = 1, rule = 'yaml/syntax'): Finding {
  return {
    rule,
    severity: 'error',
    message,
    location: { file, line, column, endLine: line, endColumn: column },
  };
}

/** Own-property assignment that is safe for keys such as `__proto__`. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Reads and parses one file through the guarded reader (regular files only, size cap,
 * confinement when given). A refusal is a finding at the file's first line with the
 * reader's rule (`io/read`, `io/too-large`, `io/outside-project`).
 */
export function loadDocument(file: string, options: GuardOptions = {}): LoadResult {
  const read = readGuarded(file, options);
  if (!read.ok) return { findings: [fileFinding(file, read.refusal.message, 1, 1, read.refusal.rule)] };
  return parseDocumentText(read.bytes, file);
}

/** Findings a document may carry beyond its first few: a file with 40,000 duplicates says so once. */
const MAX_NODE_FINDINGS = 100;

/** Directive warnings YAML 1.2 says a parser must only warn about (reserved `%FOO`, `%YAML 1.3`). */
function isWarningOnly(w: YAMLError): boolean {
  // An anchor or alias ending in `:` is valid YAML 1.2 that reads ambiguously.
  return w.code === 'BAD_DIRECTIVE' || w.code === 'BAD_ALIAS';
}

/**
 * Parses bytes or text that claim to be one YAML 1.2 (or JSON) document. Refusals (syntax,
 * duplicate keys, tags a config cannot hold, collections as keys, several documents) are
 * `yaml/syntax` errors; reserved or future directives are `yaml/syntax` warnings and the
 * document loads.
 */
export function parseDocumentText(input: Uint8Array | string, file: string): LoadResult {
  let text: string;
  if (typeof input === 'string') {
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else {
    const decoded = decodeConfigBytes(input);
    if (!decoded.ok) return { findings: [fileFinding(file, decoded.message, decoded.line, decoded.column)] };
    text = decoded.text;
  }

  const lineCounter = new LineCounter();
  const range = (from: number, to: number): SourceRange => {
    const a = lineCounter.linePos(from);
    const b = lineCounter.linePos(Math.max(from, to));
    return { file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  };
  const finding = (
    message: string,
    from: number,
    to: number,
    severity: Finding['severity'] = 'error',
  ): Finding => ({
    rule: 'yaml/syntax',
    severity,
    message,
    location: range(from, to),
  });
  const yamlFinding = (e: YAMLError, severity: Finding['severity'] = 'error'): Finding =>
    finding(
      e.code === 'RESOURCE_EXHAUSTION' ? 'document is nested too deeply or too large' : cleanMessage(e),
      e.pos[0],
      e.pos[1],
      severity,
    );

  // Duplicate keys are found below, in one pass over each map: the library's own check
  // compares every key with every earlier one (quadratic) and by YAML node, not config key.
  const { docs, directiveErrors } = composeDocuments(text, lineCounter);
  const findings: Finding[] = directiveErrors.map((d) => finding(d.message, d.offset, d.offset + d.length));
  for (const d of docs) {
    for (const e of d.errors) findings.push(yamlFinding(e));
    // Unresolved tags and similar warnings change meaning silently: treat them as errors.
    for (const w of d.warnings) findings.push(yamlFinding(w, isWarningOnly(w) ? 'warning' : 'error'));
  }
  if (docs.length > 1) {
    const start = docs[1].range?.[0] ?? 0;
    findings.push(
      finding(`expected one document, found ${docs.length} (remove the "---" separator)`, start, start),
    );
  }
  if (findings.some((f) => f.severity === 'error')) return { findings };
  const warnings = findings;

  const doc = docs[0];
  const aliasTargets = anchorTargets(doc);
  const resolve = (alias: Alias): Node | undefined => aliasTargets.get(alias);
  // An alias bomb is refused from its node counts, before anything is built from it.
  const unexpandable = expansionProblem(doc.contents, resolve);
  if (unexpandable) {
    const r = unexpandable.node.range;
    return { findings: [...warnings, finding(unexpandable.message, r?.[0] ?? 0, r?.[1] ?? 0)] };
  }
  const provenance = new Provenance();
  const problems: Finding[] = [];
  const seenProblems = new Set<string>();
  const problem = (message: string, node: { range?: Range | null } | null | undefined): void => {
    const r = node?.range;
    const f = finding(message, r?.[0] ?? 0, r?.[1] ?? 0);
    const id = `${f.location?.line}:${f.location?.column}:${message}`;
    if (seenProblems.has(id) || problems.length > MAX_NODE_FINDINGS) return;
    seenProblems.add(id);
    problems.push(
      problems.length === MAX_NODE_FINDINGS
        ? finding(`more than ${MAX_NODE_FINDINGS} problems in this document; the rest are not listed`, 0, 0)
        : f,
    );
  };
  let expanded = 0;

  /** A map key as the config sees it, or undefined (reported) when it cannot be one. */
  const keyOf = (k: Node | null): string | undefined => {
    if (k === null) return '';
    const target = isAlias(k) ? resolve(k) : k;
    if (!target) {
      problem(`unknown alias *${(k as Alias).source}`, k);
      return undefined;
    }
    if (!isScalar(target)) {
      problem('a list or map cannot be a key: config keys are strings, numbers, booleans or null', k);
      return undefined;
    }
    const refused = tagRefusal(target.tag);
    if (refused) {
      problem(refused, k);
      return undefined;
    }
    return configKeyOf(target);
  };

  const toJS = (node: unknown, depth: number, pathKey: string): unknown => {
    if (depth > MAX_DEPTH) throw new LoadAbort(`nesting deeper than ${MAX_DEPTH} levels`, node as Node);
    if (++expanded > MAX_EXPANDED_NODES) {
      throw new LoadAbort('document expands to too many nodes (alias bomb?)', node as Node);
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = resolve(node as Alias);
      if (!target) throw new LoadAbort(`unknown alias *${(node as Alias).source}`, node as Node);
      const r = (node as Alias).range;
      const value = toJS(target, depth + 1, pathKey);
      if (r) provenance.set(pathKey, { ...(provenance.origin(pathKey) ?? {}), value: range(r[0], r[1]) });
      return value;
    }
    const n = node as Node;
    const r = n.range;
    if (r) provenance.set(pathKey, { value: range(r[0], r[1]) });
    const refused = tagRefusal(n.tag);
    if (refused) {
      problem(refused, n);
      return null;
    }
    if (isScalar(n)) {
      const v = n.value;
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Date) return v.toISOString();
      return v ?? null;
    }
    if (isMap(n)) {
      const obj: Record<string, unknown> = {};
      const firstKeys = new Map<string, WrittenKey>();
      for (const pair of n.items) {
        const keyNode = pair.key as Node | null;
        const key = keyOf(keyNode);
        if (key === undefined) continue;
        // A missing key (`: a`) has no node: point at its value.
        const at = keyNode ?? (pair.value as Node | null);
        const written: WrittenKey = { source: keySource(text, keyNode), from: at?.range?.[0] ?? 0 };
        const first = firstKeys.get(key);
        if (first) {
          problem(duplicateKeyMessage(key, written, first, lineCounter), at);
          continue;
        }
        firstKeys.set(key, written);
        const childKey = appendPath(pathKey, key);
        setOwn(obj, key, toJS(pair.value, depth + 1, childKey));
        const kr = keyNode?.range;
        if (kr) {
          const keyRange = range(kr[0], kr[1]);
          provenance.set(childKey, { value: provenance.origin(childKey)?.value ?? keyRange, key: keyRange });
        }
      }
      return obj;
    }
    if (isSeq(n)) {
      return n.items.map((item, i) => toJS(item, depth + 1, appendPath(pathKey, i)));
    }
    problem('unsupported YAML node', n);
    return null;
  };
  try {
    const value = toJS(doc.contents, 0, '');
    if (problems.length > 0) return { findings: [...warnings, ...problems] };
    if (!provenance.origin('')) provenance.set('', { value: range(0, 0) });
    return { doc: { file, value, provenance, text }, findings: warnings };
  } catch (err) {
    if (err instanceof LoadAbort) {
      const r = err.node?.range;
      return {
        findings: [
          {
            rule: 'yaml/syntax',
            severity: 'error',
            message: err.message,
            location: r ? range(r[0], r[1]) : range(0, 0),
          },
        ],
      };
    }
    if (err instanceof RangeError) {
      return { findings: [fileFinding(file, 'document is nested too deeply')] };
    }
    throw err;
  }
}

function cleanMessage(e: YAMLError): string {
  const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (e.code === 'BAD_DIRECTIVE' && /^(Unknown directive|Unsupported YAML version)/.test(first)) {
    return `${first} (ignored, as YAML 1.2 says)`;
  }
  const unresolved = /^Unresolved tag: (.*)$/.exec(first);
  if (unresolved) {
    const tag = unresolved[1];
    return tagRefusal(tag) === undefined
      ? `the value does not fit its tag ${displayTag(tag)}`
      : `tag ${displayTag(tag)} is not supported (custom tags are not allowed)`;
  }
  return first;
}

/** A `%YAML` directive given twice before one document (YAML 1.2 §6.8.1 forbids it). */
interface DirectiveError {
  message: string;
  offset: number;
  length: number;
}

/**
 * Parses the text into its documents (a stream with none still gives one, empty), noting the
 * directive errors the library lets pass. Keys are not checked for uniqueness here.
 */
function composeDocuments(
  text: string,
  lineCounter: LineCounter,
): { docs: Document.Parsed[]; directiveErrors: DirectiveError[] } {
  const directiveErrors: DirectiveError[] = [];
  let sawYamlDirective = false;
  function* watched(tokens: Iterable<Token>): Generator<Token> {
    for (const token of tokens) {
      if (token.type === 'directive') {
        if (/^%YAML(?:[ \t]|$)/.test(token.source)) {
          if (sawYamlDirective) {
            directiveErrors.push({
              message: 'duplicate %YAML directive: a document may have only one',
              offset: token.offset,
              length: token.source.length,
            });
          }
          sawYamlDirective = true;
        }
      } else if (token.type === 'document') sawYamlDirective = false;
      yield token;
    }
  }
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer({ version: '1.2', strict: true, uniqueKeys: false, keepSourceTokens: false });
  const docs = [...composer.compose(watched(parser.parse(text)), true, text.length)];
  return { docs, directiveErrors };
}

/**
 * The node each alias names: the last node before it with that anchor. One walk over the
 * document; `Alias.resolve` walks the whole document for every alias (quadratic).
 */
function anchorTargets(doc: Document.Parsed): Map<Alias, Node | undefined> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node | undefined>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

/**
 * Why the document cannot be expanded, and where: the smallest node whose expansion (aliases
 * counted as copies of their anchor) holds more than MAX_EXPANDED_NODES nodes, or an alias
 * inside the node it names. Each node is counted once (memoised), so this is linear in the
 * document even when its expansion is exponential. Nesting beyond MAX_DEPTH is left to the
 * builder, which reports it.
 */
function expansionProblem(
  root: unknown,
  resolve: (a: Alias) => Node | undefined,
): { message: string; node: Node } | undefined {
  const IN_PROGRESS = -1;
  const sizes = new Map<Node, number>();
  let problem: { message: string; node: Node } | undefined;
  const sizeOf = (node: unknown, depth: number): number => {
    if (problem || node === null || node === undefined || depth > MAX_DEPTH) return 1;
    let n = node as Node;
    if (isAlias(n)) {
      const target = resolve(n);
      if (!target) return 1;
      if (sizes.get(target) === IN_PROGRESS) {
        problem = { message: `alias *${n.source} is inside the node it names (endless expansion)`, node: n };
        return 1;
      }
      n = target;
    }
    const known = sizes.get(n);
    if (known !== undefined) return known;
    sizes.set(n, IN_PROGRESS);
    let size = 1;
    if (isMap(n)) for (const p of n.items) size += sizeOf(p.key, depth + 1) + sizeOf(p.value, depth + 1);
    else if (isSeq(n)) for (const item of n.items) size += sizeOf(item, depth + 1);
    sizes.set(n, size);
    if (size > MAX_EXPANDED_NODES && !problem) {
      problem = { message: 'document expands to too many nodes (alias bomb?)', node: n };
    }
    return size;
  };
  sizeOf(root, 0);
  return problem;
}

/** How a key is written in the file, and where. */
interface WrittenKey {
  source: string;
  from: number;
}

/** The key's text as written (one line, capped), or '' for a missing key. */
function keySource(text: string, key: Node | null): string {
  const r = key?.range;
  if (!r) return '';
  const s = text
    .slice(r[0], Math.min(r[1], r[0] + 200))
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function duplicateKeyMessage(key: string, here: WrittenKey, first: WrittenKey, lines: LineCounter): string {
  const name = JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);
  const p = lines.linePos(first.from);
  const at = `line ${p.line}, column ${p.col}`;
  if (here.source === first.source) return `duplicate key ${name} (first at ${at})`;
  const shown = (w: WrittenKey) => (w.source === '' ? 'an empty key' : w.source);
  return `duplicate key ${name}: ${shown(here)} here and ${shown(first)} at ${at} are the same config key`;
}

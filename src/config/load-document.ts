/**
 * The one loader: file bytes → LoadedDocument (plain values + the position of every node).
 * Built on eemeli/yaml's Document API with a LineCounter. Every failure is a Finding
 * with a position (rule `yaml/syntax`, or the guarded reader's `io/*` rules for files that
 * cannot or must not be read), never an exception.
 */
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  type YAMLError,
} from 'yaml';
import type { Finding, SourceRange } from '../diagnostics/finding.js';
import { appendPath } from './path.js';
import { Provenance } from './provenance.js';
import { type GuardOptions, readGuarded } from './read-file.js';
import { decodeConfigBytes } from './source-text.js';
import type { LoadResult } from './types.js';

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

/** Parses bytes or text that claim to be one YAML 1.2 (or JSON) document. */
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
  const docs = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: true,
    version: '1.2',
    prettyErrors: false,
    strict: true,
    keepSourceTokens: false,
  });
  const range = (from: number, to: number): SourceRange => {
    const a = lineCounter.linePos(from);
    const b = lineCounter.linePos(Math.max(from, to));
    return { file, line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  };
  const yamlFinding = (e: YAMLError): Finding => {
    const r = range(e.pos[0], e.pos[1]);
    const msg =
      e.code === 'RESOURCE_EXHAUSTION' ? 'document is nested too deeply or too large' : cleanMessage(e);
    return { rule: 'yaml/syntax', severity: 'error', message: msg, location: r };
  };

  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length === 0) {
    const provenance = new Provenance();
    provenance.set('', { value: range(0, 0) });
    return { doc: { file, value: null, provenance, text }, findings: [] };
  }
  const findings: Finding[] = [];
  for (const d of list) {
    for (const e of d.errors) findings.push(yamlFinding(e));
    // Unresolved tags and similar warnings change meaning silently: treat them as errors.
    for (const w of d.warnings) findings.push(yamlFinding(w));
  }
  if (list.length > 1) {
    const second = list[1] as Document;
    const start = second.range?.[0] ?? 0;
    findings.push({
      rule: 'yaml/syntax',
      severity: 'error',
      message: `expected one document, found ${list.length} (remove the "---" separator)`,
      location: range(start, start),
    });
  }
  if (findings.length > 0) return { findings };

  const doc = list[0] as Document;
  const provenance = new Provenance();
  let expanded = 0;

  const toJS = (node: unknown, depth: number, pathKey: string): unknown => {
    if (depth > MAX_DEPTH) throw new LoadAbort(`nesting deeper than ${MAX_DEPTH} levels`, node as Node);
    if (++expanded > MAX_EXPANDED_NODES) {
      throw new LoadAbort('document expands to too many nodes (alias bomb?)', node as Node);
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = (node as Alias).resolve(doc);
      if (!target) throw new LoadAbort(`unknown alias *${(node as Alias).source}`, node as Node);
      const r = (node as Alias).range;
      const value = toJS(target, depth + 1, pathKey);
      if (r) provenance.set(pathKey, { ...(provenance.origin(pathKey) ?? {}), value: range(r[0], r[1]) });
      return value;
    }
    const n = node as Node;
    const r = n.range;
    if (r) provenance.set(pathKey, { value: range(r[0], r[1]) });
    if (isScalar(n)) {
      const v = n.value;
      if (typeof v === 'bigint') return Number(v);
      if (v instanceof Date) return v.toISOString();
      return v ?? null;
    }
    if (isMap(n)) {
      const obj: Record<string, unknown> = {};
      for (const pair of n.items) {
        const k = pair.key;
        if (k !== null && !isScalar(k)) throw new LoadAbort('map keys must be plain scalars', k as Node);
        const key = k === null ? '' : String(k.value ?? '');
        const childKey = appendPath(pathKey, key);
        setOwn(obj, key, toJS(pair.value, depth + 1, childKey));
        const kr = k?.range;
        const existing = provenance.origin(childKey);
        if (kr) {
          const keyRange = range(kr[0], kr[1]);
          provenance.set(childKey, { value: existing?.value ?? keyRange, key: keyRange });
        }
      }
      return obj;
    }
    if (isSeq(n)) {
      return n.items.map((item, i) => toJS(item, depth + 1, appendPath(pathKey, i)));
    }
    throw new LoadAbort('unsupported YAML node', n);
  };

  try {
    const value = toJS(doc.contents, 0, '');
    if (!provenance.origin('')) provenance.set('', { value: range(0, 0) });
    return { doc: { file, value, provenance, text }, findings: [] };
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
  if (e.code === 'DUPLICATE_KEY') return 'duplicate key: map keys must be unique';
  if (e.code === 'TAG_RESOLVE_FAILED') return `${first} (custom tags are not allowed)`;
  return first;
}

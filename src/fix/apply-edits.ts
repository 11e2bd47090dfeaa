/**
 * Applies structured edits to the text of one YAML file without re-serialising it: each edit is
 * resolved to a byte range of the original text through yaml's Document source ranges, and the
 * text is spliced there. Comments, key order, quoting and indentation elsewhere stay as written.
 * An edit that cannot be applied safely (flow collections, a key sharing its line with another
 * node, a target that is not there) is skipped and reported, never guessed.
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  parseDocument,
  Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { EditTarget, FixEdit } from '../diagnostics/fix.js';

export interface EditOutcome {
  /** The new text (the input unchanged when nothing applied). */
  text: string;
  applied: FixEdit[];
  skipped: { edit: FixEdit; reason: string }[];
}

type Collection = YAMLMap<unknown, unknown> | YAMLSeq<unknown>;
/** One step from a collection to its entry. */
interface Step {
  coll: Collection;
  index: number;
}
interface Resolved {
  chain: Step[];
}
interface Span {
  start: number;
  end: number;
  insert: string;
  edit: FixEdit;
}

export function applyEdits(text: string, edits: readonly FixEdit[]): EditOutcome {
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: false });
  const skipped: EditOutcome['skipped'] = [];
  if (doc.errors.length > 0) {
    return { text, applied: [], skipped: edits.map((edit) => ({ edit, reason: 'the file does not parse' })) };
  }
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);

  // Removals are grouped per collection: removing every entry of one removes its parent entry,
  // so that no `key:` is left behind meaning null.
  const removals = new Map<Collection, { chain: Step[]; indexes: Set<number>; edits: FixEdit[] }>();
  const spans: Span[] = [];
  for (const edit of edits) {
    const r = resolve(doc.contents, edit.target, lineStarts);
    if (!r) {
      skipped.push({ edit, reason: 'the target is not in the file' });
      continue;
    }
    const last = r.chain[r.chain.length - 1];
    if (edit.op === 'remove') {
      const g = removals.get(last.coll) ?? { chain: r.chain.slice(0, -1), indexes: new Set(), edits: [] };
      g.indexes.add(last.index);
      g.edits.push(edit);
      removals.set(last.coll, g);
      continue;
    }
    const span = edit.op === 'rename' ? renameSpan(last, edit.to) : setSpan(last, edit.value, text);
    if (typeof span === 'string') skipped.push({ edit, reason: span });
    else spans.push({ ...span, edit });
  }

  for (const [coll, g] of removals) {
    let chain = g.chain;
    let target: Collection = coll;
    let indexes = [...g.indexes];
    // Climb while the collection would be left empty (never past the document's root).
    while (indexes.length === target.items.length && chain.length > 0) {
      const up = chain[chain.length - 1];
      target = up.coll;
      indexes = [up.index];
      chain = chain.slice(0, -1);
    }
    for (const index of indexes) {
      const span = removeSpan(target, index, text, lineStarts);
      if (typeof span === 'string') for (const edit of g.edits) skipped.push({ edit, reason: span });
      else spans.push({ ...span, edit: g.edits[0] });
    }
  }

  // Splice from the end; a span inside another (already removed) one is dropped.
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Span[] = [];
  for (const s of spans) {
    const prev = kept[kept.length - 1];
    if (prev && s.start < prev.end) continue;
    kept.push(s);
  }
  let out = text;
  for (const s of [...kept].reverse()) out = out.slice(0, s.start) + s.insert + out.slice(s.end);
  const applied = edits.filter((e) => !skipped.some((x) => x.edit === e));
  return { text: out, applied, skipped };
}

function resolve(root: unknown, target: EditTarget, lineStarts: number[]): Resolved | undefined {
  if ('path' in target) {
    const chain: Step[] = [];
    let node: unknown = root;
    for (const seg of target.path) {
      if (isMap(node)) {
        const index = node.items.findIndex((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (index < 0) return undefined;
        chain.push({ coll: node, index });
        node = node.items[index].value;
      } else if (isSeq(node) && typeof seg === 'number' && seg >= 0 && seg < node.items.length) {
        chain.push({ coll: node, index: seg });
        node = node.items[seg];
      } else return undefined;
    }
    return chain.length > 0 ? { chain } : undefined;
  }
  const { line, column } = target.at;
  if (line < 1 || line > lineStarts.length) return undefined;
  const offset = lineStarts[line - 1] + column - 1;
  const found = findAt(root, offset, []);
  return found ? { chain: found } : undefined;
}

/** The chain to the map entry whose key, or the entry whose value, starts at `offset`. */
function findAt(node: unknown, offset: number, chain: Step[]): Step[] | undefined {
  if (isMap(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const p = node.items[i];
      const here = [...chain, { coll: node, index: i }];
      if (
        (isScalar(p.key) && p.key.range?.[0] === offset) ||
        (nodeRange(p.value)?.[0] === offset && isScalar(p.value))
      )
        return here;
      const deeper = findAt(p.value, offset, here);
      if (deeper) return deeper;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const here = [...chain, { coll: node, index: i }];
      const item = node.items[i];
      if (isScalar(item) && item.range?.[0] === offset) return here;
      const deeper = findAt(item, offset, here);
      if (deeper) return deeper;
    }
  }
  return undefined;
}

function nodeRange(n: unknown): [number, number, number] | undefined {
  const r = (n as Node | null | undefined)?.range;
  return r ?? undefined;
}

function entryNode(step: Step): { key?: Scalar; value: unknown } {
  const item = step.coll.items[step.index];
  if (isPair(item)) return { key: isScalar(item.key) ? item.key : undefined, value: item.value };
  return { value: item };
}

/** The whole lines an entry occupies, from its key (or `-`) to the end of its value's line. */
function removeSpan(
  coll: Collection,
  index: number,
  text: string,
  lineStarts: number[],
): Omit<Span, 'edit'> | string {
  if (coll.flow) return 'the entry is in a flow collection';
  const item = coll.items[index];
  const startNode = isPair(item) ? (item as Pair).key : item;
  const endNode = isPair(item) ? ((item as Pair).value ?? (item as Pair).key) : item;
  const start = nodeRange(startNode)?.[0];
  const end = nodeRange(endNode)?.[1];
  if (start === undefined || end === undefined) return 'the entry has no position';
  const lineStart = lineStarts[lineIndex(lineStarts, start)];
  const before = text.slice(lineStart, start);
  const ok = isSeq(coll) ? /^[ \t]*-[ \t]*$/.test(before) : /^[ \t]*$/.test(before);
  if (!ok) return 'the entry shares its line with another node';
  let stop = end;
  if (stop > 0 && text[stop - 1] === '\n') return { start: lineStart, end: stop, insert: '' };
  const nl = text.indexOf('\n', stop);
  stop = nl < 0 ? text.length : nl + 1;
  const rest = text.slice(end, stop);
  if (!/^[ \t]*(#.*)?\r?\n?$/.test(rest)) return 'the entry shares its line with another node';
  return { start: lineStart, end: stop, insert: '' };
}

function lineIndex(lineStarts: number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function renameSpan(step: Step, to: string): Omit<Span, 'edit'> | string {
  const { key } = entryNode(step);
  const r = key?.range;
  if (!key || !r) return 'the entry has no scalar key';
  if (step.coll.items.some((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === to))
    return `the mapping already has "${to}"`;
  return { start: r[0], end: r[1], insert: formatScalar(to, key.type) };
}

function setSpan(step: Step, value: string | number | boolean, text: string): Omit<Span, 'edit'> | string {
  const { value: node } = entryNode(step);
  if (!isScalar(node) || !node.range) return 'the value is not a scalar';
  const r = node.range;
  if (text.slice(r[0], r[1]).includes('\n')) return 'the value spans several lines';
  return { start: r[0], end: r[1], insert: formatScalar(value, node.type) };
}

const PLAIN_SAFE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

/** A scalar written in the original's quoting style when that style can hold it. */
export function formatScalar(value: string | number | boolean, type: Scalar['type']): string {
  if (typeof value !== 'string') return String(value);
  if (type === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (type === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  if ((PLAIN_SAFE.test(value) || /^\d+(\.\d+)?(ms|s|m|h)$/.test(value)) && !RESERVED.test(value))
    return value;
  return JSON.stringify(value);
}

/**
 * Positions inside an expression written as a YAML scalar: CEL reports offsets into the
 * expression; users need file:line:col. Handles plain, quoted and block (`|`, `>`) scalars.
 */
import type { LoadedDocument } from '../../config/types.js';
import type { SourceRange } from '../../diagnostics/finding.js';

const lineStartsCache = new WeakMap<LoadedDocument, number[]>();

function lineStarts(doc: LoadedDocument): number[] {
  let starts = lineStartsCache.get(doc);
  if (!starts) {
    starts = [0];
    for (let i = 0; i < doc.text.length; i++) if (doc.text.charCodeAt(i) === 10) starts.push(i + 1);
    lineStartsCache.set(doc, starts);
  }
  return starts;
}

/** The source range of `[start, end)` of the expression held at `path` of the document. */
export function expressionRange(
  doc: LoadedDocument,
  path: string,
  expr: string,
  start: number,
  end: number,
): SourceRange | undefined {
  const node = doc.provenance.origin(path)?.value;
  if (!node) return doc.provenance.locate(path);
  const starts = lineStarts(doc);
  const nodeOffset = (starts[node.line - 1] ?? 0) + node.column - 1;
  const first = doc.text[nodeOffset];
  const clamp = (n: number) => Math.max(0, Math.min(n, expr.length));
  const a = clamp(start);
  const b = clamp(Math.max(end, start + 1));

  if (first === '|' || first === '>') {
    // Block scalar: content starts on the next line, at the block's indentation.
    const toPos = (off: number) => {
      const before = expr.slice(0, off);
      const nl = before.split('\n').length - 1;
      const lineNo = node.line + 1 + nl;
      const lineText = doc.text.slice(starts[lineNo - 1] ?? 0, starts[lineNo] ?? doc.text.length);
      const indent = lineText.length - lineText.trimStart().length;
      const col = off - (before.lastIndexOf('\n') + 1);
      return { line: lineNo, column: indent + col + 1 };
    };
    const s = toPos(a);
    const e = toPos(b);
    return { file: doc.file, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  }
  const quoted = first === '"' || first === "'" ? 1 : 0;
  if (!expr.includes('\n')) {
    return {
      file: doc.file,
      line: node.line,
      column: node.column + quoted + a,
      endLine: node.line,
      endColumn: node.column + quoted + b,
    };
  }
  return node;
}

/**
 * Where a CI format anchors a finding. Code scanning, workflow annotations and Code Quality
 * all need a file and a line, relative to the repository root; a project-wide finding that
 * has no location of its own is anchored at the top of the first checked file (the manifest).
 */
import type { SourceRange } from '../diagnostics/finding.js';
import type { ReportItem } from './merge.js';
import { type ReportInput, relativeFile } from './report.js';

export interface Anchor extends SourceRange {
  /** `file` relative to the repository root, with `/`. */
  rel: string;
  /** False when the finding had no location and was anchored at the first checked file. */
  exact: boolean;
}

export function reportRoot(input: ReportInput): string {
  return input.root ?? input.cwd;
}

export function anchorOf(item: ReportItem, input: ReportInput): Anchor | undefined {
  const root = reportRoot(input);
  const l = item.finding.location;
  if (l) {
    const endLine = Math.max(l.line, l.endLine);
    const endColumn = endLine === l.line ? Math.max(l.column, l.endColumn) : l.endColumn;
    return { ...l, endLine, endColumn, rel: relativeFile(root, l.file), exact: true };
  }
  const first = input.files[0];
  if (first === undefined) return undefined;
  return {
    file: first,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    rel: relativeFile(root, first),
    exact: false,
  };
}

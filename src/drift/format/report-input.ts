/** What every drift output format receives, and the helpers they share. */
import type { Finding, SourceRange } from '../../diagnostics/finding.js';
import { relativeFile } from '../../report/report.js';
import type { DriftCell, DriftComparison, DriftRow } from '../model.js';
import type { ProjectDrift } from '../project-drift.js';

export interface DriftReportInput {
  drift: ProjectDrift;
  /** The sides to show (the reference always among them). */
  comparison: DriftComparison;
  /** Findings to list (located, secrets never in messages). */
  findings: Finding[];
  /** Paths in reports are relative to this directory. */
  cwd: string;
  /** Absolute paths of every file read. */
  files: string[];
  /** Every row, not only those that differ. */
  all: boolean;
  color: boolean;
  codeFrames: boolean;
  readSource?: (file: string) => string | undefined;
  /** Columns the text table is fitted to (default 80). */
  width?: number;
}

export type DriftFormatter = (input: DriftReportInput) => string;

/** Rows to show: those that differ or carry a finding, or every row with `all`. */
export function shownRows(input: DriftReportInput): DriftRow[] {
  if (input.all) return input.comparison.rows;
  return input.comparison.rows.filter((r) => r.verdict !== 'same' || r.cells.some((c) => c.redundant));
}

export function origin(cwd: string, r: SourceRange | undefined): string | undefined {
  return r ? `${relativeFile(cwd, r.file)}:${r.line}:${r.column}` : undefined;
}

export function allowReason(input: DriftReportInput, index: number | undefined): string | undefined {
  if (index === undefined) return undefined;
  const a = input.drift.allows.find((x) => x.index === index);
  if (!a) return undefined;
  return a.reason ?? `drift.allow ${a.pattern.source}`;
}

const VERDICT_LABEL = {
  drift: 'drift',
  missing: 'missing',
  allowed: 'allowed',
  normalized: 'same up to env name',
  same: 'same',
} as const;

/** `drift: dev, staging` / `allowed: smaller machines outside prod` / `same up to env name`. */
export function verdictText(input: DriftReportInput, row: DriftRow): string {
  const sides = input.comparison.sides;
  const envsWith = (pred: (c: DriftCell) => boolean) =>
    row.cells.map((c, i) => (pred(c) ? sides[i].id : undefined)).filter((x): x is string => x !== undefined);
  switch (row.verdict) {
    case 'drift':
    case 'missing': {
      const bad = envsWith((c) => c.status === 'drift' || c.status === 'missing');
      return `${VERDICT_LABEL[row.verdict]}: ${bad.join(', ')}`;
    }
    case 'allowed': {
      const reasons = [
        ...new Set(
          row.cells.map((c) => allowReason(input, c.allow)).filter((x): x is string => x !== undefined),
        ),
      ];
      return `allowed: ${reasons.join('; ')}`;
    }
    default:
      return VERDICT_LABEL[row.verdict] + (row.cells.some((c) => c.redundant) ? ' (redundant override)' : '');
  }
}

export interface Tally {
  rows: number;
  drifted: number;
  missing: number;
  allowed: number;
  normalized: number;
}

export function tally(cmp: DriftComparison): Tally {
  const t: Tally = { rows: cmp.rows.length, drifted: 0, missing: 0, allowed: 0, normalized: 0 };
  for (const r of cmp.rows) {
    if (r.verdict === 'drift') t.drifted++;
    else if (r.verdict === 'missing') t.missing++;
    else if (r.verdict === 'allowed') t.allowed++;
    else if (r.verdict === 'normalized') t.normalized++;
  }
  return t;
}

export function columnTitle(cmp: DriftComparison, i: number): string {
  const s = cmp.sides[i];
  return s.id === cmp.reference ? `${s.id} (reference)` : s.id;
}

/**
 * The drift model: sides (columns) compared with a reference side, rows (one per config
 * key, items of named lists matched by name), cells, and the differences findings come from.
 *
 * A side is "declared" (an environment's effective config) or "deployed" (what Terraform
 * state or a running exporter reports). Cross-environment drift compares declared sides
 * with the reference environment's; `--state`/`--live` compare a deployed side with the
 * declared side of the same environment, through the same engine.
 */
import type { SourceRange } from '../diagnostics/finding.js';
import type { DriftKey } from './keys.js';
import type { DriftPattern } from './pattern.js';

export type SideKind = 'declared' | 'deployed';

export interface DriftSide {
  /** Column id, unique in a comparison: the environment's name, or e.g. `prod (deployed)`. */
  id: string;
  /** The environment: its name is normalized in values, and `drift.allow[].envs` refers to it. */
  env: string;
  kind: SideKind;
  protected: boolean;
  /** Plain JSON values. */
  values: unknown;
  /**
   * Where the side's value at `key` comes from. `path` is its config path when present;
   * undefined when the side lacks the key: then the line that removed it, if the side's
   * own sources removed it, else undefined. `preferKey`: the key's range rather than the
   * value's (for maps and lists, and for keys that are there or not).
   */
  locate(key: DriftKey, path: string | undefined, preferKey: boolean): SourceRange | undefined;
}

/** One `drift.allow` entry, parsed. */
export interface AllowRule {
  /** Position in `drift.allow`. */
  index: number;
  pattern: DriftPattern;
  /** Environments the entry covers (default, or an empty list: all). */
  envs?: string[];
  reason?: string;
}

/**
 * - `reference`: the reference side's own cell;
 * - `same`: equal to the reference; `normalized`: equal once the environment names are normalized;
 * - `absent`: neither this side nor the reference has the key;
 * - `allowed`: differs (value or presence), covered by a `drift.allow` entry;
 * - `drift`: the value differs, uncovered; `missing`: present on one side only, uncovered.
 */
export type CellStatus = 'reference' | 'same' | 'normalized' | 'absent' | 'allowed' | 'drift' | 'missing';

export interface DriftCell {
  side: string;
  present: boolean;
  /** The value, secrets redacted (never the raw value). */
  value?: unknown;
  status: CellStatus;
  /** The covering allow rule's `index` (its position in `drift.allow`), for `allowed`. */
  allow?: number;
  /** Config path in this side (list indices), when present. */
  path?: string;
  /** Where the value comes from. */
  origin?: SourceRange;
  /** The side's overlay restates the base here (drift/redundant-override). */
  redundant?: boolean;
  /** Redacted values that look equal but differ. */
  secretDiffers?: boolean;
}

/** A row's worst cell: drift > missing > allowed > normalized > same. */
export type RowVerdict = 'drift' | 'missing' | 'allowed' | 'normalized' | 'same';

export interface DriftRow {
  /** Formatted drift key (`monitoring.alerts[name=ExportSlow].threshold`). */
  key: string;
  segments: DriftKey;
  /** One per side, in side order. */
  cells: DriftCell[];
  verdict: RowVerdict;
}

export type DifferenceKind = 'value' | 'missing' | 'extra';

/** One side differing from the reference at one key: what a drift finding reports. */
export interface DriftDifference {
  side: string;
  env: string;
  key: string;
  segments: DriftKey;
  /** `value`: both have it, values differ; `missing`: only the reference has it; `extra`: only this side. */
  kind: DifferenceKind;
  /** Config path: in this side, or in the reference when this side lacks the key. */
  path: string;
  allow?: number;
  /** Where this side's difference comes from (overlay line, else base line). */
  location?: SourceRange;
  /** Where the reference's value comes from. */
  referenceOrigin?: SourceRange;
  /** Redacted values. */
  value?: unknown;
  referenceValue?: unknown;
  secretDiffers?: boolean;
}

export interface SideInfo {
  id: string;
  env: string;
  kind: SideKind;
  protected: boolean;
}

export interface DriftComparison {
  /** Id of the reference side. */
  reference: string;
  sides: SideInfo[];
  /** Every leaf key of any side, in document order (reference first); empty when built without rows. */
  rows: DriftRow[];
  differences: DriftDifference[];
  /** For each allow rule given (in the order given), whether it covered a difference. */
  allowUsed: boolean[];
}

const VERDICT_RANK: Record<RowVerdict, number> = { drift: 4, missing: 3, allowed: 2, normalized: 1, same: 0 };

export function rowVerdict(cells: readonly DriftCell[]): RowVerdict {
  let v: RowVerdict = 'same';
  for (const c of cells) {
    const cv: RowVerdict | undefined =
      c.status === 'drift' || c.status === 'missing' || c.status === 'allowed' || c.status === 'normalized'
        ? c.status
        : undefined;
    if (cv && VERDICT_RANK[cv] > VERDICT_RANK[v]) v = cv;
  }
  return v;
}

/** The comparison restricted to some sides (the reference is always kept); verdicts recomputed. */
export function selectSides(cmp: DriftComparison, ids: ReadonlySet<string>): DriftComparison {
  const keep = cmp.sides.map((s) => s.id === cmp.reference || ids.has(s.id));
  const rows = cmp.rows.map((r) => {
    const cells = r.cells.filter((_, i) => keep[i]);
    return { ...r, cells, verdict: rowVerdict(cells) };
  });
  return {
    ...cmp,
    sides: cmp.sides.filter((_, i) => keep[i]),
    rows,
    differences: cmp.differences.filter((d) => d.side === cmp.reference || ids.has(d.side)),
  };
}

/**
 * A fix a finding carries: one structured edit of one source file, computed by the stage that
 * produced the finding. `check --fix` applies safe fixes (src/fix/); a suggestion needs a
 * human's choice and is only shown (text output, SARIF `fixes`), never applied.
 */

/** Where an edit applies: a path inside the file's YAML document, or the node at a position. */
export type EditTarget =
  | { path: Array<string | number> }
  /** The key (for `rename`, `remove`) or value (for `set`) starting at this 1-based position. */
  | { at: { line: number; column: number } };

export type FixEdit =
  /** Remove a mapping entry or sequence item (and a parent left empty by it). */
  | { file: string; target: EditTarget; op: 'remove' }
  /** Rename a mapping key, keeping its value, comments and position. */
  | { file: string; target: EditTarget; op: 'rename'; to: string }
  /** Replace a scalar value, keeping its quoting style where it can. */
  | { file: string; target: EditTarget; op: 'set'; value: string | number | boolean };

/** A candidate edit a human must choose (never applied by `--fix`). */
export interface FixSuggestion {
  description: string;
  edit: FixEdit;
}

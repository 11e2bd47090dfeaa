/**
 * Fitting the drift table into a terminal's width: value columns share what the path leaves,
 * long values keep both ends, the verdict wraps under itself, and a path is never cut (one
 * too long for its column gets a line of its own, its cells on the next).
 */

/** Narrowest a value column gets: enough for `1…9 *`. */
const MIN_VALUE = 8;
/** A verdict narrower than this goes on its own indented lines below the row. */
const MIN_VERDICT = 20;
const GAP = 2;

export interface TableLayout {
  /** Width of the path column; longer paths get their own line. */
  path: number;
  /** Width of each value column. */
  values: number[];
  /** Width the verdict is wrapped to, and where it starts. */
  verdict: number;
  verdictIndent: number;
}

/** A value column narrower than this (when its values are wider) is worth the verdict's own line. */
const COMFORTABLE_VALUE = 16;

/**
 * Lays out a table of `natural` column widths (path, values..., verdict) within `width`: the
 * verdict beside the values when they keep a comfortable width, else under the row.
 */
export function fitColumns(
  natural: { path: number; values: number[]; verdict: number },
  width: number,
): TableLayout {
  const n = natural.values.length;
  // The narrowest the values can get: each column at MIN_VALUE, or its natural width if less.
  const floor = natural.values.reduce((a, w) => a + Math.min(w, MIN_VALUE), 0);
  // The path column leaves the values their floor; longer paths go on their own line.
  const pathCap = Math.min(Math.floor(width * 0.4), width - floor - GAP * n);
  const path = Math.min(natural.path, Math.max(16, pathCap));
  const inlineRoom = width - path - GAP * (n + 1) - Math.min(natural.verdict, MIN_VERDICT);
  const inline = shareWidth(natural.values, Math.max(inlineRoom, floor));
  const verdictIndent = path + inline.reduce((a, w) => a + w + GAP, 0) + GAP;
  const verdictRoom = width - verdictIndent;
  if (
    verdictRoom >= Math.min(natural.verdict, MIN_VERDICT) &&
    inline.every((w, i) => w >= Math.min(natural.values[i], COMFORTABLE_VALUE))
  ) {
    return { path, values: inline, verdict: verdictRoom, verdictIndent };
  }
  const values = shareWidth(natural.values, Math.max(width - path - GAP * n, floor));
  return { path, values, verdict: Math.max(width - 4, MIN_VERDICT), verdictIndent: 4 };
}

/**
 * Columns keep their natural width when they fit; otherwise every column wider than a common
 * cap is cut to it (the widest give up most), never below MIN_VALUE.
 */
function shareWidth(natural: number[], room: number): number[] {
  const sum = (cap: number) => natural.reduce((a, w) => a + Math.min(w, cap), 0);
  let cap = Math.max(MIN_VALUE, ...natural);
  while (cap > MIN_VALUE && sum(cap) > room) cap--;
  const widths = natural.map((w) => Math.min(w, cap));
  // What the cap's rounding leaves goes to the columns it cut, left to right.
  let spare = room - widths.reduce((a, b) => a + b, 0);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    if (widths[i] < natural[i]) {
      widths[i]++;
      spare--;
    }
  }
  return widths;
}

/** Words of `text` in lines of at most `width` characters (a longer word is split). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while ([...word].length > width) {
      if (line) lines.push(line);
      line = '';
      const chars = [...word];
      lines.push(chars.slice(0, width).join(''));
      word = chars.slice(width).join('');
    }
    if (!word) continue;
    if (line === '') line = word;
    else if ([...line].length + 1 + [...word].length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** The terminal width a table is fitted to: `COLUMNS`, else the TTY's columns, else 80. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  const env = Number(process.env.COLUMNS);
  if (Number.isInteger(env) && env >= 20) return env;
  if (stream.isTTY === true && typeof stream.columns === 'number' && stream.columns >= 20)
    return stream.columns;
  return 80;
}

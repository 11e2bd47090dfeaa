/** ANSI colours of every text output (findings, drift, deps, policy test); none when off. */
const CODES = { bold: 1, red: 31, green: 32, yellow: 33, cyan: 36, gray: 90 } as const;

export type Palette = Record<keyof typeof CODES, (s: string) => string>;

/** The colour functions for one output: each wraps its text in SGR codes when `color` is on. */
export function palette(color: boolean): Palette {
  const paint = (code: number) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return {
    bold: paint(CODES.bold),
    red: paint(CODES.red),
    green: paint(CODES.green),
    yellow: paint(CODES.yellow),
    cyan: paint(CODES.cyan),
    gray: paint(CODES.gray),
  };
}

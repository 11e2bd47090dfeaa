/** Config paths: `['monitoring','alerts',1,'for']` <-> `monitoring.alerts[1].for`. */
export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Appends one segment to a formatted path. */
export function appendPath(base: string, seg: PathSegment): string {
  if (typeof seg === 'number') return `${base}[${seg}]`;
  if (PLAIN_KEY.test(seg)) return base === '' ? seg : `${base}.${seg}`;
  return `${base}[${JSON.stringify(seg)}]`;
}

export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const seg of path) out = appendPath(out, seg);
  return out;
}

export function parsePath(text: string): PathSegment[] {
  const out: PathSegment[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
  }
  return out;
}

/** Reads the value at `path` in a plain JS value; undefined when absent. */
export function getAtPath(value: unknown, path: ConfigPath): unknown {
  let cur: unknown = value;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** `s` matched literally inside a regular expression (path patterns are built from it). */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether the formatted `path` is `prefix` or lies under it (`a.b`, `a[0]` under `a`). */
export function isAtOrUnder(path: string, prefix: string): boolean {
  if (prefix === '') return true;
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

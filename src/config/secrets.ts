/**
 * The one definition of a secret. `security/plaintext-secret` flags what `secretSpans` finds
 * in a config value; every output (`print`, drift, reports, rule messages, logs, errors, the
 * service's answers) hides the same spans, so the rule and redaction cannot disagree.
 *
 * Shapes (see README "Secrets"):
 * - a URL's userinfo password, parsed as the drivers (WHATWG URL) do: the user ends at the
 *   first `:`, the password at the LAST `@` before `?`, `#` or a space, so unencoded `@`, `:`
 *   and `/` stay inside the password;
 * - a parameter named like a secret, in a query string, JDBC URL or DSN
 *   (`?password=…`, `;password=…`, `host=db password='a b'`), any case;
 * - a value under a key named like a secret (`password`, `token`, `api_key`, …);
 * - the body of a PEM private key block, anywhere;
 * - in free text (messages, logs, code frames) also `"password": "…"` and `password: …`.
 * Inside a secret, `${VAR}` references are not secrets; `${VAR:-default}` defaults are.
 */
import { isPlainObject } from './compose.js';
import { VARIABLE_REF } from './variables.js';

/** What replaces a whole secret value. */
export const REDACTED = '<redacted>';
/** What replaces a secret inside a longer string (a URL password, a parameter, a default). */
export const MASK = '****';

export type SecretShape = 'url-password' | 'parameter' | 'secret-key';

export interface SecretSpan {
  start: number;
  end: number;
  shape: SecretShape;
  /** The parameter's or key's name (parameter and secret-key shapes). */
  name?: string;
  /** The span is the default of a `${VAR:-default}`. */
  inDefault?: boolean;
}

// Long words match as a suffix (`sslpassword`, `client_secret`, `accesstoken`); short ones need
// a separator or camel hump before them (`db_pwd`, `sig`, not `bypass`, `config`), and `pass`
// one even alone (a policy pack's `tests.pass` is no secret).
const SECRET_NAME =
  /(?:pass(?:word|wd|phrase)|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|(?:^|[_.-])(?:pwd|sig|signature|auth)|[_.-]pass)s?$/i;

/** A name (key, query or DSN parameter) whose value is a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
}

/** A config key whose literal value is a secret (`*_env` keys name a variable, not a secret). */
export function isSecretKey(key: string): boolean {
  return isSecretName(key) && !/_env$/i.test(key);
}

// The one definition of a reference (matchAll copies the regex, so its state is not shared).
const REF = VARIABLE_REF;

/**
 * The literal parts of `text[start, end)`: `${VAR}` references are left out, `${VAR:-default}`
 * defaults are kept (marked `inDefault`), so a referenced secret is not one and a default is.
 */
function literalParts(
  text: string,
  start: number,
  end: number,
  shape: SecretShape,
  name: string | undefined,
): SecretSpan[] {
  const out: SecretSpan[] = [];
  const push = (s: number, e: number, inDefault: boolean) => {
    if (e > s)
      out.push({ start: s, end: e, shape, ...(name ? { name } : {}), ...(inDefault ? { inDefault } : {}) });
  };
  const slice = text.slice(start, end);
  let at = 0;
  for (const m of slice.matchAll(REF)) {
    const i = m.index ?? 0;
    push(start + at, start + i, false);
    if (m[2] !== undefined) {
      const d = start + i + m[0].length - 1 - m[2].length;
      push(d, d + m[2].length, true);
    }
    at = i + m[0].length;
  }
  push(start + at, end, false);
  return out;
}

/** A PEM private key block, wherever it is: its body is the secret. */
const PEM_KEY = /(-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----)([\s\S]*?)(?=-----END \2-----|$)/g;

function pemKeys(text: string, out: SecretSpan[]): void {
  for (const m of text.matchAll(PEM_KEY)) {
    const start = (m.index ?? 0) + m[1].length;
    out.push({ start, end: start + m[3].length, shape: 'secret-key', name: m[2].toLowerCase() });
  }
}

/** Index of the first `ch` in text[from, to) outside `${…}`, or -1. */
function indexOutsideRefs(text: string, ch: string, from: number, to: number): number {
  let inRef = false;
  for (let i = from; i < to; i++) {
    if (inRef) inRef = text[i] !== '}';
    else if (text[i] === '$' && text[i + 1] === '{') inRef = true;
    else if (text[i] === ch) return i;
  }
  return -1;
}

const SCHEME_CHAR = /[a-z0-9+.-]/i;
/** Where a URL's authority can end at the latest: query, fragment, or the end of the token. */
const AUTHORITY_END = /[?#\s"'<>`]/;
/** A user name longer than this is not looked for; a longer password is masked whole, unread. */
const MAX_USERINFO = 1024;

function urlPasswords(text: string, out: SecretSpan[]): void {
  // `://` first, then the scheme backwards (a regex for `scheme://` is quadratic on long words).
  // URLs come in order, so a token's end and its last `@` are found once for all its URLs.
  let tokenEnd = -1;
  let tokenLastAt = -1;
  for (let sep = text.indexOf('://'); sep !== -1; sep = text.indexOf('://', sep + 3)) {
    let s = sep;
    while (s > 0 && SCHEME_CHAR.test(text[s - 1])) s--;
    while (s < sep && !/[a-z]/i.test(text[s])) s++; // a scheme starts with a letter (`:-postgres://`)
    if (s === sep) continue;
    const from = sep + 3;
    if (from > tokenEnd) {
      tokenEnd = from;
      tokenLastAt = -1;
      while (tokenEnd < text.length && !AUTHORITY_END.test(text[tokenEnd])) {
        if (text[tokenEnd] === '@') tokenLastAt = tokenEnd;
        tokenEnd++;
      }
    }
    const at = tokenLastAt;
    if (at < from) continue;
    const colon = indexOutsideRefs(text, ':', from, Math.min(at, from + MAX_USERINFO));
    // `https://host:443/users/@me`: a port and a path, not a password.
    if (colon === -1 || /^\d{1,5}\/[^:]*$/.test(text.slice(colon + 1, Math.min(at, colon + 64)))) continue;
    if (at - colon > MAX_USERINFO) out.push({ start: colon + 1, end: at, shape: 'url-password' });
    else out.push(...literalParts(text, colon + 1, at, 'url-password', undefined));
  }
}

/** `name=value` in a query string (`?`, `&`), a JDBC URL (`;`) or a DSN (`host=db password=…`). */
const PARAMETER = /(^|[?&;\s])([A-Za-z_][\w.-]*)[ \t]*=[ \t]*/g;
/** `"name": "value"`, `name: value` (free text only: YAML lines, JSON, messages). */
const KEY_VALUE = /(^|[\s{,[(])(["']?)([A-Za-z_][\w.-]*)\2[ \t]*:(?=[ \t"'])[ \t]*/g;

/** End of a value starting at `i`: quoted (`'a b'`, `"a\"b"`), or up to one of `stops`. */
function valueEnd(text: string, i: number, stops: RegExp): { start: number; end: number; next: number } {
  const q = text[i];
  if (q === "'" || q === '"') {
    let j = i + 1;
    while (j < text.length && text[j] !== q) j += text[j] === '\\' ? 2 : 1;
    return { start: i + 1, end: Math.min(j, text.length), next: j + 1 };
  }
  let j = i;
  while (j < text.length && !stops.test(text[j])) j++;
  return { start: i, end: j, next: j };
}

function parameters(text: string, out: SecretSpan[], freeText: boolean): void {
  // Scanning resumes after each value, so a value is read once (linear on hostile repeats).
  const scan = (re: RegExp, secret: (name: string) => boolean, stopsFor: (sep: string) => RegExp) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const name = m[m.length - 1];
      if (!secret(name)) continue;
      const v = valueEnd(text, m.index + m[0].length, stopsFor(m[1]));
      const value = freeTextValue(text.slice(v.start, v.end), re === KEY_VALUE);
      if (value !== '')
        out.push(
          ...literalParts(
            text,
            v.start,
            v.start + value.length,
            re === KEY_VALUE ? 'secret-key' : 'parameter',
            name,
          ),
        );
      re.lastIndex = Math.max(re.lastIndex, v.next);
    }
  };
  // A URL's parameters end where the URL does (a quote or bracket around it in a message).
  scan(PARAMETER, isSecretName, (sep) =>
    sep === '?' || sep === '&' ? /[&#\s"'<>]/ : sep === ';' ? /[;\s"'<>]/ : /\s/,
  );
  if (freeText) scan(KEY_VALUE, isSecretKey, () => /[\r\n,}\]]/);
}

/** A `name: value` value without trailing blanks, or '' when it is already masked. */
function freeTextValue(value: string, keyValue: boolean): string {
  if (!keyValue) return value;
  const v = value.replace(/\s+$/, '');
  return v === REDACTED || v === MASK ? '' : v;
}

/** Sorted, merged spans. */
function normalize(spans: SecretSpan[]): SecretSpan[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: SecretSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/**
 * The literal secrets in a string. `freeText` adds `name: value` pairs, which in a config
 * value would be prose, but in a log line, a message or a source line are a key and its value.
 */
export function secretSpans(text: string, opts: { freeText?: boolean } = {}): SecretSpan[] {
  if (text === '') return [];
  const out: SecretSpan[] = [];
  urlPasswords(text, out);
  pemKeys(text, out);
  parameters(text, out, opts.freeText === true);
  return normalize(out);
}

/** The literal secrets in a config value at `key` (the whole value under a secret key). */
export function valueSecretSpans(key: string, value: string): SecretSpan[] {
  if (isSecretKey(key) && value !== '') {
    return normalize([...literalParts(value, 0, value.length, 'secret-key', key), ...secretSpans(value)]);
  }
  return secretSpans(value);
}

/** The first literal secret in a config value at `key`, or undefined (scalars under a secret key count). */
export function literalSecret(key: string, value: unknown): SecretSpan | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') {
    return isSecretKey(key)
      ? { start: 0, end: String(value).length, shape: 'secret-key', name: key }
      : undefined;
  }
  if (typeof value !== 'string') return undefined;
  return valueSecretSpans(key, value)[0];
}

function mask(text: string, spans: SecretSpan[]): string {
  if (spans.length === 0) return text;
  if (spans.length === 1 && spans[0].start === 0 && spans[0].end === text.length) return REDACTED;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + MASK;
    at = s.end;
  }
  return out + text.slice(at);
}

/** Known secrets shorter than this are not searched for in other text (they would mask words). */
const MIN_KNOWN_SECRET = 4;
const knownSecretsCache = new WeakMap<object, readonly string[]>();

/**
 * The literal secrets inside a config value, as strings: what redaction would mask in it
 * (values under secret keys, URL passwords, secret parameters). Text derived from the config
 * (a rule message built by an expression, a source line of a block scalar) may carry them in
 * shapes no pattern recognises; `maskKnownSecrets` finds them there by value.
 */
export function literalSecretsIn(value: unknown, key = ''): readonly string[] {
  if (typeof value === 'string') {
    return valueSecretSpans(key, value)
      .map((s) => value.slice(s.start, s.end))
      .filter((s) => s.length >= MIN_KNOWN_SECRET);
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    const text = String(value);
    return isSecretKey(key) && text.length >= MIN_KNOWN_SECRET ? [text] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v) => literalSecretsIn(v, key));
  if (!isPlainObject(value)) return [];
  const cached = knownSecretsCache.get(value);
  if (cached) return cached;
  const found = [...new Set(Object.entries(value).flatMap(([k, v]) => literalSecretsIn(v, k)))];
  knownSecretsCache.set(value, found);
  return found;
}

/** `text` with every occurrence of the given secrets masked (a multi-line one line by line). */
export function maskKnownSecrets(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text === '') return text;
  const needles = new Set<string>();
  for (const s of secrets) {
    for (const line of s.split(/\r?\n/)) {
      const t = line.trim();
      if (t.length >= MIN_KNOWN_SECRET) needles.add(t);
    }
  }
  let out = text;
  for (const n of [...needles].sort((a, b) => b.length - a.length)) {
    if (out.includes(n)) out = out.split(n).join(MASK);
  }
  return out;
}

/** Free text (a message, a log line, a driver error, a source line) with every secret masked. */
export function redactText(text: string): string {
  return mask(text, secretSpans(text, { freeText: true }));
}

/** A copy of a config (or any JSON value) with literal secrets replaced; references are kept. */
export function redactSecrets<T>(value: T, key = ''): T {
  if (typeof value === 'string') return mask(value, valueSecretSpans(key, value)) as T;
  if ((typeof value === 'number' || typeof value === 'bigint') && isSecretKey(key)) return REDACTED as T;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, key)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, k, {
        value: redactSecrets(v, k),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out as T;
  }
  return value;
}

/** `JSON.stringify` of a value (a log entry, an HTTP answer) with every secret masked. */
export function redactJson(value: unknown, space?: number): string {
  return JSON.stringify(
    value,
    function (this: unknown, key: string, v: unknown) {
      if (typeof v === 'string') {
        const keyed = isSecretKey(key) ? mask(v, valueSecretSpans(key, v)) : v;
        return keyed === REDACTED ? keyed : redactText(keyed);
      }
      if ((typeof v === 'number' || typeof v === 'bigint') && isSecretKey(key)) return REDACTED;
      return v;
    },
    space,
  );
}

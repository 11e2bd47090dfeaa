/**
 * What counts as a secret in a config, and how to hide it. Used by `print`, drift reports,
 * the service's `/config` and the `security/plaintext-secret` rule, so they agree.
 */
import { isPlainObject } from './compose.js';
import { hasVariableRef } from './variables.js';

/** Keys whose literal values are secrets (`*_env` keys name a variable, not a secret). */
const SECRET_KEY = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential)s?$/i;

export const REDACTED = '<redacted>';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !/_env$/i.test(key);
}

/** The literal password in a URL's userinfo (`scheme://user:PASSWORD@host`), if any. */
export function urlPassword(value: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/:@\s]*:([^@/\s]+)@/i.exec(value);
  if (!m) return undefined;
  return hasVariableRef(m[1]) ? undefined : m[1];
}

/** A literal secret carried by a string value at `key`, or undefined. */
export function literalSecret(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const pw = urlPassword(value);
  if (pw) return pw;
  if (isSecretKey(key) && !hasVariableRef(value)) return value;
  return undefined;
}

/** `${VAR:-default}`: the default is literal text that may carry a secret too. */
const DEFAULTED_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*):-([^}]*)\}/g;
/** A URL password anywhere in a string (inside a `${VAR:-default}` as well). */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^/:@\s}]*:)([^@/\s}]+)@/gi;

function redactString(value: string, key: string): string {
  if (value === '') return value;
  if (isSecretKey(key) && !hasVariableRef(value)) return REDACTED;
  const out = value.replace(DEFAULTED_REF, (ref, name: string, def: string) =>
    def !== '' && isSecretKey(key) ? `\${${name}:-${REDACTED}}` : ref,
  );
  return redactUrlPasswords(out);
}

/** `scheme://user:PASSWORD@host` → `scheme://user:****@host` anywhere in a text (`${VAR}` passwords are kept). */
export function redactUrlPasswords(text: string, mask = '****'): string {
  return text.replace(URL_PASSWORD, (m, head: string, pw: string) =>
    hasVariableRef(pw) ? m : `${head}${mask}@`,
  );
}

/** A copy of a config with literal secrets replaced (also in `${VAR:-default}` defaults); references are kept. */
export function redactSecrets<T>(value: T, key = ''): T {
  if (typeof value === 'string') return redactString(value, key) as T;
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

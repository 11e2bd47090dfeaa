/**
 * security/plaintext-secret: a URL or a secret-named field holding a literal password or
 * token instead of a `${VAR}` reference. What counts as a secret is decided in one place,
 * `src/config/secrets.ts` (shared with `print` and redaction); this rule also looks inside
 * `${VAR:-default}` defaults (written in the file like any literal) and at secret query
 * parameters. Messages name the place, never the secret.
 */
import { appendPath } from '../../config/path.js';
import { literalSecret } from '../../config/secrets.js';
import type { NativeRuleImpl, Violation } from '../rule.js';

const REF_WITH_DEFAULT = /\$\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)\}/g;
const SECRET_PARAM =
  /[?&](password|passwd|pwd|token|access_token|auth_token|api_key|apikey|secret|client_secret|sig|signature)=([^&#]*)/i;

/** What is wrong with a string value at `key`, or undefined. */
export function secretProblem(key: string, value: string): string | undefined {
  if (literalSecret(key, value) !== undefined) {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
      ? 'carries a literal password in its URL'
      : 'holds a literal secret';
  }
  for (const m of value.matchAll(REF_WITH_DEFAULT)) {
    if (literalSecret(key, m[1]) !== undefined) return 'carries a literal secret in its ${VAR:-default}';
  }
  const param = SECRET_PARAM.exec(value);
  if (param && param[2] !== '' && !param[2].includes('${')) {
    return `carries a literal ${param[1].toLowerCase()} in its query string`;
  }
  return undefined;
}

export const plaintextSecret: NativeRuleImpl = {
  id: 'security/plaintext-secret',
  evaluate(input) {
    const out: Violation[] = [];
    const walk = (v: unknown, path: string, key: string) => {
      if (typeof v === 'string') {
        const why = secretProblem(key, v);
        if (why)
          out.push({
            path,
            message: `${path} ${why}; reference it as \${VAR} and set the variable at run time`,
          });
      } else if (Array.isArray(v)) {
        for (const [i, x] of v.entries()) walk(x, appendPath(path, i), key);
      } else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) walk(x, appendPath(path, k), k);
      }
    };
    walk(input.config, '', '');
    return out;
  },
};

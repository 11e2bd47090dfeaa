/**
 * security/plaintext-secret: a URL or a secret-named field holding a literal password or
 * token instead of a `${VAR}` reference. Messages name the place and never the secret.
 */
import { appendPath } from '../../config/path.js';
import type { NativeRuleImpl, Violation } from '../rule.js';

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
/** Stands for a `${VAR}` reference once references are blanked out. */
const HOLE = '\u0000';

/** Keys whose value is a secret (but not `tokens_env`: that names a variable). */
const SECRET_KEY = /(^|[_-])(password|passwd|pwd|secret|token|tokens|api[_-]?key|apikey|private[_-]?key|credentials?|auth[_-]?token)$/i;
const SECRET_PARAM = /[?&](password|passwd|pwd|token|access_token|auth_token|api_key|apikey|secret|client_secret|sig|signature)=([^&#]*)/i;
const URL_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@\s]*)@/i;

/**
 * The text a value holds once every `${VAR}` is a hole; a `${VAR:-default}` keeps its
 * default, which is written in the file like any literal.
 */
function literalText(s: string): string {
  return s.replace(REF, (_m, _name: string, def: string | undefined) => (def !== undefined ? def : HOLE));
}

/** What is wrong with a string value, or undefined. */
export function secretProblem(key: string | undefined, value: string): string | undefined {
  const text = literalText(value);
  const userinfo = URL_USERINFO.exec(text)?.[1];
  if (userinfo?.includes(':')) {
    const password = userinfo.slice(userinfo.indexOf(':') + 1);
    if (password !== '' && !password.includes(HOLE)) return 'carries a literal password in its URL';
  }
  const param = SECRET_PARAM.exec(text);
  if (param && param[2] !== '' && !param[2].includes(HOLE)) return `carries a literal ${param[1].toLowerCase()} in its query string`;
  if (key !== undefined && SECRET_KEY.test(key) && text.trim() !== '' && !text.includes(HOLE)) {
    return 'holds a literal secret';
  }
  return undefined;
}

export const plaintextSecret: NativeRuleImpl = {
  id: 'security/plaintext-secret',
  evaluate(input) {
    const out: Violation[] = [];
    const walk = (v: unknown, path: string, key: string | undefined) => {
      if (typeof v === 'string') {
        const why = secretProblem(key, v);
        if (why) out.push({ path, message: `${path} ${why}; reference it as \${VAR} and set the variable at run time` });
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, appendPath(path, i), key));
      else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) walk(x, appendPath(path, k), k);
      }
    };
    walk(input.config, '', undefined);
    return out;
  },
};

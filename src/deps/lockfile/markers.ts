/**
 * Syntax of PEP 508 environment markers (`python_version < "3.11" and sys_platform == "linux"`).
 * exportctl does not know the target interpreter, so markers are checked for syntax and kept
 * as written; the analysis treats requirements under different markers as alternatives.
 */
const VARIABLES = new Set([
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
  'dependency_groups',
  // legacy names pip still accepts
  'os.name',
  'sys.platform',
  'platform.version',
  'platform.machine',
  'platform.python_implementation',
  'python_implementation',
]);

interface Token {
  kind: 'var' | 'str' | 'op' | 'and' | 'or' | 'not' | 'in' | '(' | ')' | 'end';
  text: string;
  offset: number;
}

export interface MarkerProblem {
  message: string;
  /** Offset in the marker text. */
  offset: number;
}

function tokenize(text: string): Token[] | MarkerProblem {
  const out: Token[] = [];
  const re = /\s+|(\(|\))|('[^']*'|"[^"]*")|(===|==|!=|<=|>=|~=|<|>)|([A-Za-z_][A-Za-z0-9_.]*)|(.)/gy;
  for (let m = re.exec(text); m !== null && m.index < text.length; m = re.exec(text)) {
    const [, paren, str, op, word, other] = m;
    if (paren) out.push({ kind: paren as '(' | ')', text: paren, offset: m.index });
    else if (str) out.push({ kind: 'str', text: str, offset: m.index });
    else if (op) out.push({ kind: 'op', text: op, offset: m.index });
    else if (word) {
      const kind = word === 'and' || word === 'or' || word === 'not' || word === 'in' ? word : 'var';
      out.push({ kind, text: word, offset: m.index });
    } else if (other) {
      const quote = other === '"' || other === "'";
      return { message: quote ? 'unterminated string' : `unexpected "${other}"`, offset: m.index };
    }
  }
  out.push({ kind: 'end', text: '', offset: text.length });
  return out;
}

/** The first syntax problem of a marker, or undefined when it is well formed. */
export function markerProblem(text: string): MarkerProblem | undefined {
  if (text.trim() === '') return { message: 'empty marker after ";"', offset: 0 };
  const toks = tokenize(text);
  if (!Array.isArray(toks)) return toks;
  let i = 0;
  const peek = () => toks[i];
  const fail = (t: Token, what: string): MarkerProblem => ({
    message: `expected ${what}${t.kind === 'end' ? ' at the end' : `, found "${t.text}"`}`,
    offset: t.offset,
  });
  const value = (): MarkerProblem | undefined => {
    const t = peek();
    if (t.kind === 'str') {
      i++;
      return undefined;
    }
    if (t.kind === 'var') {
      if (!VARIABLES.has(t.text)) return { message: `unknown marker variable "${t.text}"`, offset: t.offset };
      i++;
      return undefined;
    }
    return fail(t, 'a marker variable or a quoted string');
  };
  const expr = (): MarkerProblem | undefined => {
    if (peek().kind === '(') {
      i++;
      const p = or();
      if (p) return p;
      if (peek().kind !== ')') return fail(peek(), '")"');
      i++;
      return undefined;
    }
    const left = value();
    if (left) return left;
    const t = peek();
    if (t.kind === 'op' || t.kind === 'in') i++;
    else if (t.kind === 'not' && toks[i + 1]?.kind === 'in') i += 2;
    else return fail(t, 'a comparison (==, <, in, not in…)');
    return value();
  };
  const and = (): MarkerProblem | undefined => {
    let p = expr();
    while (!p && peek().kind === 'and') {
      i++;
      p = expr();
    }
    return p;
  };
  const or = (): MarkerProblem | undefined => {
    let p = and();
    while (!p && peek().kind === 'or') {
      i++;
      p = and();
    }
    return p;
  };
  const p = or();
  if (p) return p;
  if (peek().kind !== 'end') return fail(peek(), '"and", "or" or the end of the marker');
  return undefined;
}

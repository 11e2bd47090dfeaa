/**
 * npm's package-lock.json (lockfileVersion 2 and 3; npm-shrinkwrap.json is the same format).
 * The packages installed at the top of `node_modules` are the environment's requirements,
 * each pinned to the version the lock resolved; what each of them declares in
 * `dependencies` becomes a requirement edge to the copy npm would load for it (a nested
 * `node_modules/P/node_modules/Q`, else the top-level Q). Parsed with the one loader, so
 * every entry keeps its line and a JSON syntax error is a finding with a position.
 */
import type { PathConfinement } from '../../config/confinement.js';
import { loadDocument } from '../../config/load-document.js';
import { isFileRefusal } from '../../config/read-file.js';
import type { ConfigPath } from '../../config/path.js';
import type { Finding, SourceRange } from '../../diagnostics/finding.js';
import type { LockfileParse } from './types.js';
import { isPlainObject } from '../../config/compose.js';

export function parsePackageLock(
  file: string,
  statedAt?: SourceRange,
  confine?: PathConfinement,
): LockfileParse {
  const result: LockfileParse = { requirements: [], dependencies: [], findings: [], files: [] };
  const loaded = loadDocument(file, { confine });
  if (!loaded.doc) {
    const unreadable = loaded.findings.some((f) => isFileRefusal(f.rule));
    result.findings.push(
      ...loaded.findings.map((f) =>
        unreadable && statedAt
          ? { ...f, message: `package lock ${file}: ${f.message}`, location: statedAt }
          : {
              ...f,
              rule: isFileRefusal(f.rule) ? f.rule : 'deps/syntax',
              message: `package-lock.json: ${f.message}`,
            },
      ),
    );
    if (!unreadable) result.files.push(file);
    return result;
  }
  result.files.push(file);
  const doc = loaded.doc;
  // The loader reads YAML 1.2, a superset of JSON: npm reads strict JSON.
  const strict = jsonProblem(doc.text);
  if (strict) {
    result.findings.push({
      rule: 'deps/syntax',
      severity: 'error',
      message: `package-lock.json is not valid JSON: ${strict.message}`,
      location: {
        file,
        line: strict.line,
        column: strict.column,
        endLine: strict.line,
        endColumn: strict.column,
      },
    });
    return result;
  }
  const at = (path: ConfigPath): SourceRange =>
    doc.provenance.locate(path) ?? { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
  const problem = (path: ConfigPath, message: string): Finding => ({
    rule: 'deps/syntax',
    severity: 'error',
    message,
    location: at(path),
  });

  const root = doc.value;
  if (!isPlainObject(root)) {
    result.findings.push(problem([], 'package-lock.json must hold a JSON object'));
    return result;
  }
  const version = root.lockfileVersion;
  if (version !== 2 && version !== 3) {
    result.findings.push(
      problem(
        ['lockfileVersion'],
        version === 1
          ? 'lockfileVersion 1 is not supported: regenerate the lock with npm 7 or later (lockfileVersion 2 or 3)'
          : `lockfileVersion must be 2 or 3, not ${JSON.stringify(version ?? null)}`,
      ),
    );
    return result;
  }
  const packages = root.packages;
  if (!isPlainObject(packages)) {
    result.findings.push(problem(['packages'], 'a lockfileVersion 2/3 lock needs a "packages" map'));
    return result;
  }

  const installed = new Map<string, string>();
  for (const [key, entry] of Object.entries(packages)) {
    if (key === '') continue;
    if (!isPlainObject(entry)) {
      result.findings.push(problem(['packages', key], `packages["${key}"] must be an object`));
      continue;
    }
    if (!key.includes('node_modules/')) continue; // workspace folders: their links are below
    if (entry.link === true) continue;
    if (typeof entry.version !== 'string') {
      result.findings.push(problem(['packages', key], `packages["${key}"] has no "version"`));
      continue;
    }
    installed.set(key, entry.version);
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (key !== `node_modules/${name}`) continue; // a nested copy: not a requirement of the project
    result.requirements.push({
      name,
      specifier: entry.version,
      kind: 'specifier',
      location: at(['packages', key, 'version']),
      ...(entry.dev === true || entry.optional === true ? { dev: true } : {}),
    });
  }

  for (const [key, entry] of Object.entries(packages)) {
    if (key === '' || !isPlainObject(entry) || !installed.has(key)) continue;
    const from = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (key !== `node_modules/${from}`) continue;
    for (const field of ['dependencies', 'optionalDependencies'] as const) {
      const deps = entry[field];
      if (!isPlainObject(deps)) continue;
      for (const [to, range] of Object.entries(deps)) {
        if (typeof range !== 'string') continue;
        // npm loads the nested copy first; an edge only constrains the top-level copy.
        if (installed.has(`${key}/node_modules/${to}`)) continue;
        if (!installed.has(`node_modules/${to}`)) continue;
        result.dependencies.push({ from, to, range, location: at(['packages', key, field, to]) });
      }
    }
  }
  return result;
}

function jsonProblem(text: string): { message: string; line: number; column: number } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    const message = (err as Error).message.replace(/\s*\(line \d+ column \d+\)$/, '');
    const pos = /at position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : 0;
    const before = text.slice(0, offset).split('\n');
    return {
      message: message.replace(/ in JSON at position \d+.*$/, ''),
      line: before.length,
      column: before[before.length - 1].length + 1,
    };
  }
}

/**
 * `exportctl init [DIR]`: writes the scaffold of `src/init/scaffold.ts`, each file headed by a
 * `yaml-language-server` modeline so editors validate and complete it with the shipped schemas.
 *
 * The modeline is a path relative to the file. It points at `node_modules/exportctl/schemas/`
 * of the nearest installation at or above DIR when there is one — the usual setup, exportctl
 * as a devDependency: the path then resolves for everyone after `npm ci`, and follows the
 * version the project pins. Otherwise it points at the schemas of the exportctl that runs
 * (a global install, a checkout), which resolves on this machine only; `init` says so.
 */
import {
  appendFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { relativeFile } from '../report/report.js';
import { MANIFEST_NAMES } from '../config/find-project.js';
import { gitignoreText } from '../init/gitignore.js';
import { UsageError } from '../diagnostics/usage-error.js';
import {
  isValidProjectName,
  projectNameFrom,
  type SchemaName,
  scaffoldProject,
  schemaHeader,
} from '../init/scaffold.js';
import { SCHEMA_DIR } from '../schema/schemas.js';
import type { InitFlags } from './commands/init.js';
import { EXIT } from './exit-codes.js';

export function runInit(dir: string, flags: InitFlags): number {
  const target = resolve(dir);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new UsageError(`${dir}: exists and is not a directory`);
  }
  const name = flags.name ?? projectNameFrom(basename(target));
  if (!isValidProjectName(name)) {
    throw new UsageError(
      `--name "${name}": a project name is lower-case letters, digits and "-", at most 63 characters`,
    );
  }

  const files = scaffoldProject(name);
  if (!flags.force) {
    const manifest = MANIFEST_NAMES.find((m) => existsSync(join(target, m)));
    const taken = files.map((f) => f.path).filter((p) => existsSync(join(target, p)));
    if (manifest && !taken.includes(manifest)) taken.unshift(manifest);
    if (taken.length > 0) {
      throw new UsageError(
        `refusing to overwrite existing files in ${dir}: ${taken.join(', ')} (use --force to overwrite)`,
      );
    }
  }

  const installed = findInstalledSchemas(target);
  for (const f of files) {
    const abs = join(target, f.path);
    mkdirSync(dirname(abs), { recursive: true });
    const ref = schemaRef(dirname(abs), join(installed ?? SCHEMA_DIR, f.schema));
    writeFileSync(abs, `${schemaHeader(ref)}\n${f.body}`);
  }

  const gitignore = writeGitignore(target);
  const written = [...files.map((f) => f.path), ...(gitignore ? [`.gitignore (${gitignore})`] : [])];

  const shown = dir;
  process.stdout.write(
    `Created project "${name}" in ${shown}:\n${written.map((p) => `  ${p}`).join('\n')}\n\n` +
      `Next: ${shown === '.' ? '' : `cd ${shown} && `}${checkCommand(installed !== undefined)}\n`,
  );
  if (!installed) {
    process.stderr.write(
      `note: the editor schema headers point at ${SCHEMA_DIR}, which resolves on this machine only;\n` +
        `      install exportctl in the project (README, "Install") and \`npx exportctl init --force\` points them at node_modules/exportctl/schemas.\n`,
    );
  }
  return EXIT.OK;
}

/**
 * Adds the run-time paths to `DIR/.gitignore`: creates it, or appends the missing lines to an
 * existing one (never rewrites it, even with --force). Says what it did, or nothing if nothing.
 */
function writeGitignore(target: string): string | undefined {
  const file = join(target, '.gitignore');
  const stat = lstatSync(file, { throwIfNoEntry: false });
  // A directory, a symlink (perhaps out of the project), a device...: not ours to write to.
  if (stat && !stat.isFile()) {
    process.stderr.write(`note: ${join(basename(target), '.gitignore')} is not a regular file; left alone\n`);
    return undefined;
  }
  const existing = stat ? readFileSync(file, 'utf8') : undefined;
  const text = gitignoreText(existing);
  if (text === undefined) return undefined;
  if (existing === undefined) {
    writeFileSync(file, text, { flag: 'wx' });
    return 'created';
  }
  appendFileSync(file, text.slice(existing.length));
  return 'lines appended';
}

/**
 * How to run `check` from the project, the way this exportctl is installed: `npx exportctl`
 * for a project dependency, `exportctl` for a global install (on PATH), else the script itself.
 */
function checkCommand(installedInProject: boolean): string {
  if (installedInProject) return 'npx exportctl check';
  const script = process.argv[1] ?? '';
  if (basename(script) === 'exportctl') return 'exportctl check';
  return `node ${/^[\w./:@+-]+$/.test(script) ? script : JSON.stringify(script)} check`;
}

/** `node_modules/exportctl/schemas` of the nearest installation at or above `dir`. */
function findInstalledSchemas(dir: string): string | undefined {
  let d = dir;
  for (;;) {
    const schemas = join(d, 'node_modules', 'exportctl', 'schemas');
    if (existsSync(join(schemas, 'project.schema.json' satisfies SchemaName))) return schemas;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/** A path from `fromDir` to `file` as a modeline holds it: `/`-separated, relative when it can be. */
function schemaRef(fromDir: string, file: string): string {
  const rel = relativeFile(fromDir, file);
  if (/^[A-Za-z]:/.test(rel) || rel.startsWith('/')) return rel;
  return rel.startsWith('../') ? rel : `./${rel}`;
}

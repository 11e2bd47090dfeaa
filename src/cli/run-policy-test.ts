/**
 * `exportctl policy test [DIR]`. Which local packs: DIR holding an exportctl.yaml (or DIR
 * being one) → that project's `policies.paths`; DIR a pack file or a directory of packs →
 * those; no DIR → the project above the current directory, if any. The built-in packs'
 * fixtures run too unless --no-builtin. Exit 1 when a fixture fails, 2 when a pack cannot
 * be used.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { findManifest, MANIFEST_NAMES } from '../config/find-project.js';
import { loadProject } from '../project/load-project.js';
import type { Finding } from '../diagnostics/finding.js';
import { UsageError } from '../diagnostics/usage-error.js';
import { builtinRules } from '../policy/builtin.js';
import { type FixtureResult, runRuleFixtures } from '../policy/fixtures.js';
import type { Rule } from '../policy/rule-evaluation.js';
import type { PackScope } from '../policy/pack/discover.js';
import { loadLocalRules, projectPackScope } from '../policy/rule-set.js';
import { relativeFile } from '../report/report.js';
import { formatTextReport } from '../report/formats.js';
import type { PolicyTestFlags } from './commands/policy-test.js';
import { EXIT } from './exit-codes.js';
import { readSourceText, useColor } from './io.js';
import { palette } from '../report/ansi.js';

interface LocalPacks extends PackScope {
  findings: Finding[];
}

function localPacks(cwd: string, dir: string | undefined): LocalPacks {
  let manifest: string | undefined;
  if (dir === undefined) {
    manifest = findManifest(cwd);
    if (!manifest) return { root: cwd, paths: [], findings: [] };
  } else {
    const abs = resolve(cwd, dir);
    if (!existsSync(abs)) throw new UsageError(`${dir}: no such file or directory`);
    const isDir = statSync(abs).isDirectory();
    if (!isDir && MANIFEST_NAMES.some((n) => abs.endsWith(`/${n}`) || abs.endsWith(`\\${n}`))) manifest = abs;
    else if (isDir) manifest = MANIFEST_NAMES.map((n) => resolve(abs, n)).find((p) => existsSync(p));
    if (!manifest) return { root: cwd, paths: [abs], findings: [] };
  }
  const load = loadProject(manifest);
  if (!load.project) return { root: dirname(manifest), paths: [], findings: load.findings };
  return { ...projectPackScope(load.project), findings: [] };
}

function describe(r: FixtureResult): string {
  return r.index < 0 ? `${r.kind} fixtures` : `${r.kind}[${r.index}]`;
}

export function runPolicyTest(dir: string | undefined, flags: PolicyTestFlags): number {
  if (flags.format !== 'text' && flags.format !== 'json')
    throw new UsageError(`unknown format "${flags.format}" (choose text, json)`);
  const cwd = process.cwd();
  const builtin = builtinRules();
  const local = localPacks(cwd, dir);
  const loaded = loadLocalRules(local, builtin.registry);
  const problems = [...builtin.findings, ...local.findings, ...loaded.findings];
  const color = useColor(flags.color);

  if (problems.length > 0) {
    const text = formatTextReport({
      findings: problems,
      cwd,
      files: loaded.files,
      envs: [],
      color,
      codeFrames: process.stdout.isTTY === true && flags.format === 'text',
      readSource: readSourceText,
    });
    if (flags.format === 'json') {
      process.stdout.write(
        `${JSON.stringify({ version: 1, error: 'a policy pack cannot be used', findings: problems.map((f) => ({ ...f, location: f.location && { ...f.location, file: relativeFile(cwd, f.location.file) } })) }, null, 2)}\n`,
      );
    } else process.stderr.write(text);
    return EXIT.USAGE;
  }

  const rules: Rule[] = [...(flags.builtin ? builtin.packRules : []), ...loaded.rules];
  const results = runRuleFixtures(rules);
  const failed = results.filter((r) => !r.ok);

  if (flags.format === 'json') {
    const out = {
      version: 1,
      results: results.map((r) => ({
        rule: r.rule,
        fixture: describe(r),
        ok: r.ok,
        message: r.message,
        file: r.location ? relativeFile(cwd, r.location.file) : undefined,
        line: r.location?.line,
        column: r.location?.column,
      })),
      summary: {
        rules: rules.length,
        fixtures: results.length,
        passed: results.length - failed.length,
        failed: failed.length,
      },
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const paint = palette(color);
    const lines: string[] = [];
    for (const r of failed) {
      const pos = r.location
        ? `${relativeFile(cwd, r.location.file)}:${r.location.line}:${r.location.column}`
        : '(built-in)';
      lines.push(`${pos}  ${paint.red('fail')}  ${r.rule} ${describe(r)}: ${r.message}`);
    }
    const files = new Set(rules.map((r) => r.location?.file).filter(Boolean)).size;
    const scope = `${rules.length} rule${rules.length === 1 ? '' : 's'} in ${files} pack${files === 1 ? '' : 's'}`;
    if (failed.length === 0) lines.push(`${paint.green('✔')} ${results.length} fixtures passed (${scope})`);
    else
      lines.push(
        `${lines.length > 0 ? '\n' : ''}${paint.red('✖')} ${failed.length} of ${results.length} fixtures failed (${scope})`,
      );
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return failed.length > 0 ? EXIT.FINDINGS : EXIT.OK;
}

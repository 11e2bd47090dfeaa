/**
 * `--format junit`: JUnit XML for GitLab test reports and Jenkins. One testsuite per
 * environment, one testcase per file × environment; a testcase fails when a finding of severity
 * error concerns that file in that environment, and its failure lists the findings. Warnings
 * and infos do not fail a testcase (they do not fail `check` either) and are listed in its
 * `system-out`. A finding of the whole project (the base, the manifest) belongs to every
 * environment that reads its file.
 */
import { countFindings } from '../diagnostics/counts.js';
import type { Finding } from '../diagnostics/finding.js';
import { type Anchor, anchorOf } from './anchor.js';
import { mergeAcrossEnvs } from './merge.js';
import { type ReportInput, relativeFile } from './report.js';
import { xmlAttr, xmlText } from './xml.js';

/** The suite name when no environment was checked (config files outside a project). */
const NO_ENV = 'exportctl';

interface Case {
  file: string;
  rel: string;
  findings: { finding: Finding; anchor: Anchor }[];
}

/** Secrets are already masked: formats are called through `FORMATTERS`, which redacts once. */
export function formatJunit(input: ReportInput): string {
  const root = input.root ?? input.cwd;
  const suiteNames = input.envs.length > 0 ? [...input.envs] : [NO_ENV];
  const suites = new Map<string, Map<string, Case>>();
  const addCase = (suite: string, file: string, rel: string): Case => {
    let cases = suites.get(suite);
    if (!cases) {
      cases = new Map();
      suites.set(suite, cases);
    }
    let c = cases.get(file);
    if (!c) {
      c = { file, rel, findings: [] };
      cases.set(file, c);
    }
    return c;
  };
  for (const suite of suiteNames) {
    const files = (suite !== NO_ENV ? input.envFiles?.[suite] : undefined) ?? input.files;
    for (const file of files) addCase(suite, file, relativeFile(root, file));
  }

  for (const item of mergeAcrossEnvs(input.findings)) {
    const anchor = anchorOf(item, input);
    if (!anchor) continue;
    const f = item.finding;
    let targets: string[];
    if (item.envs.length > 0) targets = item.envs;
    else {
      // Project-wide: every environment that reads the file (all of them if none lists it).
      targets = suiteNames.filter((s) => suites.get(s)?.has(anchor.file));
      if (targets.length === 0) targets = suiteNames;
    }
    for (const suite of targets)
      addCase(suite, anchor.file, anchor.rel).findings.push({ finding: f, anchor });
  }

  const out: string[] = [];
  let tests = 0;
  let failures = 0;
  const body: string[] = [];
  for (const [suite, cases] of suites) {
    const caseList = [...cases.values()];
    const failed = caseList.filter((c) => c.findings.some((x) => x.finding.severity === 'error')).length;
    tests += caseList.length;
    failures += failed;
    body.push(
      `  <testsuite name="${xmlAttr(suite)}" tests="${caseList.length}" failures="${failed}" errors="0" skipped="0">`,
    );
    for (const c of caseList) body.push(...testcase(suite, c));
    body.push('  </testsuite>');
  }
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<testsuites name="exportctl" tests="${tests}" failures="${failures}" errors="0">`);
  out.push(...body);
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function testcase(suite: string, c: Case): string[] {
  const open = `    <testcase name="${xmlAttr(c.rel)}" classname="${xmlAttr(suite)}" file="${xmlAttr(c.rel)}"`;
  if (c.findings.length === 0) return [`${open}/>`];
  const lines = c.findings.map(
    ({ finding: f, anchor: a }) =>
      `${a.rel}:${a.line}:${a.column}  ${f.severity}  ${f.message}  ${f.rule}${f.path !== undefined ? `  (${f.path})` : ''}`,
  );
  const counts = countFindings(c.findings.map((x) => x.finding));
  const out = [`${open}>`];
  if (counts.errors > 0) {
    const first = c.findings.find((x) => x.finding.severity === 'error')!.finding;
    const more =
      counts.errors > 1 ? ` (and ${counts.errors - 1} more error${counts.errors > 2 ? 's' : ''})` : '';
    out.push(
      `      <failure message="${xmlAttr(`${first.rule}: ${first.message}${more}`)}" type="${xmlAttr(first.rule)}">${xmlText(lines.join('\n'))}</failure>`,
    );
  } else {
    out.push(`      <system-out>${xmlText(lines.join('\n'))}</system-out>`);
  }
  out.push('    </testcase>');
  return out;
}

/**
 * `--format sarif`: SARIF 2.1.0 (OASIS), as GitHub code scanning and other SARIF viewers read
 * it. One rule entry per rule id, with its documentation from the rule registry; results point
 * at repository-relative URIs under `%SRCROOT%` with a region and the config path as a logical
 * location, and carry fingerprints stable across runs and line shifts.
 */
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from '../diagnostics/finding.js';
import { packageVersion } from '../package-root.js';
import { type Anchor, anchorOf, reportRoot } from './anchor.js';
import { reportFingerprints } from './fingerprint.js';
import { mergeAcrossEnvs, messageWithEnvs } from './merge.js';
import { ruleGroup } from '../rules/meta.js';
import { type ReportInput, relativeFile } from './report.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
/**
 * The key of our fingerprint (`fingerprint.ts`) in `partialFingerprints`. v2: the fingerprint
 * `check --new-since`/`--baseline` compare (v1 was a separate, report-only definition).
 */
export const SARIF_FINGERPRINT_KEY = 'exportctl/v2';

type SarifLevel = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
  index?: number;
}

/** Secrets are already masked: formats are called through `FORMATTERS`, which redacts once. */
export function formatSarif(input: ReportInput): string {
  const root = reportRoot(input);
  const items = mergeAcrossEnvs(input.findings);
  const anchors = items.map((item) => anchorOf(item, input));
  const prints = reportFingerprints(items, root);

  // Artifacts: every checked file, then any other file a finding points at.
  const artifacts: { location: ArtifactLocation }[] = [];
  const artifactIndex = new Map<string, number>();
  const artifactOf = (file: string, rel: string): ArtifactLocation => {
    let index = artifactIndex.get(file);
    if (index === undefined) {
      index = artifacts.length;
      artifactIndex.set(file, index);
      artifacts.push({ location: artifactUri(file, rel) });
    }
    return { ...artifactUri(file, rel), index };
  };
  for (const file of input.files) {
    artifactOf(file, relativeFile(root, file));
  }

  // Rules: one entry per rule id, sorted, referenced by index.
  const ruleIds = [...new Set(items.map((i) => i.finding.rule))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => {
    const doc = input.rules?.(id);
    const group = ruleGroup(id);
    const severity = doc?.defaultSeverity ?? items.find((i) => i.finding.rule === id)!.finding.severity;
    const help =
      doc?.help ??
      [doc?.description ?? id, doc?.rationale, `More: \`exportctl explain ${id}\`.`]
        .filter((s): s is string => Boolean(s))
        .join('\n\n');
    return {
      id,
      shortDescription: { text: doc?.description ?? id },
      fullDescription: {
        text: doc?.rationale ? `${doc.description} ${doc.rationale}` : (doc?.description ?? id),
      },
      help: { text: help },
      ...(doc?.helpUri ? { helpUri: doc.helpUri } : {}),
      defaultConfiguration: { level: LEVEL[severity] },
      properties: { tags: ['exportctl', group] },
    };
  });

  const results = items.map((item, i) => {
    const f = item.finding;
    const anchor = anchors[i];
    const location = anchor
      ? {
          physicalLocation: {
            artifactLocation: artifactOf(anchor.file, anchor.rel),
            ...(anchor.exact ? { region: region(anchor) } : { region: { startLine: 1 } }),
          },
          ...(f.path !== undefined
            ? { logicalLocations: [{ fullyQualifiedName: f.path, kind: 'member' }] }
            : {}),
        }
      : undefined;
    return {
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule)!,
      level: LEVEL[f.severity],
      message: { text: messageWithEnvs(item) },
      ...(location ? { locations: [location] } : {}),
      ...(anchor && f.location ? fixesProperty(f, artifactOf(anchor.file, anchor.rel)) : {}),
      partialFingerprints: { [SARIF_FINGERPRINT_KEY]: prints[i] },
      ...(f.baselineState ? { baselineState: f.baselineState } : {}),
      properties: {
        ...(f.path !== undefined ? { path: f.path } : {}),
        environments: item.envs,
      },
    };
  });

  const rootUri = pathToFileURL(root).href;
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'exportctl',
            semanticVersion: packageVersion(),
            version: packageVersion(),
            rules,
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: rootUri.endsWith('/') ? rootUri : `${rootUri}/` } },
        artifacts,
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** A repository-relative URI under %SRCROOT%, or an absolute file URI for a file outside the root. */
function artifactUri(file: string, rel: string): ArtifactLocation {
  if (rel === '..' || rel.startsWith('../') || /^[A-Za-z]:/.test(rel) || rel.startsWith('/')) {
    return { uri: pathToFileURL(file).href };
  }
  return { uri: rel.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function region(a: Anchor) {
  return { startLine: a.line, startColumn: a.column, endLine: a.endLine, endColumn: a.endColumn };
}

/**
 * SARIF `fixes` for the edits that replace exactly the finding's own range (a rename of its key,
 * a new scalar value): suggestions, and the safe fix when it is one of those. Removals span
 * whole lines the report does not read, so they are left to `check --fix`.
 */
function fixesProperty(f: Finding, artifactLocation: ArtifactLocation): { fixes?: unknown[] } {
  const loc = f.location;
  if (!loc) return {};
  const candidates = [
    ...(f.fix ? [{ description: 'exportctl check --fix', edit: f.fix }] : []),
    ...(f.suggestions ?? []),
  ];
  const fixes = candidates.flatMap(({ description, edit }) => {
    if (edit.op === 'remove' || edit.file !== loc.file || !('at' in edit.target)) return [];
    if (edit.target.at.line !== loc.line || edit.target.at.column !== loc.column) return [];
    const text = edit.op === 'rename' ? edit.to : String(edit.value);
    return [
      {
        description: { text: description },
        artifactChanges: [
          {
            artifactLocation,
            replacements: [
              {
                deletedRegion: {
                  startLine: loc.line,
                  startColumn: loc.column,
                  endLine: loc.endLine,
                  endColumn: loc.endColumn,
                },
                insertedContent: { text },
              },
            ],
          },
        ],
      },
    ];
  });
  return fixes.length > 0 ? { fixes } : {};
}

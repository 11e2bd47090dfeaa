/**
 * Reads a project manifest (kind: Project), validates it and resolves the files it names.
 * A manifest that cannot be used yields findings and no project (the CLI exits 2).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Finding } from '../diagnostics/finding.js';
import { validateToFindings } from '../schema/validate.js';
import { loadDocument } from './load-document.js';
import { getAtPath, parsePath } from './path.js';
import type { EnvironmentSpec, LoadedDocument, Project, ProjectManifest } from './types.js';

export interface ProjectLoad {
  project?: Project;
  manifestDoc?: LoadedDocument;
  findings: Finding[];
}

function missingFile(doc: LoadedDocument, path: string, what: string, target: string): Finding {
  let why = 'no such file';
  try {
    if (statSync(target).isDirectory()) why = 'is a directory';
  } catch {}
  return {
    rule: 'io/read',
    severity: 'error',
    message: `${what} "${String(getAtPath(doc.value, parsePath(path)) ?? target)}": ${why}`,
    path,
    location: doc.provenance.locate(path),
  };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export function loadProject(manifestFile: string): ProjectLoad {
  const file = resolve(manifestFile);
  const loaded = loadDocument(file);
  if (!loaded.doc) return { findings: loaded.findings };
  const doc = loaded.doc;
  const schemaFindings = validateToFindings('Project', doc.value, doc.provenance);
  if (schemaFindings.length > 0) return { manifestDoc: doc, findings: schemaFindings };

  const manifest = doc.value as ProjectManifest;
  const root = dirname(file);
  const findings: Finding[] = [];

  const baseFile = resolve(root, manifest.base);
  if (!isFile(baseFile)) findings.push(missingFile(doc, 'base', 'base config', baseFile));

  const environments: EnvironmentSpec[] = [];
  for (const [name, spec] of Object.entries(manifest.environments)) {
    const overlayFile = spec.overlay ? resolve(root, spec.overlay) : undefined;
    if (overlayFile && !isFile(overlayFile)) {
      findings.push(missingFile(doc, `environments.${name}.overlay`, `overlay of ${name}`, overlayFile));
    }
    environments.push({ name, overlayFile, protected: spec.protected === true });
  }

  let reference = manifest.reference;
  if (reference !== undefined && !Object.hasOwn(manifest.environments, reference)) {
    findings.push({
      rule: 'schema/invalid',
      severity: 'error',
      message: `reference "${reference}" is not one of the environments (${Object.keys(manifest.environments).join(', ')})`,
      path: 'reference',
      location: doc.provenance.locate('reference'),
    });
  }
  reference ??= environments.find((e) => e.protected)?.name ?? environments[0]?.name;

  for (const p of manifest.policies?.paths ?? []) {
    if (!existsSync(resolve(root, p))) {
      const idx = (manifest.policies?.paths ?? []).indexOf(p);
      findings.push({
        rule: 'io/read',
        severity: 'error',
        message: `policy path "${p}": no such file or directory`,
        path: `policies.paths[${idx}]`,
        location: doc.provenance.locate(`policies.paths[${idx}]`),
      });
    }
  }

  if (findings.length > 0) return { manifestDoc: doc, findings };
  return {
    manifestDoc: doc,
    findings: [],
    project: {
      root,
      manifestFile: file,
      manifest,
      manifestDoc: doc,
      baseFile,
      environments,
      reference: reference!,
    },
  };
}

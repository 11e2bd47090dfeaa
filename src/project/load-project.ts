/**
 * Reads a project manifest (kind: Project), validates it and resolves the files it names.
 * A manifest that cannot be used yields findings and no project (the CLI exits 2).
 */
import { dirname, resolve } from 'node:path';
import type { Finding } from '../diagnostics/finding.js';
import { validateToFindings } from '../schema/validate.js';
import { PathConfinement } from '../config/confinement.js';
import { loadDocument } from '../config/load-document.js';
import { getAtPath, parsePath } from '../config/path.js';
import { type FileRefusal, inspectFile } from '../config/read-file.js';
import type { EnvironmentSpec, LoadedDocument, Project, ProjectManifest } from '../config/types.js';

export interface ProjectLoad {
  project?: Project;
  manifestDoc?: LoadedDocument;
  findings: Finding[];
}

/** A finding at the manifest line that names a path the guarded reader refuses. */
function refusedPath(doc: LoadedDocument, path: string, what: string, refusal: FileRefusal): Finding {
  return {
    rule: refusal.rule,
    severity: 'error',
    message: `${what} "${String(getAtPath(doc.value, parsePath(path)))}": ${refusal.message}`,
    path,
    location: doc.provenance.locate(path),
  };
}

export function loadProject(manifestFile: string): ProjectLoad {
  const file = resolve(manifestFile);
  const root = dirname(file);
  // The manifest itself must not lead out of its own repository (a link to ~/.aws/credentials).
  const bare = PathConfinement.forProject(root);
  const loaded = loadDocument(file, { confine: bare });
  if (!loaded.doc) return { findings: loaded.findings };
  const doc = loaded.doc;
  const schemaFindings = validateToFindings('Project', doc.value, doc.provenance);
  if (schemaFindings.length > 0) return { manifestDoc: doc, findings: schemaFindings };

  const manifest = doc.value as ProjectManifest;
  const findings: Finding[] = [];
  const confine = bare.allowing(root, manifest.allow_outside_paths ?? []);
  const checkPath = (path: string, what: string, target: string, allowDirectory = false) => {
    const r = inspectFile(target, { confine, allowDirectory });
    if (!r.ok) findings.push(refusedPath(doc, path, what, r.refusal));
  };

  const baseFile = resolve(root, manifest.base);
  checkPath('base', 'base config', baseFile);

  const environments: EnvironmentSpec[] = [];
  for (const [name, spec] of Object.entries(manifest.environments)) {
    const overlayFile = spec.overlay ? resolve(root, spec.overlay) : undefined;
    if (overlayFile) checkPath(`environments.${name}.overlay`, `overlay of ${name}`, overlayFile);
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

  (manifest.policies?.paths ?? []).forEach((p, i) => {
    checkPath(`policies.paths[${i}]`, 'policy path', resolve(root, p), true);
  });

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
      confine,
    },
  };
}

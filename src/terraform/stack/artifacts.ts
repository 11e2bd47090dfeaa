/**
 * What the instances install, as objects in the environment's bucket under `deploy/`: the
 * `npm pack` tarball of exportctl (a file the operator puts next to the stack, see
 * README "Deployed architecture") and the project's checked files as one JSON bundle, so
 * what runs is what `check` accepted. Their version ids pin what a launch template runs.
 */
import { type ResourceSpec, ref } from '../model.js';
import { PACKAGE_FILE, PACKAGE_KEY, PROJECT_KEY } from '../deploy/layout.js';
import type { StackContext } from './context.js';

/** A string Terraform takes as is: `${` and `%{` escaped (the config's `${VAR}` references stay text). */
export function terraformLiteral(s: string): string {
  return s.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

export interface ProjectBundle {
  /** Project-relative POSIX path → text, sorted by path. */
  files: Record<string, string>;
}

export function buildArtifacts(
  ctx: StackContext,
  bucket: ResourceSpec,
  bundle: ProjectBundle,
): { resources: ResourceSpec[]; pkg: ResourceSpec; project: ResourceSpec } {
  const pt = ctx.tagSources();
  const pkg: ResourceSpec = {
    type: 'aws_s3_object',
    name: 'package',
    attributes: {
      bucket: ref(bucket, 'id'),
      key: PACKAGE_KEY,
      source: `\${path.module}/${PACKAGE_FILE}`,
      source_hash: `\${filemd5("\${path.module}/${PACKAGE_FILE}")}`,
      content_type: 'application/gzip',
      tags: pt.tags,
    },
    sources: { '': { paths: ['infrastructure.instance'] }, ...pt.sources },
  };
  const jt = ctx.tagSources();
  const project: ResourceSpec = {
    type: 'aws_s3_object',
    name: 'project',
    attributes: {
      bucket: ref(bucket, 'id'),
      key: PROJECT_KEY,
      content: terraformLiteral(`${JSON.stringify(bundle)}\n`),
      content_type: 'application/json',
      tags: jt.tags,
    },
    sources: { '': { paths: ['infrastructure.instance'] }, ...jt.sources },
  };
  return { resources: [pkg, project], pkg, project };
}

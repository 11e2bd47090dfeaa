/**
 * What every resource-family builder of one environment's stack shares: the config (typed by
 * the schema, defaults applied, and as written),
 * the names derived from project and environment, the tags, and where `terraform/unsupported`
 * findings go.
 */
import { appendPath } from '../../config/path.js';
import { isSecretKey, literalSecret } from '../../config/secrets.js';
import type { ConfigValues } from '../../config/types.js';
import type { Finding } from '../../diagnostics/finding.js';
import type { ExportConfig } from '../../schema/read-config.js';
import type { AttributeSources } from '../model.js';
import { RULE_UNSUPPORTED } from '../rules.js';

/** `infrastructure` of a config the schema accepted. */
export type Infrastructure = NonNullable<ExportConfig['infrastructure']>;

/** A `terraform/unsupported` finding: the config asks for something Terraform cannot express. */
export function unsupportedFinding(env: string, path: string, message: string): Finding {
  return { rule: RULE_UNSUPPORTED, severity: 'error', message, path, env };
}

export interface StackContext {
  project: string;
  env: string;
  /** The config as written and composed (`${VAR}` unresolved): for provenance and secret scans. */
  values: ConfigValues;
  /** The same config typed by the schema, its defaults applied: what the builders read. */
  config: ExportConfig;
  /** `infrastructure`, present (buildStack refuses without it). */
  infra: Infrastructure;
  /** The stack's unique name, `<project>-<env>`: also the name of per-environment resources. */
  unique: string;
  /** `<name>-<env>`. */
  suffix(name: string): string;
  /** Reports something the config asks for that Terraform cannot express. */
  unsupported(path: string, message: string): void;
  /** Reports a finding of another `terraform/*` rule (the environment is added). */
  report(finding: Omit<Finding, 'env'>): void;
  /** Environment and Project tags (and Role when given), then the project's own tags. */
  tagSources(role?: string): { tags: Record<string, string>; sources: AttributeSources };
}

export function createStackContext(
  project: string,
  env: string,
  values: ConfigValues,
  config: ExportConfig,
  infra: Infrastructure,
  unique: string,
  findings: Finding[],
): StackContext {
  const unsupported = (path: string, message: string) => {
    findings.push(unsupportedFinding(env, path, message));
  };
  const suffix = (name: string) => `${name}-${env}`;

  // Tags on every taggable resource: Environment and Project (required by plan/required-tags),
  // then the project's own, which cannot replace those two.
  const userTags = infra.tags ?? {};
  const tagSources = (role?: string): { tags: Record<string, string>; sources: AttributeSources } => {
    const tags: Record<string, string> = {};
    const sources: AttributeSources = {};
    for (const [k, v] of Object.entries(userTags)) {
      if (k === 'Environment' || k === 'Project' || (role && k === 'Role')) continue;
      // A secret in a tag would end up in Terraform state and in the AWS console.
      if (literalSecret(k, v) !== undefined || isSecretKey(k)) {
        unsupported(
          appendPath('infrastructure.tags', k),
          `tag "${k}" looks like a secret; tags are not secret`,
        );
        continue;
      }
      tags[k] = String(v);
      sources[appendPath('tags', k)] = { paths: [appendPath('infrastructure.tags', k)] };
    }
    tags.Environment = env;
    sources['tags.Environment'] = { paths: [], env: true };
    tags.Project = project;
    sources['tags.Project'] = { paths: [] };
    if (role) {
      tags.Role = role;
      sources['tags.Role'] = { paths: [] };
    }
    return { tags, sources };
  };

  const report = (finding: Omit<Finding, 'env'>) => {
    findings.push({ ...finding, env });
  };
  return { project, env, values, config, infra, unique, suffix, unsupported, report, tagSources };
}

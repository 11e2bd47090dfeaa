/**
 * The project `exportctl init` writes: a manifest, a base config, dev/staging/prod overlays and
 * a local policy pack with a team rule and its fixtures. It passes every built-in rule, so a
 * new project starts green and each later finding is news. Pure: names in, file texts out.
 */

/** Which shipped schema validates a scaffolded file (its `yaml-language-server` header). */
export type SchemaName =
  | 'project.schema.json'
  | 'export-config.schema.json'
  | 'export-config-overlay.schema.json'
  | 'policy-pack.schema.json';

export interface ScaffoldFile {
  /** Relative to the project directory, with `/`. */
  path: string;
  schema: SchemaName;
  /** The file's text without its schema header. */
  body: string;
}

const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isValidProjectName(name: string): boolean {
  return PROJECT_NAME.test(name);
}

/** A project name from a directory name: lower case, other characters to `-`. */
export function projectNameFrom(dirName: string): string {
  const name = dirName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return isValidProjectName(name) ? name : 'my-export';
}

/** The `yaml-language-server` modeline that points an editor at a schema. */
export function schemaHeader(schemaRef: string): string {
  return `# yaml-language-server: $schema=${schemaRef}`;
}

export function scaffoldProject(name: string): ScaffoldFile[] {
  const bucket = `${name.slice(0, 44).replace(/-+$/, '')}-exports`;
  return [
    {
      path: 'exportctl.yaml',
      schema: 'project.schema.json',
      body: `# The project: its environments, policy packs, allowed differences and waivers.
# \`exportctl check\` validates everything; \`exportctl print --env prod --provenance\` shows
# prod's effective config with the file:line that set each value.
apiVersion: exportctl/v1
kind: Project
name: ${name}
base: config/base.yaml
environments:
  dev:     { overlay: config/envs/dev.yaml }
  staging: { overlay: config/envs/staging.yaml }
  prod:    { overlay: config/envs/prod.yaml, protected: true }
reference: prod                  # drift is reported relative to prod
policies:
  builtin: true                  # the rules shipped with exportctl
  paths: [policies/]             # your team's rules
drift:
  allow:                         # differences from prod that are intended
    - path: infrastructure.instance.type
      envs: [dev]
      reason: a smaller machine for development
    - path: infrastructure.instance.count
      envs: [dev, staging]
      reason: one instance is enough outside prod
`,
    },
    {
      path: 'config/base.yaml',
      schema: 'export-config.schema.json',
      body: `# Shared by every environment; config/envs/*.yaml hold only what differs.
# Durations carry a unit (30s, 5m); secrets come from the environment as \${VAR}.
apiVersion: exportctl/v1
kind: ExportConfig
metadata:
  name: ${name}
  owner: data-platform
server:
  host: 0.0.0.0
  port: 8080
  timeout: 30s
  auth:
    tokens_env: EXPORTCTL_TOKENS   # "user:token,user2:token2"
database:
  driver: postgres
  url: \${DATABASE_URL}
  pool:
    max_connections: 10
    min_connections: 2
    acquire_timeout: 5s
    idle_timeout: 30s
  server_max_connections: 100
  statement_timeout: 60s
export:
  source:
    table: orders
    key: id
  chunk_size: 2000
  queue: { capacity: 1000 }
  workers: 4
  output:
    format: csv
    dir: ./exports
    encoding: utf-8
    header: true
  limits:
    max_rows: 1000000
    per_user_per_hour: 3
    disk_usage_breaker: 85%
  retry: { attempts: 3, initial_backoff: 1s, max_backoff: 30s }
  timeout: 300s
queue:
  backend: memory
probes:
  liveness:  { path: /healthz, initial_delay: 10s, period: 10s, timeout: 1s, failure_threshold: 3 }
  readiness: { path: /readyz,  initial_delay: 5s,  period: 5s,  timeout: 2s, failure_threshold: 3, success_threshold: 2 }
monitoring:
  metrics: { port: 9464, path: /metrics }
  alerts:
    - { name: ExportQueueBacklog, metric: export_queue_length, op: ">", threshold: 50, for: 5m }
    - { name: ExportSlow, metric: export_duration_seconds, quantile: 0.99, op: ">", threshold: 300, for: 10m }
infrastructure:
  provider: aws
  region: us-east-1
  instance: { ami: ami-0abcdef1234567890, type: t3.small, count: 1 }
  storage: { bucket: ${bucket}, retention_days: 30, versioning: true }
  tags: { Team: data-platform }
`,
    },
    {
      path: 'config/envs/dev.yaml',
      schema: 'export-config-overlay.schema.json',
      body: `# dev: only what differs from config/base.yaml.
infrastructure:
  instance: { type: t3.micro }
`,
    },
    {
      path: 'config/envs/staging.yaml',
      schema: 'export-config-overlay.schema.json',
      body: `# staging: prod's machine type, one instance.
infrastructure:
  instance: { type: t3.medium }
`,
    },
    {
      path: 'config/envs/prod.yaml',
      schema: 'export-config-overlay.schema.json',
      body: `# prod (protected): stricter rules apply, e.g. required alerts and pinned dependencies.
infrastructure:
  instance: { type: t3.medium, count: 2 }
`,
    },
    {
      path: 'policies/team.yaml',
      schema: 'policy-pack.schema.json',
      body: `# Your team's rules, in CEL. \`exportctl check\` applies them; \`exportctl policy test\`
# runs each rule's fixtures: the rule must pass every \`pass\` config and fire on every \`fail\` one.
apiVersion: exportctl/v1
kind: PolicyPack
name: team-rules
description: Rules of the team that owns this export.
rules:
  - id: team/export-timeout
    severity: error
    description: Export jobs in staging and prod finish within 30 minutes.
    rationale: >-
      A longer job holds a database connection into the nightly maintenance window; split
      it, or export incrementally.
    envs: [staging, prod]
    assert: duration(export.timeout) <= duration("30m")
    path: export.timeout
    message: "export.timeout must be at most 30m in staging and prod"
    tests:
      pass:
        - { export: { timeout: 300s } }
        - { export: { timeout: 30m } }
      fail:
        - { export: { timeout: 2h } }
`,
    },
  ];
}

/**
 * Where things live on an instance and in the bucket: one place, shared by the user data,
 * the systemd units, the boot scripts, the IAM policy and the tests that run them.
 */

/** Key prefix of the deployment artifacts in the environment's bucket (the role may read only this). */
export const DEPLOY_PREFIX = 'deploy';
/** The `npm pack` tarball synth's stack ships: the operator puts it next to the stack's cdk.tf.json. */
export const PACKAGE_FILE = 'exportctl.tgz';
export const PACKAGE_KEY = `${DEPLOY_PREFIX}/${PACKAGE_FILE}`;
/** The project's checked files (manifest, config, packs), as one JSON object `{ files: { path: text } }`. */
export const PROJECT_KEY = `${DEPLOY_PREFIX}/project.json`;

export const SERVICE_USER = 'exportctl';
export const STATE_DIR = '/var/lib/exportctl';
/** The project is unpacked here; `serve` runs with it as working directory. */
export const PROJECT_DIR = `${STATE_DIR}/project`;
/** `npm install --global --prefix` target. */
export const INSTALL_PREFIX = '/opt/exportctl';
export const EXPORTCTL_BIN = `${INSTALL_PREFIX}/bin/exportctl`;
export const LIBEXEC = '/usr/local/libexec/exportctl';
export const INSTALL_SCRIPT = `${LIBEXEC}/install`;
export const UNPACK_SCRIPT = `${LIBEXEC}/unpack-project.mjs`;
export const FETCH_SECRETS_SCRIPT = `${LIBEXEC}/fetch-secrets`;
export const LIVENESS_SCRIPT = `${LIBEXEC}/liveness`;
/** Non-secret facts of the deployment (bucket, region, secret names), sourced by the scripts. */
export const DEPLOY_ENV_FILE = '/etc/exportctl/deploy.env';
/** Secrets fetched at each start, on tmpfs, readable by root only (systemd reads it for the service). */
export const SECRETS_ENV_FILE = '/run/exportctl/secrets.env';
export const UNIT_DIR = '/etc/systemd/system';
export const SERVICE_UNIT = 'exportctl.service';
export const LIVENESS_SERVICE_UNIT = 'exportctl-liveness.service';
export const LIVENESS_TIMER_UNIT = 'exportctl-liveness.timer';
/** CloudWatch agent: its JSON config and the Prometheus scrape config it points at. */
export const AGENT_CONFIG_FILE = '/opt/aws/amazon-cloudwatch-agent/etc/exportctl-agent.json';
export const AGENT_PROMETHEUS_FILE = '/opt/aws/amazon-cloudwatch-agent/etc/exportctl-prometheus.yaml';
/** Instance tags (read through IMDS) that pin the artifact versions a launch template version runs. */
export const TAG_PACKAGE_VERSION = 'ExportctlPackageVersion';
export const TAG_PROJECT_VERSION = 'ExportctlProjectVersion';

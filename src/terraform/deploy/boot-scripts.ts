/**
 * The scripts user data installs: install the shipped package and project, fetch the secrets
 * at each start, check liveness. They read the deployment's non-secret facts from
 * `deploy.env`; no secret value is ever part of them.
 */
import type { ServiceDeployment } from './deployment.js';
import {
  DEPLOY_ENV_FILE,
  INSTALL_PREFIX,
  PACKAGE_KEY,
  PROJECT_DIR,
  PROJECT_KEY,
  SECRETS_ENV_FILE,
  SERVICE_UNIT,
  SERVICE_USER,
  STATE_DIR,
  TAG_PACKAGE_VERSION,
  TAG_PROJECT_VERSION,
  UNPACK_SCRIPT,
} from './layout.js';
import { secretName } from './service-env.js';

/** A POSIX shell single-quoted word. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function deployEnvFile(d: ServiceDeployment): string {
  const lines: Array<[string, string]> = [
    ['EXPORTCTL_REGION', d.region],
    ['EXPORTCTL_BUCKET', d.bucket],
    ['EXPORTCTL_PACKAGE_KEY', PACKAGE_KEY],
    ['EXPORTCTL_PROJECT_KEY', PROJECT_KEY],
    ['EXPORTCTL_DB_IDENTIFIER', d.databaseIdentifier ?? ''],
    ['EXPORTCTL_DB_URL_VAR', d.variables.databaseUrl ?? ''],
  ];
  return `${lines.map(([k, v]) => `${k}=${shellQuote(v)}`).join('\n')}\n`;
}

/**
 * Downloads the package and project at the versions the launch template pins (instance tags,
 * read through IMDSv2), so an instance refresh rollback runs the previous ones again.
 */
export function installScript(): string {
  return `#!/bin/bash
set -euo pipefail
. ${DEPLOY_ENV_FILE}
imds=http://169.254.169.254/latest
token=$(curl -fsS -X PUT "$imds/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
tag() { curl -fsS -H "X-aws-ec2-metadata-token: $token" "$imds/meta-data/tags/instance/$1" || true; }
fetch() { # key version-id file
  if [ -n "$2" ]; then
    aws s3api get-object --region "$EXPORTCTL_REGION" --bucket "$EXPORTCTL_BUCKET" --key "$1" --version-id "$2" "$3" >/dev/null
  else
    aws s3api get-object --region "$EXPORTCTL_REGION" --bucket "$EXPORTCTL_BUCKET" --key "$1" "$3" >/dev/null
  fi
}
install -d -o ${SERVICE_USER} -g ${SERVICE_USER} -m 0750 ${STATE_DIR}
work=$(mktemp -d)
fetch "$EXPORTCTL_PACKAGE_KEY" "$(tag ${TAG_PACKAGE_VERSION})" "$work/exportctl.tgz"
fetch "$EXPORTCTL_PROJECT_KEY" "$(tag ${TAG_PROJECT_VERSION})" "$work/project.json"
npm install --global --omit=dev --no-fund --no-audit --prefix ${INSTALL_PREFIX} "$work/exportctl.tgz"
rm -rf ${PROJECT_DIR}
node ${UNPACK_SCRIPT} "$work/project.json" ${PROJECT_DIR}
chown -R ${SERVICE_USER}:${SERVICE_USER} ${PROJECT_DIR}
rm -rf "$work"
`;
}

/** Writes each file of the project bundle under the target directory, refusing paths that leave it. */
export function unpackProjectScript(): string {
  return `import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
const [bundle, target] = process.argv.slice(2);
const root = resolve(target);
const { files } = JSON.parse(readFileSync(bundle, 'utf8'));
for (const [rel, text] of Object.entries(files)) {
  const file = resolve(root, rel);
  if (!file.startsWith(root + sep)) throw new Error('project bundle path leaves the project: ' + rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
`;
}

/**
 * Runs as root before every start: writes the secrets the config names into a root-only
 * environment file on tmpfs, from Secrets Manager and the RDS-managed master secret.
 */
export function fetchSecretsScript(d: ServiceDeployment): string {
  // An assignment, not an argument: a failed fetch stops the script (set -e) and the start.
  const lines = d.variables.secrets.map(
    (v) => `value=$(secret ${shellQuote(secretName(d.unique, v))})\nput ${v} "$value"`,
  );
  const db = d.variables.databaseUrl
    ? `read -r arn host port < <(aws rds describe-db-instances --region "$EXPORTCTL_REGION" \\
  --db-instance-identifier "$EXPORTCTL_DB_IDENTIFIER" \\
  --query 'DBInstances[0].[MasterUserSecret.SecretArn,Endpoint.Address,Endpoint.Port]' --output text)
creds=$(secret "$arn")
user=$(jq -r '.username | @uri' <<<"$creds")
pass=$(jq -r '.password | @uri' <<<"$creds")
put "$EXPORTCTL_DB_URL_VAR" "postgres://$user:$pass@$host:$port/postgres?sslmode=require"
`
    : '';
  return `#!/bin/bash
set -euo pipefail
. ${DEPLOY_ENV_FILE}
umask 077
install -d -m 0700 "$(dirname ${SECRETS_ENV_FILE})"
tmp=$(mktemp "${SECRETS_ENV_FILE}.XXXXXX")
trap 'rm -f "$tmp"' EXIT
secret() { aws secretsmanager get-secret-value --region "$EXPORTCTL_REGION" --secret-id "$1" --query SecretString --output text; }
# systemd's EnvironmentFile: a double-quoted value with \\ " $ \` escaped; a line break would
# start another variable (LD_PRELOAD=…), so a value holding one stops the start.
put() {
  case "$2" in *$'\\n'* | *$'\\r'*)
    echo "fetch-secrets: the value of $1 holds a line break; systemd cannot pass it as one variable" >&2
    exit 1 ;;
  esac
  printf '%s="%s"\\n' "$1" "$(printf '%s' "$2" | sed 's/[\\\\"$\`]/\\\\&/g')" >>"$tmp"
}
${lines.join('\n')}${lines.length ? '\n' : ''}${db}mv "$tmp" ${SECRETS_ENV_FILE}
trap - EXIT
`;
}

/** probes.liveness: `failure_threshold` consecutive failed checks restart the service. */
export function livenessScript(d: ServiceDeployment): string {
  const p = d.liveness;
  return `#!/bin/bash
set -uo pipefail
state=/run/exportctl/liveness-failures
systemctl is-active --quiet ${SERVICE_UNIT} || exit 0
if curl -fsS -o /dev/null --max-time ${Math.max(1, p.timeoutSeconds)} ${shellQuote(`http://127.0.0.1:${d.serverPort}${p.path}`)}; then
  echo 0 >"$state"
  exit 0
fi
n=$(( $(cat "$state" 2>/dev/null || echo 0) + 1 ))
echo "$n" >"$state"
if [ "$n" -ge ${p.failureThreshold} ]; then
  printf 'liveness: %s failed %s times; restarting %s\\n' ${shellQuote(p.path)} "$n" ${SERVICE_UNIT} >&2
  echo 0 >"$state"
  systemctl restart ${SERVICE_UNIT}
fi
`;
}

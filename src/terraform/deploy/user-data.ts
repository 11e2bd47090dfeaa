/**
 * The launch template's user data: a `#cloud-config` document that creates the service
 * user, writes the units, scripts and agent config, installs the shipped package and project
 * and starts the service. It names secrets, never holds them.
 */
import { stringify } from 'yaml';
import {
  fetchSecretsScript,
  deployEnvFile,
  installScript,
  livenessScript,
  unpackProjectScript,
} from './boot-scripts.js';
import type { ServiceDeployment } from './deployment.js';
import {
  DEPLOY_ENV_FILE,
  FETCH_SECRETS_SCRIPT,
  INSTALL_SCRIPT,
  LIVENESS_SCRIPT,
  LIVENESS_SERVICE_UNIT,
  LIVENESS_TIMER_UNIT,
  SERVICE_UNIT,
  SERVICE_USER,
  STATE_DIR,
  UNIT_DIR,
  UNPACK_SCRIPT,
} from './layout.js';
import { livenessServiceUnit, livenessTimerUnit, serviceUnit } from './systemd-units.js';

export interface UserDataFile {
  path: string;
  content: string;
  permissions: string;
}

/** Packages the image must provide or install (Amazon Linux 2023 names). */
export const IMAGE_PACKAGES = ['nodejs20', 'nodejs20-npm', 'awscli-2', 'jq', 'amazon-cloudwatch-agent'];

export function userDataFiles(d: ServiceDeployment, extra: UserDataFile[] = []): UserDataFile[] {
  return [
    { path: DEPLOY_ENV_FILE, content: deployEnvFile(d), permissions: '0644' },
    { path: INSTALL_SCRIPT, content: installScript(), permissions: '0755' },
    { path: UNPACK_SCRIPT, content: unpackProjectScript(), permissions: '0644' },
    { path: FETCH_SECRETS_SCRIPT, content: fetchSecretsScript(d), permissions: '0700' },
    { path: LIVENESS_SCRIPT, content: livenessScript(d), permissions: '0755' },
    { path: `${UNIT_DIR}/${SERVICE_UNIT}`, content: serviceUnit(d), permissions: '0644' },
    { path: `${UNIT_DIR}/${LIVENESS_SERVICE_UNIT}`, content: livenessServiceUnit(d), permissions: '0644' },
    { path: `${UNIT_DIR}/${LIVENESS_TIMER_UNIT}`, content: livenessTimerUnit(d), permissions: '0644' },
    ...extra,
  ];
}

export function renderUserData(files: UserDataFile[], startAgent: string[] = []): string {
  const doc = {
    packages: IMAGE_PACKAGES,
    users: [
      'default',
      { name: SERVICE_USER, system: true, homedir: STATE_DIR, shell: '/sbin/nologin', no_create_home: true },
    ],
    write_files: files.map((f) => ({
      path: f.path,
      content: f.content,
      permissions: f.permissions,
      owner: 'root:root',
    })),
    runcmd: [
      [INSTALL_SCRIPT],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', SERVICE_UNIT, LIVENESS_TIMER_UNIT],
      ...(startAgent.length > 0 ? [startAgent] : []),
    ],
  };
  return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}

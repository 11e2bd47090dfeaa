/**
 * The systemd units of an instance. Probes map onto systemd as follows:
 * - the process dies → `Restart=on-failure` restarts it (bounded by StartLimit*);
 * - `probes.liveness` → `exportctl-liveness.timer` runs the liveness check every `period`
 *   (first after `initial_delay`); after `failure_threshold` consecutive failures (each
 *   bounded by `timeout`) it restarts `exportctl.service`;
 * - `probes.readiness` → the load balancer's target group health check (see stack/load-balancer.ts).
 */
import type { ServiceDeployment } from './deployment.js';
import {
  EXPORTCTL_BIN,
  FETCH_SECRETS_SCRIPT,
  LIVENESS_SCRIPT,
  LIVENESS_SERVICE_UNIT,
  PROJECT_DIR,
  SECRETS_ENV_FILE,
  SERVICE_UNIT,
  SERVICE_USER,
  STATE_DIR,
} from './layout.js';

/** The service's command line (ExecStart=), as argv. */
export function serveCommand(d: Pick<ServiceDeployment, 'env'>): string[] {
  return [EXPORTCTL_BIN, 'serve', '--env', d.env];
}

export function serviceUnit(d: ServiceDeployment): string {
  return `[Unit]
Description=exportctl export service (${d.project}, ${d.env})
Wants=network-online.target
After=network-online.target
# At most 5 starts in 5 minutes; then the unit fails, the liveness check stops helping and
# the load balancer marks the instance unhealthy, so the Auto Scaling group replaces it.
StartLimitIntervalSec=300
StartLimitBurst=5

[Service]
Type=simple
User=${SERVICE_USER}
Group=${SERVICE_USER}
WorkingDirectory=${PROJECT_DIR}
# Secrets are fetched through the instance role at every start (root, "+"), never from user data.
ExecStartPre=+${FETCH_SECRETS_SCRIPT}
EnvironmentFile=-${SECRETS_ENV_FILE}
ExecStart=${serveCommand(d).join(' ')}
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=5s
KillSignal=SIGTERM
TimeoutStopSec=${d.stopTimeoutSeconds}s
NoNewPrivileges=true
PrivateTmp=true
ProtectSystem=strict
ProtectHome=true
ReadWritePaths=${STATE_DIR}

[Install]
WantedBy=multi-user.target
`;
}

export function livenessServiceUnit(d: ServiceDeployment): string {
  return `[Unit]
Description=exportctl liveness check (probes.liveness ${d.liveness.path})
After=${SERVICE_UNIT}

[Service]
Type=oneshot
ExecStart=${LIVENESS_SCRIPT}
`;
}

export function livenessTimerUnit(d: ServiceDeployment): string {
  return `[Unit]
Description=exportctl liveness check every ${d.liveness.periodSeconds}s (probes.liveness.period)

[Timer]
OnBootSec=${Math.max(1, Math.ceil(d.liveness.initialDelaySeconds))}s
OnUnitActiveSec=${Math.max(1, Math.ceil(d.liveness.periodSeconds))}s
AccuracySec=1s
Unit=${LIVENESS_SERVICE_UNIT}

[Install]
WantedBy=timers.target
`;
}

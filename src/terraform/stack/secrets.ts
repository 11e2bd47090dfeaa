/**
 * One Secrets Manager secret per variable the service reads from its environment (tokens,
 * webhook URLs, ...). Synth creates the secret, never its value: the operator puts the value
 * (`aws secretsmanager put-secret-value`), the instance role reads it at boot.
 */
import type { ResourceSpec } from '../model.js';
import type { ServiceDeployment } from '../deploy/deployment.js';
import { secretName } from '../deploy/service-env.js';
import type { StackContext } from './context.js';

export function buildServiceSecrets(ctx: StackContext, d: ServiceDeployment): ResourceSpec[] {
  return d.variables.secrets.map((name): ResourceSpec => {
    const t = ctx.tagSources();
    return {
      type: 'aws_secretsmanager_secret',
      name: `env_${name.toLowerCase()}`,
      attributes: {
        name: secretName(ctx.unique, name),
        description: `${name} for exportctl ${ctx.project} (${ctx.env}); value set by the operator`,
        recovery_window_in_days: 7,
        tags: t.tags,
      },
      sources: {
        '': { paths: ['server.auth', 'database.url', 'notifications'] },
        name: { paths: [], env: true },
        description: { paths: [], env: true },
        ...t.sources,
      },
    };
  });
}

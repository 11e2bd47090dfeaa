/** The Terraform state backend: S3 when `infrastructure.backend.s3` names a bucket, else local. */
import type { BackendSpec } from '../model.js';
import type { StackContext } from './context.js';

export function buildBackend(ctx: StackContext): BackendSpec | undefined {
  const { project, env, infra } = ctx;
  const s3 = infra.backend?.s3;
  if (!s3) return undefined;
  const prefix = s3.key_prefix !== undefined && s3.key_prefix !== '' ? s3.key_prefix : project;
  return {
    type: 's3',
    attributes: {
      bucket: s3.bucket,
      key: `${prefix}/${env}.tfstate`,
      region: s3.region ?? infra.region,
      encrypt: true,
    },
    sources: {
      '': { paths: ['infrastructure.backend.s3'] },
      bucket: { paths: ['infrastructure.backend.s3.bucket'] },
      key: { paths: ['infrastructure.backend.s3.key_prefix'], env: true },
      region: { paths: ['infrastructure.backend.s3.region', 'infrastructure.region'] },
    },
  };
}

/** The Terraform state backend: S3 when `infrastructure.backend.s3` names a bucket, else local. */
import type { BackendSpec } from '../model.js';
import { type StackContext, obj } from './context.js';

export function buildBackend(ctx: StackContext): BackendSpec | undefined {
  const { project, env, infra } = ctx;
  const s3 = obj(obj(infra.backend)?.s3);
  if (!s3 || typeof s3.bucket !== 'string') return undefined;
  const prefix = typeof s3.key_prefix === 'string' && s3.key_prefix !== '' ? s3.key_prefix : project;
  return {
    type: 's3',
    attributes: {
      bucket: s3.bucket,
      key: `${prefix}/${env}.tfstate`,
      region: typeof s3.region === 'string' ? s3.region : String(infra.region),
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

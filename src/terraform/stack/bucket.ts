/** Storage: the exports bucket, versioned or not, encrypted, never public, expiring if asked. */
import { type ResourceSpec, ref } from '../model.js';
import type { StackContext } from './context.js';

export function buildExportsBucket(ctx: StackContext): ResourceSpec[] {
  const storage = ctx.infra.storage;
  if (storage?.bucket === undefined) return [];
  const resources: ResourceSpec[] = [];
  const bucketName = ctx.suffix(storage.bucket);
  const t = ctx.tagSources();
  const bucket: ResourceSpec = {
    type: 'aws_s3_bucket',
    name: 'exports',
    attributes: { bucket: bucketName, tags: t.tags },
    sources: {
      '': { paths: ['infrastructure.storage'] },
      bucket: { paths: ['infrastructure.storage.bucket'], env: true },
      ...t.sources,
    },
  };
  resources.push(bucket);
  const bucketRef = ref(bucket, 'id');
  const storageSrc = { '': { paths: ['infrastructure.storage'] } };
  resources.push({
    type: 'aws_s3_bucket_versioning',
    name: 'exports',
    attributes: {
      bucket: bucketRef,
      versioning_configuration: { status: storage.versioning === true ? 'Enabled' : 'Suspended' },
    },
    sources: { ...storageSrc, versioning_configuration: { paths: ['infrastructure.storage.versioning'] } },
  });
  resources.push({
    type: 'aws_s3_bucket_server_side_encryption_configuration',
    name: 'exports',
    attributes: {
      bucket: bucketRef,
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
    },
    sources: storageSrc,
  });
  resources.push({
    type: 'aws_s3_bucket_public_access_block',
    name: 'exports',
    attributes: {
      bucket: bucketRef,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    },
    sources: storageSrc,
  });
  if (storage.retention_days !== undefined) {
    const days = storage.retention_days;
    resources.push({
      type: 'aws_s3_bucket_lifecycle_configuration',
      name: 'exports',
      attributes: {
        bucket: bucketRef,
        rule: [
          {
            id: 'expire-exports',
            status: 'Enabled',
            filter: [{ prefix: '' }],
            expiration: [{ days }],
            noncurrent_version_expiration: [{ noncurrent_days: days }],
          },
        ],
      },
      sources: {
        '': { paths: ['infrastructure.storage.retention_days'] },
        rule: { paths: ['infrastructure.storage.retention_days'] },
      },
    });
  }
  return resources;
}

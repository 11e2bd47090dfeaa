/** Compute: the exporter's instances, inside the security group. */
import { type ResourceSpec, ref } from '../model.js';
import { type StackContext, obj } from './context.js';

export function buildInstances(ctx: StackContext, sg: ResourceSpec): ResourceSpec[] {
  const instance = obj(ctx.infra.instance);
  if (!instance) return [];
  if (typeof instance.ami !== 'string' || typeof instance.type !== 'string') {
    ctx.unsupported(
      'infrastructure.instance',
      'synth needs infrastructure.instance.ami and infrastructure.instance.type to create instances',
    );
    return [];
  }
  const t = ctx.tagSources('exporter');
  return [
    {
      type: 'aws_instance',
      name: 'app',
      count: typeof instance.count === 'number' ? instance.count : 1,
      attributes: {
        ami: instance.ami,
        instance_type: instance.type,
        vpc_security_group_ids: [ref(sg, 'id')],
        metadata_options: { http_tokens: 'required' },
        tags: t.tags,
      },
      sources: {
        '': { paths: ['infrastructure.instance'] },
        count: { paths: ['infrastructure.instance.count'] },
        ami: { paths: ['infrastructure.instance.ami'] },
        instance_type: { paths: ['infrastructure.instance.type'] },
        ...t.sources,
      },
    },
  ];
}

/** CreateTags, DeleteTags, DescribeTags over every taggable resource. */
import type * as ec2 from '@aws-sdk/client-ec2';
import { AwsError } from '../protocol/errors';
import type { Wire } from '../protocol/types';
import { ECS_OPTIMIZED_AMI } from './catalog';
import { ec2Errors, type Scope } from './common';
import { tagKey } from './model';

/** Throws unless `id` names an instance or resource of this region (or the ECS image). */
function requireResource(s: Scope, id: string): void {
  if (id.startsWith('i-')) {
    const i = s.store.instances.get(id);
    if (!i || i.region !== s.region) {
      throw ec2Errors.notFound('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    }
    return;
  }
  if (id === ECS_OPTIMIZED_AMI.imageId) return;
  const r = s.store.resources.get(id);
  if (!r || r.region !== s.region) throw new AwsError('InvalidID', `The ID '${id}' is not valid`, 400);
}

export function createTags(s: Scope, input: Wire<ec2.CreateTagsRequest>): object {
  const ids = input.Resources ?? [];
  if (ids.length === 0) throw ec2Errors.missing('ResourceId');
  if (!input.Tags?.length) throw ec2Errors.missing('Tag');
  const tags = input.Tags.filter((t) => t.Key).map((t) => ({ key: t.Key as string, value: t.Value ?? '' }));
  for (const t of tags) {
    if (
      t.key.toLowerCase().startsWith('aws:') &&
      !t.key.startsWith('aws:autoscaling:') &&
      !t.key.startsWith('aws:cloudformation:')
    ) {
      throw ec2Errors.invalid(`Tag keys starting with 'aws:' are reserved for internal use`);
    }
  }
  s.deps.db.tx(() => {
    for (const id of ids) requireResource(s, id);
    for (const id of ids) s.setTags(id, tags);
  });
  return {};
}

export function deleteTags(s: Scope, input: Wire<ec2.DeleteTagsRequest>): object {
  const ids = input.Resources ?? [];
  if (ids.length === 0) throw ec2Errors.missing('ResourceId');
  const wanted = (input.Tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value }));
  s.deps.db.tx(() => {
    for (const id of ids) {
      requireResource(s, id);
      for (const t of s.store.tags.find({ resource: id })) {
        const hit =
          wanted.length === 0 ||
          wanted.some((w) => w.key === t.key && (w.value === undefined || w.value === t.value));
        if (hit) s.store.tags.delete(tagKey(id, t.key));
      }
    }
  });
  return {};
}

export function describeTags(s: Scope, input: Wire<ec2.DescribeTagsRequest>): Wire<ec2.DescribeTagsResult> {
  const all = s.store.tags.all().filter((t) => t.region === s.region);
  const tags = s.filter(
    all,
    input.Filters,
    (t) => t.resourceId,
    (t) => ({ 'resource-id': t.resourceId, 'resource-type': t.resourceType, key: t.key, value: t.value }),
  );
  return {
    Tags: tags.map((t) => ({
      ResourceId: t.resourceId,
      ResourceType: t.resourceType as ec2.ResourceType,
      Key: t.key,
      Value: t.value,
    })),
  };
}

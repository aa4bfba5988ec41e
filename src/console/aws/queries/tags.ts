import {
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type Tag,
} from '@aws-sdk/client-ecs';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { awsQueryKey, useRegion } from '../backend';
import { ecsClient } from '../ecs';

/** ListTagsForResource of an ECS resource (cluster, service, task, task definition). */
export function tagsQuery(region: string, resourceArn: string) {
  return queryOptions({
    queryKey: awsQueryKey(region, 'ecs', 'ListTagsForResource', { resourceArn }),
    enabled: resourceArn !== '',
    queryFn: async (): Promise<Tag[]> =>
      (await ecsClient(region).send(new ListTagsForResourceCommand({ resourceArn }))).tags ?? [],
    staleTime: 30_000,
  });
}

export function useTags(resourceArn: string) {
  const { region } = useRegion();
  return useQuery(tagsQuery(region, resourceArn));
}

export interface TagChange {
  tagResource?: { resourceArn: string; tags: Array<{ key: string; value: string }> };
  untagResource?: { resourceArn: string; tagKeys: string[] };
}

/** The TagResource and UntagResource calls that turn `before` into `after` (keys unique in `after`). */
export function tagChange(
  resourceArn: string,
  before: Array<{ key?: string; value?: string }>,
  after: Array<{ key: string; value: string }>,
): TagChange {
  const old = new Map(before.map((t) => [t.key ?? '', t.value ?? '']));
  const set = after.filter((t) => old.get(t.key) !== t.value);
  const keep = new Set(after.map((t) => t.key));
  const removed = [...old.keys()].filter((k) => !keep.has(k));
  return {
    ...(set.length > 0 && { tagResource: { resourceArn, tags: set } }),
    ...(removed.length > 0 && { untagResource: { resourceArn, tagKeys: removed } }),
  };
}

/** Applies a tag change: UntagResource, then TagResource. */
export function useChangeTags(resourceArn: string) {
  const { region } = useRegion();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (change: TagChange) => {
      const ecs = ecsClient(region);
      if (change.untagResource) await ecs.send(new UntagResourceCommand(change.untagResource));
      if (change.tagResource) await ecs.send(new TagResourceCommand(change.tagResource));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tagsQuery(region, resourceArn).queryKey }),
  });
}

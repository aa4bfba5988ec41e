/** AddTags, RemoveTags, DescribeTags on load balancers, target groups and listeners. */
import type * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Wire } from '../../protocol/types';
import { err, readTags, renderTags, type Scope, type Tags } from './common';

/** The tags of the resource an ARN names in the caller's region, and how to store new ones. */
function taggable(s: Scope, arn: string): { tags: Tags; save: (tags: Tags) => void } {
  const { store } = s;
  const lb = store.loadBalancers.get(arn);
  if (lb && lb.region === s.region)
    return { tags: lb.tags, save: (tags) => store.loadBalancers.put(arn, { ...lb, tags }) };
  const tg = store.targetGroups.get(arn);
  if (tg && tg.region === s.region)
    return { tags: tg.tags, save: (tags) => store.targetGroups.put(arn, { ...tg, tags }) };
  const l = store.listeners.get(arn);
  if (l && l.region === s.region)
    return { tags: l.tags, save: (tags) => store.listeners.put(arn, { ...l, tags }) };
  if (arn.includes(':targetgroup/')) throw err.tgNotFound();
  if (arn.includes(':listener/')) throw err.listenerNotFound();
  throw err.lbNotFound();
}

export function addTags(s: Scope, input: Wire<elbv2.AddTagsInput>): Wire<elbv2.AddTagsOutput> {
  const tags = readTags(input.Tags);
  s.deps.db.tx(() => {
    for (const arn of input.ResourceArns ?? []) {
      const t = taggable(s, arn);
      t.save([...t.tags.filter((x) => !tags.some((n) => n.key === x.key)), ...tags]);
    }
  });
  return {};
}

export function removeTags(s: Scope, input: Wire<elbv2.RemoveTagsInput>): Wire<elbv2.RemoveTagsOutput> {
  const keys = input.TagKeys ?? [];
  s.deps.db.tx(() => {
    for (const arn of input.ResourceArns ?? []) {
      const t = taggable(s, arn);
      t.save(t.tags.filter((x) => !keys.includes(x.key)));
    }
  });
  return {};
}

export function describeTags(s: Scope, input: Wire<elbv2.DescribeTagsInput>): Wire<elbv2.DescribeTagsOutput> {
  return {
    TagDescriptions: (input.ResourceArns ?? []).map((arn) => ({
      ResourceArn: arn,
      Tags: renderTags(taggable(s, arn).tags),
    })),
  };
}

/** AddTags, DescribeTags. */
import type * as elb from '@aws-sdk/client-elastic-load-balancing';
import type { Wire } from '../../protocol/types';
import { keyOf, lbOf, type Scope } from './common';

export function addTags(s: Scope, input: Wire<elb.AddTagsInput>): Wire<elb.AddTagsOutput> {
  const tags = (input.Tags ?? []).map((t) => ({ key: t.Key as string, value: t.Value ?? '' }));
  s.deps.db.tx(() => {
    for (const name of input.LoadBalancerNames ?? []) {
      const lb = lbOf(s, name);
      lb.tags = [...lb.tags.filter((t) => !tags.some((n) => n.key === t.key)), ...tags];
      s.store.put(keyOf(lb.region, lb.name), lb);
    }
  });
  return {};
}

export function describeTags(s: Scope, input: Wire<elb.DescribeTagsInput>): Wire<elb.DescribeTagsOutput> {
  return {
    TagDescriptions: (input.LoadBalancerNames ?? []).map((name) => ({
      LoadBalancerName: name,
      Tags: lbOf(s, name).tags.map((t) => ({ Key: t.key, Value: t.value })),
    })),
  };
}

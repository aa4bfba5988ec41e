/**
 * Elastic Load Balancing v2 (awsQuery, 2015-12-01): load balancers with their own loopback address
 * (also their DNSName), target groups with health checks, listeners that really proxy HTTP. The
 * endpoint checks every input against the model (shapes.gen.ts) before an action runs; actions
 * live by resource in this folder and share a `Scope` (common.ts).
 */
import type { LocalDeps } from '../../deps';
import type { ActionHandler, ServiceDefinition } from '../../protocol/types';
import { elbStore } from '../model';
import { createLbRuntime } from '../runtime';
import { scopeOf, type Runtime, type Scope } from './common';
import { elbV2Metrics, ServedCounters, withMetrics } from '../metrics';
import { elbV2Source } from './data-plane';
import { createListener, deleteListener, describeListeners, modifyListener } from './listeners';
import { createLoadBalancer, deleteLoadBalancer, describeLoadBalancers } from './load-balancers';
import { model } from './shapes.gen';
import { addTags, describeTags, removeTags } from './tags';
import {
  createTargetGroup,
  deleteTargetGroup,
  describeTargetGroupAttributes,
  describeTargetGroups,
  modifyTargetGroup,
} from './target-groups';
import { deregisterTargets, describeTargetHealth, registerTargets } from './targets';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action takes its own request shape, checked against the model by the endpoint
type Action = (s: Scope, input: any) => unknown;

const ACTIONS: Record<string, Action> = {
  CreateLoadBalancer: createLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  DeleteLoadBalancer: deleteLoadBalancer,
  CreateTargetGroup: createTargetGroup,
  DescribeTargetGroups: describeTargetGroups,
  ModifyTargetGroup: modifyTargetGroup,
  DeleteTargetGroup: deleteTargetGroup,
  DescribeTargetGroupAttributes: describeTargetGroupAttributes,
  CreateListener: createListener,
  DescribeListeners: describeListeners,
  ModifyListener: modifyListener,
  DeleteListener: deleteListener,
  RegisterTargets: registerTargets,
  DeregisterTargets: deregisterTargets,
  DescribeTargetHealth: describeTargetHealth,
  AddTags: addTags,
  RemoveTags: removeTags,
  DescribeTags: describeTags,
};

export function createElbV2Service(deps: LocalDeps): ServiceDefinition {
  const store = elbStore(deps.db);
  // Draining targets are checked by housekeeping until none is left (again after a restart).
  const drainingState = { draining: true };
  const counters = new ServedCounters();
  const source = elbV2Source(deps, store, drainingState);
  const lb = createLbRuntime(deps, 'elbv2', { ...source, served: (key, o) => counters.record(key, o) });
  const runtime: Runtime = {
    sync: () => lb.sync().catch((e) => deps.log('elbv2: sync failed', { err: String(e) })),
    draining: () => {
      drainingState.draining = true;
    },
  };
  const actions: Record<string, ActionHandler> = {};
  for (const [name, action] of Object.entries(ACTIONS)) {
    actions[name] = (input, ctx) => action(scopeOf(deps, store, runtime, ctx), input);
  }
  const background = withMetrics(deps, 'elbv2', lb, elbV2Metrics(deps, store, counters));
  return { id: 'elasticloadbalancingv2', model, actions, background };
}

/**
 * Classic Elastic Load Balancing (awsQuery, 2012-06-01), as the 2015 wizard used: a load balancer
 * with listeners LoadBalancerPort -> InstancePort, registered EC2 instances, one health check, and a
 * real proxy on its own loopback address. The endpoint checks every input against the model
 * (shapes.gen.ts) before an action runs; actions share a `Scope` (common.ts).
 */
import type { LocalDeps } from '../../deps';
import type { ActionHandler, ServiceDefinition } from '../../protocol/types';
import { elbStore } from '../model';
import { createLbRuntime } from '../runtime';
import { scopeOf, type Scope } from './common';
import { classicMetrics, ServedCounters, withMetrics } from '../metrics';
import { classicSource } from './data-plane';
import { deregisterInstances, describeInstanceHealth, registerInstances } from './instances';
import {
  configureHealthCheck,
  createLoadBalancer,
  deleteLoadBalancer,
  describeLoadBalancers,
} from './load-balancers';
import { model } from './shapes.gen';
import { addTags, describeTags } from './tags';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action takes its own request shape, checked against the model by the endpoint
type Action = (s: Scope, input: any) => unknown;

const ACTIONS: Record<string, Action> = {
  CreateLoadBalancer: createLoadBalancer,
  DescribeLoadBalancers: describeLoadBalancers,
  DeleteLoadBalancer: deleteLoadBalancer,
  ConfigureHealthCheck: configureHealthCheck,
  RegisterInstancesWithLoadBalancer: registerInstances,
  DeregisterInstancesFromLoadBalancer: deregisterInstances,
  DescribeInstanceHealth: describeInstanceHealth,
  AddTags: addTags,
  DescribeTags: describeTags,
};

export function createElbClassicService(deps: LocalDeps): ServiceDefinition {
  const store = elbStore(deps.db).classic;
  const counters = new ServedCounters();
  const runtime = createLbRuntime(deps, 'elb', {
    ...classicSource(deps, store),
    served: (key, o) => counters.record(key, o),
  });
  const sync = () => runtime.sync().catch((e) => deps.log('elb: sync failed', { err: String(e) }));
  const actions: Record<string, ActionHandler> = {};
  for (const [name, action] of Object.entries(ACTIONS)) {
    actions[name] = (input, ctx) => action(scopeOf(deps, store, sync, ctx), input);
  }
  const background = withMetrics(deps, 'elb', runtime, classicMetrics(deps, store, counters));
  return { id: 'elasticloadbalancing', model, actions, background };
}

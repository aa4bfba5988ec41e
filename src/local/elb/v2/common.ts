/**
 * What every ELB v2 action shares: the call scope, ELB's errors, finding records of the caller's
 * region by ARN, the listeners of a load balancer and the load balancers of a target group.
 */
import { randomBytes } from 'node:crypto';
import type * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LocalDeps } from '../../deps';
import { AwsError } from '../../protocol/errors';
import type { CallContext, Wire } from '../../protocol/types';
import type { ElbStore, ListenerRecord, LoadBalancerRecord, TargetGroupRecord } from '../model';

export interface Scope {
  deps: LocalDeps;
  store: ElbStore;
  region: string;
  accountId: string;
  /** Applies what is stored to the listeners' proxies and the health checks. */
  sync(): Promise<void>;
  /** Tells housekeeping that some targets are draining. */
  draining(): void;
}

export interface Runtime {
  sync(): Promise<void>;
  draining(): void;
}

export const scopeOf = (deps: LocalDeps, store: ElbStore, runtime: Runtime, ctx: CallContext): Scope => ({
  deps,
  store,
  region: ctx.region,
  accountId: ctx.accountId,
  sync: runtime.sync,
  draining: runtime.draining,
});

export const err = {
  invalid: (m: string) => new AwsError('ValidationError', m, 400),
  lbNotFound: () => new AwsError('LoadBalancerNotFound', 'One or more load balancers not found', 400),
  tgNotFound: () => new AwsError('TargetGroupNotFound', 'One or more target groups not found', 400),
  listenerNotFound: () => new AwsError('ListenerNotFound', 'One or more listeners not found', 400),
  duplicateListener: () =>
    new AwsError('DuplicateListener', 'A listener already exists on this port for this load balancer', 400),
  unsupportedProtocol: (message: string) => new AwsError('UnsupportedProtocol', message, 400),
};

/** Names of load balancers and target groups (the model does not check patterns). */
export const NAME = /^(?!-)(?!internal-)[a-zA-Z0-9-]{1,32}(?<!-)$/;
export const hex16 = (): string => randomBytes(8).toString('hex');
export const HTTP_PROTOCOLS = ['HTTP', 'HTTPS'];

/** A record of the caller's region by ARN, or the kind's NotFound error. */
function inRegion<T extends { region: string }>(
  collection: { get(arn: string): T | undefined },
  notFound: () => AwsError,
) {
  return (s: Scope, arn: string | undefined): T => {
    const found = arn ? collection.get(arn) : undefined;
    if (!found || found.region !== s.region) throw notFound();
    return found;
  };
}

export const lbOf = (s: Scope, arn: string | undefined): LoadBalancerRecord =>
  inRegion(s.store.loadBalancers, err.lbNotFound)(s, arn);
export const tgOf = (s: Scope, arn: string | undefined): TargetGroupRecord =>
  inRegion(s.store.targetGroups, err.tgNotFound)(s, arn);
export const listenerOf = (s: Scope, arn: string | undefined): ListenerRecord =>
  inRegion(s.store.listeners, err.listenerNotFound)(s, arn);

/** Describe*: records of the caller's region, narrowed to the ARNs and names asked for (each must exist). */
export function pick<T extends { arn: string; name: string; createdTime: number }>(
  all: T[],
  arns: string[] | undefined,
  names: string[] | undefined,
  notFound: () => AwsError,
): T[] {
  let items = all;
  if (arns?.length) {
    if (arns.some((a) => !items.some((x) => x.arn === a))) throw notFound();
    items = items.filter((x) => arns.includes(x.arn));
  }
  if (names?.length) {
    if (names.some((n) => !items.some((x) => x.name === n))) throw notFound();
    items = items.filter((x) => names.includes(x.name));
  }
  return items.sort((a, b) => a.createdTime - b.createdTime || a.name.localeCompare(b.name));
}

export const listenersOf = (store: ElbStore, lbArn: string): ListenerRecord[] =>
  store.listeners.find({ lb: lbArn });

/** Load balancers whose listeners forward to a target group. */
export function lbArnsOf(store: ElbStore, tgArn: string): string[] {
  const arns = new Set<string>();
  for (const lb of store.loadBalancers.all()) {
    for (const l of listenersOf(store, lb.arn)) {
      if (l.defaultActions.some((a) => a.targetGroupArn === tgArn)) arns.add(l.loadBalancerArn);
    }
  }
  return [...arns];
}

export type Tags = { key: string; value: string }[];
export const readTags = (tags: Wire<elbv2.Tag>[] | undefined): Tags =>
  (tags ?? []).map((t) => ({ key: t.Key as string, value: t.Value ?? '' }));
export const renderTags = (tags: Tags): Wire<elbv2.Tag>[] =>
  tags.map((t) => ({ Key: t.key, Value: t.value }));

/** Stored epoch milliseconds as the wire's epoch seconds. */
export const seconds = (ms: number): number => ms / 1000;

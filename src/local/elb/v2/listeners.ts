/** CreateListener, DescribeListeners, ModifyListener, DeleteListener. */
import type * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsError } from '../../protocol/errors';
import type { Wire } from '../../protocol/types';
import type { ListenerRecord } from '../model';
import { err, hex16, lbArnsOf, lbOf, listenerOf, listenersOf, readTags, tgOf, type Scope } from './common';

export function renderListener(l: ListenerRecord): Wire<elbv2.Listener> {
  return {
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol as elbv2.ProtocolEnum,
    DefaultActions: l.defaultActions.map((a) => ({
      Type: a.type as elbv2.ActionTypeEnum,
      TargetGroupArn: a.targetGroupArn,
      ForwardConfig: a.targetGroupArn
        ? {
            TargetGroups: [{ TargetGroupArn: a.targetGroupArn, Weight: 1 }],
            TargetGroupStickinessConfig: { Enabled: false },
          }
        : undefined,
    })),
  };
}

/** DefaultActions: forward actions to target groups of the caller's region. */
function readActions(s: Scope, actions: Wire<elbv2.Action>[] | undefined): ListenerRecord['defaultActions'] {
  if (!actions?.length) {
    throw err.invalid(
      "1 validation error detected: Value null at 'defaultActions' failed to satisfy constraint: Member must not be null",
    );
  }
  return actions.map((a) => {
    if (a.Type !== 'forward') {
      throw new AwsError(
        'InvalidLoadBalancerAction',
        `The action type '${a.Type}' is not supported by the local control plane; use 'forward'`,
        400,
      );
    }
    const tgArn = a.TargetGroupArn ?? a.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn;
    tgOf(s, tgArn);
    return { type: a.Type, targetGroupArn: tgArn };
  });
}

export async function createListener(
  s: Scope,
  input: Wire<elbv2.CreateListenerInput>,
): Promise<Wire<elbv2.CreateListenerOutput>> {
  const protocol = input.Protocol ?? 'HTTP';
  const port = input.Port;
  if (port === undefined) throw err.invalid('A listener port must be specified');
  if (protocol === 'HTTPS' || protocol === 'TLS') {
    throw err.unsupportedProtocol(
      `Protocol '${protocol}' is not supported by the local control plane (no certificates)`,
    );
  }
  if (!['HTTP', 'TCP'].includes(protocol))
    throw err.unsupportedProtocol(`Protocol '${protocol}' is not supported`);
  const { store } = s;
  const listener = s.deps.db.tx(() => {
    const lb = lbOf(s, input.LoadBalancerArn);
    const defaultActions = readActions(s, input.DefaultActions);
    if ((lb.type === 'application') !== (protocol === 'HTTP')) {
      throw new AwsError(
        'IncompatibleProtocols',
        `The protocol '${protocol}' is not valid for a ${lb.type} load balancer`,
        400,
      );
    }
    if (listenersOf(store, lb.arn).some((l) => l.port === port)) throw err.duplicateListener();
    for (const a of defaultActions) {
      const other = lbArnsOf(store, a.targetGroupArn ?? '').find((x) => x !== lb.arn);
      if (other) {
        throw new AwsError(
          'TargetGroupAssociationLimit',
          `The following target groups cannot be associated with more than one load balancer: ${a.targetGroupArn}`,
          400,
        );
      }
    }
    const lbId = lb.arn.split('/').slice(1).join('/');
    const record: ListenerRecord = {
      arn: `arn:aws:elasticloadbalancing:${s.region}:${s.accountId}:listener/${lbId}/${hex16()}`,
      loadBalancerArn: lb.arn,
      region: s.region,
      port,
      protocol,
      defaultActions,
      tags: readTags(input.Tags),
    };
    store.listeners.put(record.arn, record);
    return record;
  });
  await s.sync();
  return { Listeners: [renderListener(listener)] };
}

export function describeListeners(
  s: Scope,
  input: Wire<elbv2.DescribeListenersInput>,
): Wire<elbv2.DescribeListenersOutput> {
  const arns = input.ListenerArns ?? [];
  const lbArn = input.LoadBalancerArn;
  if (!lbArn && arns.length === 0)
    throw err.invalid('You must specify either listener ARNs or a load balancer ARN');
  let listeners: ListenerRecord[];
  if (lbArn) {
    lbOf(s, lbArn);
    listeners = listenersOf(s.store, lbArn);
    if (arns.length) listeners = listeners.filter((l) => arns.includes(l.arn));
  } else {
    listeners = arns.map((a) => listenerOf(s, a));
  }
  listeners.sort((a, b) => a.port - b.port);
  return { Listeners: listeners.map(renderListener) };
}

export async function modifyListener(
  s: Scope,
  input: Wire<elbv2.ModifyListenerInput>,
): Promise<Wire<elbv2.ModifyListenerOutput>> {
  const listener = s.deps.db.tx(() => {
    const l = listenerOf(s, input.ListenerArn);
    const port = input.Port;
    if (
      port !== undefined &&
      port !== l.port &&
      listenersOf(s.store, l.loadBalancerArn).some((x) => x.port === port)
    ) {
      throw err.duplicateListener();
    }
    const updated: ListenerRecord = {
      ...l,
      port: port ?? l.port,
      defaultActions:
        input.DefaultActions !== undefined ? readActions(s, input.DefaultActions) : l.defaultActions,
    };
    s.store.listeners.put(l.arn, updated);
    return updated;
  });
  await s.sync();
  return { Listeners: [renderListener(listener)] };
}

export async function deleteListener(
  s: Scope,
  input: Wire<elbv2.DeleteListenerInput>,
): Promise<Wire<elbv2.DeleteListenerOutput>> {
  s.deps.db.tx(() => {
    const l = listenerOf(s, input.ListenerArn);
    s.store.listeners.delete(l.arn);
  });
  await s.sync();
  return {};
}

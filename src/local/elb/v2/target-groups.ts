/**
 * CreateTargetGroup, DescribeTargetGroups, ModifyTargetGroup, DeleteTargetGroup and
 * DescribeTargetGroupAttributes; a target group's health check settings.
 */
import type * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsError, isAwsError } from '../../protocol/errors';
import type { Wire } from '../../protocol/types';
import { offsetPage } from '../../common/offset-page';
import { targetKey, type HealthSettings, type TargetGroupRecord } from '../model';
import { err, hex16, HTTP_PROTOCOLS, lbArnsOf, lbOf, NAME, pick, readTags, tgOf, type Scope } from './common';

export function renderTargetGroup(s: Scope, tg: TargetGroupRecord): Wire<elbv2.TargetGroup> {
  const http = HTTP_PROTOCOLS.includes(tg.health.protocol);
  return {
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol as elbv2.ProtocolEnum,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: tg.health.protocol as elbv2.ProtocolEnum,
    HealthCheckPort: tg.health.port,
    HealthCheckEnabled: tg.health.enabled,
    HealthCheckIntervalSeconds: tg.health.intervalSeconds,
    HealthCheckTimeoutSeconds: tg.health.timeoutSeconds,
    HealthyThresholdCount: tg.health.healthyThreshold,
    UnhealthyThresholdCount: tg.health.unhealthyThreshold,
    HealthCheckPath: http ? tg.health.path : undefined,
    Matcher: http ? { HttpCode: tg.health.matcher } : undefined,
    LoadBalancerArns: lbArnsOf(s.store, tg.arn),
    TargetType: tg.targetType,
    ProtocolVersion: HTTP_PROTOCOLS.includes(tg.protocol) ? 'HTTP1' : undefined,
    IpAddressType: 'ipv4',
  };
}

type HealthInput = Pick<
  Wire<elbv2.CreateTargetGroupInput>,
  | 'HealthCheckProtocol'
  | 'HealthCheckPort'
  | 'HealthCheckIntervalSeconds'
  | 'HealthCheckTimeoutSeconds'
  | 'HealthCheckPath'
  | 'HealthyThresholdCount'
  | 'UnhealthyThresholdCount'
  | 'Matcher'
  | 'HealthCheckEnabled'
>;

/** Health check settings from input (the model checks the ranges), over `base` when modifying. */
function readHealth(input: HealthInput, protocol: string, base?: HealthSettings): HealthSettings {
  const hcProtocol =
    input.HealthCheckProtocol ??
    base?.protocol ??
    (protocol === 'TCP' || protocol === 'UDP' ? 'TCP' : protocol);
  if (!['HTTP', 'HTTPS', 'TCP'].includes(hcProtocol)) {
    throw err.invalid(`Health check protocol '${hcProtocol}' is not supported`);
  }
  const port = input.HealthCheckPort ?? base?.port ?? 'traffic-port';
  if (port !== 'traffic-port' && !(Number(port) >= 1 && Number(port) <= 65535)) {
    throw err.invalid(`Health check port '${port}' must be 'traffic-port' or between 1 and 65535`);
  }
  // AWS allows 5-300 s; the local plane also accepts shorter intervals so tests and demos react
  // quickly (the generated model's bounds are relaxed in generate.py).
  const interval = input.HealthCheckIntervalSeconds ?? base?.intervalSeconds ?? 30;
  const timeout = input.HealthCheckTimeoutSeconds ?? base?.timeoutSeconds ?? Math.min(5, interval);
  if (timeout > interval) throw err.invalid('Health check timeout must be smaller than the interval');
  const path = input.HealthCheckPath ?? base?.path ?? '/';
  if (!path.startsWith('/')) throw err.invalid(`Health check path must begin with a '/' character`);
  return {
    protocol: hcProtocol,
    port,
    path,
    intervalSeconds: interval,
    timeoutSeconds: timeout,
    healthyThreshold: input.HealthyThresholdCount ?? base?.healthyThreshold ?? 5,
    unhealthyThreshold: input.UnhealthyThresholdCount ?? base?.unhealthyThreshold ?? 2,
    matcher: input.Matcher?.HttpCode ?? base?.matcher ?? '200',
    enabled: input.HealthCheckEnabled ?? base?.enabled ?? true,
  };
}

export async function createTargetGroup(
  s: Scope,
  input: Wire<elbv2.CreateTargetGroupInput>,
): Promise<Wire<elbv2.CreateTargetGroupOutput>> {
  const name = input.Name as string;
  if (!NAME.test(name)) {
    throw err.invalid(
      `Target group name '${name}' can have a maximum of 32 characters, can contain only alphanumeric characters and hyphens, and cannot begin or end with a hyphen`,
    );
  }
  const targetType = input.TargetType ?? 'instance';
  if (targetType !== 'instance' && targetType !== 'ip') {
    throw err.invalid(`Target type '${targetType}' is not supported by the local control plane`);
  }
  const { Protocol: protocol, Port: port, VpcId: vpcId } = input;
  if (!protocol) throw err.invalid('A protocol must be specified');
  if (!['HTTP', 'HTTPS', 'TCP'].includes(protocol))
    throw err.unsupportedProtocol(`Protocol '${protocol}' is not supported`);
  if (port === undefined) throw err.invalid('A port must be specified');
  if (!vpcId) throw err.invalid('A VPC ID must be specified');
  try {
    await s.deps.services.call('ec2', 'DescribeVpcs', { VpcIds: [vpcId] }, { region: s.region });
  } catch (e) {
    if (!isAwsError(e)) throw e;
    throw err.invalid(`The VPC ID '${vpcId}' is not found`);
  }
  const health = readHealth(input, protocol);
  const { store } = s;
  const tg = s.deps.db.tx(() => {
    const existing = store.targetGroups.find({ region: s.region }).find((t) => t.name === name);
    if (existing) {
      if (existing.protocol !== protocol || existing.port !== port || existing.vpcId !== vpcId) {
        throw new AwsError(
          'DuplicateTargetGroupName',
          'A target group with the same name exists, but with different settings',
          400,
        );
      }
      return existing;
    }
    const record: TargetGroupRecord = {
      arn: `arn:aws:elasticloadbalancing:${s.region}:${s.accountId}:targetgroup/${name}/${hex16()}`,
      name,
      region: s.region,
      protocol,
      port,
      vpcId,
      targetType,
      health,
      createdTime: s.deps.clock.now(),
      tags: readTags(input.Tags),
    };
    store.targetGroups.put(record.arn, record);
    return record;
  });
  return { TargetGroups: [renderTargetGroup(s, tg)] };
}

export function describeTargetGroups(
  s: Scope,
  input: Wire<elbv2.DescribeTargetGroupsInput>,
): Wire<elbv2.DescribeTargetGroupsOutput> {
  const lbArn = input.LoadBalancerArn;
  let tgs = pick(
    s.store.targetGroups.find({ region: s.region }),
    input.TargetGroupArns,
    input.Names,
    err.tgNotFound,
  );
  if (lbArn) {
    lbOf(s, lbArn);
    tgs = tgs.filter((t) => lbArnsOf(s.store, t.arn).includes(lbArn));
  }
  const { page, next } = offsetPage(tgs, input.PageSize, input.Marker, 'DescribeTargetGroups', () =>
    err.invalid('Invalid value for Marker'),
  );
  return { TargetGroups: page.map((tg) => renderTargetGroup(s, tg)), ...(next && { NextMarker: next }) };
}

export async function modifyTargetGroup(
  s: Scope,
  input: Wire<elbv2.ModifyTargetGroupInput>,
): Promise<Wire<elbv2.ModifyTargetGroupOutput>> {
  const tg = s.deps.db.tx(() => {
    const current = tgOf(s, input.TargetGroupArn);
    const updated = { ...current, health: readHealth(input, current.protocol, current.health) };
    s.store.targetGroups.put(updated.arn, updated);
    return updated;
  });
  await s.sync();
  return { TargetGroups: [renderTargetGroup(s, tg)] };
}

export async function deleteTargetGroup(
  s: Scope,
  input: Wire<elbv2.DeleteTargetGroupInput>,
): Promise<Wire<elbv2.DeleteTargetGroupOutput>> {
  const { store } = s;
  s.deps.db.tx(() => {
    const tg = tgOf(s, input.TargetGroupArn);
    if (lbArnsOf(store, tg.arn).length > 0) {
      throw new AwsError(
        'ResourceInUse',
        `Target group '${tg.arn}' is currently in use by a listener or a rule`,
        400,
      );
    }
    for (const t of store.targets.find({ tg: tg.arn })) store.targets.delete(targetKey(t));
    store.targetGroups.delete(tg.arn);
  });
  await s.sync();
  return {};
}

export function describeTargetGroupAttributes(
  s: Scope,
  input: Wire<elbv2.DescribeTargetGroupAttributesInput>,
): Wire<elbv2.DescribeTargetGroupAttributesOutput> {
  tgOf(s, input.TargetGroupArn);
  return {
    Attributes: [
      {
        Key: 'deregistration_delay.timeout_seconds',
        Value: String(Math.round(s.deps.config.taskStepMs / 1000)),
      },
      { Key: 'stickiness.enabled', Value: 'false' },
      { Key: 'load_balancing.algorithm.type', Value: 'round_robin' },
    ],
  };
}

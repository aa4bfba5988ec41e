/**
 * Elastic Load Balancing v2 (awsQuery, 2015-12-01): load balancers with their own loopback address
 * (also their DNSName), target groups with health checks, listeners that really proxy HTTP.
 */
import { randomBytes } from 'node:crypto';
import { allocateAddress } from '../common/addresses';
import type { LocalDeps } from '../deps';
import { AwsError, isAwsError } from '../protocol/errors';
import type { ActionHandler, CallContext, ServiceDefinition } from '../protocol/types';
import { int, keyValues, obj, objList, str, strList, type Params } from '../protocol/params';
import {
  elbStore,
  targetKey,
  type HealthSettings,
  type ListenerRecord,
  type LoadBalancerRecord,
  type TargetGroupRecord,
  type TargetRecord,
} from './model';
import { createLbRuntime, httpCodeMatcher, type HealthGroup, type LbSource } from './runtime';
import { applyProbe, resolveInstances } from './targets';

const err = {
  invalid: (m: string) => new AwsError('ValidationError', m, 400),
  lbNotFound: () => new AwsError('LoadBalancerNotFound', 'One or more load balancers not found', 400),
  tgNotFound: () => new AwsError('TargetGroupNotFound', 'One or more target groups not found', 400),
  listenerNotFound: () => new AwsError('ListenerNotFound', 'One or more listeners not found', 400),
  missing: (member: string) =>
    new AwsError(
      'ValidationError',
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
      400,
    ),
  duplicateListener: () =>
    new AwsError('DuplicateListener', 'A listener already exists on this port for this load balancer', 400),
};

const NAME = /^(?!-)(?!internal-)[a-zA-Z0-9-]{1,32}(?<!-)$/;
const hex16 = (): string => randomBytes(8).toString('hex');
const HTTP_PROTOCOLS = ['HTTP', 'HTTPS'];

function intIn(input: Params, name: string, min: number, max: number): number | undefined {
  const v = int(input[name], name, err.invalid);
  if (v !== undefined && (v < min || v > max)) {
    throw err.invalid(
      `1 validation error detected: Value '${v}' at '${name[0]?.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return v;
}

export function createElbV2Service(deps: LocalDeps): ServiceDefinition {
  const store = elbStore(deps.db);
  const { db } = deps;
  let draining = true;

  /** A record of the caller's region by ARN, or the given NotFound error. */
  const inRegion =
    <T extends { region: string }>(
      collection: { get(arn: string): T | undefined },
      notFound: () => AwsError,
    ) =>
    (arn: string | undefined, ctx: CallContext): T => {
      const found = arn ? collection.get(arn) : undefined;
      if (!found || found.region !== ctx.region) throw notFound();
      return found;
    };
  const lbOf = inRegion(store.loadBalancers, err.lbNotFound);
  const tgOf = inRegion(store.targetGroups, err.tgNotFound);
  const listenerOf = inRegion(store.listeners, err.listenerNotFound);
  /** Describe*: records of the caller's region, narrowed to the ARNs and names asked for (each must exist). */
  const pick = <T extends { arn: string; name: string; createdTime: number }>(
    all: T[],
    input: Params,
    arnsParam: string,
    notFound: () => AwsError,
  ): T[] => {
    const arns = strList(input[arnsParam]);
    const names = strList(input.Names);
    let items = all;
    if (arns.length) {
      if (arns.some((a) => !items.some((x) => x.arn === a))) throw notFound();
      items = items.filter((x) => arns.includes(x.arn));
    }
    if (names.length) {
      if (names.some((n) => !items.some((x) => x.name === n))) throw notFound();
      items = items.filter((x) => names.includes(x.name));
    }
    return items.sort((a, b) => a.createdTime - b.createdTime || a.name.localeCompare(b.name));
  };
  const listenersOf = (lbArn: string) => store.listeners.find({ lb: lbArn });
  const allListeners = () => store.loadBalancers.all().flatMap((lb) => listenersOf(lb.arn));
  /** Load balancers whose listeners forward to a target group. */
  const lbArnsOf = (tgArn: string): string[] => [
    ...new Set(
      allListeners()
        .filter((l) => l.defaultActions.some((a) => a.targetGroupArn === tgArn))
        .map((l) => l.loadBalancerArn),
    ),
  ];

  const source: LbSource = {
    listeners: () =>
      store.loadBalancers
        .all()
        .flatMap((lb) => listenersOf(lb.arn).map((l) => ({ key: l.arn, host: lb.address, port: l.port }))),
    backends(listenerArn) {
      const l = store.listeners.get(listenerArn);
      const tgArn = l?.defaultActions.find((a) => a.type === 'forward')?.targetGroupArn;
      if (!tgArn) return [];
      // With health checks disabled every registered target takes traffic, as in AWS.
      const checked = store.targetGroups.get(tgArn)?.health.enabled ?? true;
      const targets = store.targets.find({ tg: tgArn });
      const healthy = targets.filter((t) => (checked ? t.state === 'healthy' : t.state !== 'draining'));
      // When every target has failed its checks, an ALB fails open: it sends to all of them.
      const chosen =
        healthy.length > 0 || !checked ? healthy : targets.filter((t) => t.state === 'unhealthy');
      return chosen
        .sort((a, b) => a.registeredAt - b.registeredAt || targetKey(a).localeCompare(targetKey(b)))
        .map((t) => ({ host: t.address, port: t.port }));
    },
    healthGroups() {
      const groups: HealthGroup[] = [];
      for (const tg of store.targetGroups.all()) {
        if (!tg.health.enabled || lbArnsOf(tg.arn).length === 0) continue;
        groups.push({
          key: tg.arn,
          check: {
            protocol: tg.health.protocol === 'TCP' ? 'TCP' : 'HTTP',
            port: tg.health.port === 'traffic-port' ? undefined : Number(tg.health.port),
            path: tg.health.path,
            intervalMs: tg.health.intervalSeconds * 1000,
            timeoutMs: tg.health.timeoutSeconds * 1000,
            matcher: httpCodeMatcher(tg.health.matcher),
          },
          targets: store.targets
            .find({ tg: tg.arn })
            .filter((t) => t.state !== 'draining')
            .map((t) => ({
              key: targetKey(t),
              host: t.address,
              port: t.port,
              registering: t.state === 'initial',
            })),
        });
      }
      return groups;
    },
    report(tgArn, key, result) {
      db.tx(() => {
        const t = store.targets.get(key);
        const tg = store.targetGroups.get(tgArn);
        if (!t || !tg || t.state === 'draining') return;
        const current =
          t.state === 'healthy' ? 'healthy' : t.state === 'unhealthy' ? 'unhealthy' : 'registering';
        const { next, counters } = applyProbe(current, t, result, {
          healthy: tg.health.healthyThreshold,
          unhealthy: tg.health.unhealthyThreshold,
        });
        const updated: TargetRecord = { ...t, ...counters };
        if (next === 'healthy') {
          updated.state = 'healthy';
          delete updated.reason;
          delete updated.description;
        } else if (next === 'unhealthy') {
          updated.state = 'unhealthy';
          updated.reason = result.reason ?? 'Target.FailedHealthChecks';
          updated.description = result.description ?? 'Health checks failed';
        }
        store.targets.put(key, updated);
      });
    },
    housekeeping() {
      if (!draining) return;
      const now = deps.clock.now();
      let left = 0;
      db.tx(() => {
        for (const t of store.targets.all()) {
          if (t.state !== 'draining') continue;
          if ((t.drainUntil ?? 0) <= now) store.targets.delete(targetKey(t));
          else left++;
        }
      });
      draining = left > 0;
    },
  };
  const runtime = createLbRuntime(deps, 'elbv2', source);

  const renderLb = (lb: LoadBalancerRecord) => ({
    LoadBalancerArn: lb.arn,
    DNSName: lb.address,
    CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
    CreatedTime: new Date(lb.createdTime).toISOString(),
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: { Code: 'active' },
    Type: lb.type,
    AvailabilityZones: lb.subnets.map((s) => ({
      ZoneName: s.zoneName,
      SubnetId: s.subnetId,
      LoadBalancerAddresses: [],
    })),
    SecurityGroups: lb.type === 'application' ? lb.securityGroups : undefined,
    IpAddressType: lb.ipAddressType,
  });

  const renderTg = (tg: TargetGroupRecord) => ({
    TargetGroupArn: tg.arn,
    TargetGroupName: tg.name,
    Protocol: tg.protocol,
    Port: tg.port,
    VpcId: tg.vpcId,
    HealthCheckProtocol: tg.health.protocol,
    HealthCheckPort: tg.health.port,
    HealthCheckEnabled: tg.health.enabled,
    HealthCheckIntervalSeconds: tg.health.intervalSeconds,
    HealthCheckTimeoutSeconds: tg.health.timeoutSeconds,
    HealthyThresholdCount: tg.health.healthyThreshold,
    UnhealthyThresholdCount: tg.health.unhealthyThreshold,
    HealthCheckPath: HTTP_PROTOCOLS.includes(tg.health.protocol) ? tg.health.path : undefined,
    Matcher: HTTP_PROTOCOLS.includes(tg.health.protocol) ? { HttpCode: tg.health.matcher } : undefined,
    LoadBalancerArns: lbArnsOf(tg.arn),
    TargetType: tg.targetType,
    ProtocolVersion: HTTP_PROTOCOLS.includes(tg.protocol) ? 'HTTP1' : undefined,
    IpAddressType: 'ipv4',
  });

  const renderListener = (l: ListenerRecord) => ({
    ListenerArn: l.arn,
    LoadBalancerArn: l.loadBalancerArn,
    Port: l.port,
    Protocol: l.protocol,
    DefaultActions: l.defaultActions.map((a) => ({
      Type: a.type,
      TargetGroupArn: a.targetGroupArn,
      ForwardConfig: a.targetGroupArn
        ? {
            TargetGroups: [{ TargetGroupArn: a.targetGroupArn, Weight: 1 }],
            TargetGroupStickinessConfig: { Enabled: false },
          }
        : undefined,
    })),
  });

  const readHealth = (input: Params, protocol: string, base?: HealthSettings): HealthSettings => {
    const hcProtocol =
      str(input.HealthCheckProtocol) ??
      base?.protocol ??
      (protocol === 'TCP' || protocol === 'UDP' ? 'TCP' : protocol);
    if (!['HTTP', 'HTTPS', 'TCP'].includes(hcProtocol)) {
      throw err.invalid(`Health check protocol '${hcProtocol}' is not supported`);
    }
    const port = str(input.HealthCheckPort) ?? base?.port ?? 'traffic-port';
    if (port !== 'traffic-port' && !(Number(port) >= 1 && Number(port) <= 65535)) {
      throw err.invalid(`Health check port '${port}' must be 'traffic-port' or between 1 and 65535`);
    }
    // AWS allows 5-300 s; the local plane also accepts shorter intervals so tests and demos react quickly.
    const interval = intIn(input, 'HealthCheckIntervalSeconds', 1, 300) ?? base?.intervalSeconds ?? 30;
    const timeout =
      intIn(input, 'HealthCheckTimeoutSeconds', 1, 120) ?? base?.timeoutSeconds ?? Math.min(5, interval);
    if (timeout > interval) {
      throw err.invalid('Health check timeout must be smaller than the interval');
    }
    const path = str(input.HealthCheckPath) ?? base?.path ?? '/';
    if (!path.startsWith('/')) throw err.invalid(`Health check path must begin with a '/' character`);
    return {
      protocol: hcProtocol,
      port,
      path,
      intervalSeconds: interval,
      timeoutSeconds: timeout,
      healthyThreshold: intIn(input, 'HealthyThresholdCount', 2, 10) ?? base?.healthyThreshold ?? 5,
      unhealthyThreshold: intIn(input, 'UnhealthyThresholdCount', 2, 10) ?? base?.unhealthyThreshold ?? 2,
      matcher: str(obj(input.Matcher).HttpCode) ?? base?.matcher ?? '200',
      enabled:
        str(input.HealthCheckEnabled) !== undefined
          ? str(input.HealthCheckEnabled) === 'true'
          : (base?.enabled ?? true),
    };
  };

  const readActions = (input: Params, ctx: CallContext): ListenerRecord['defaultActions'] => {
    const actions = objList(input.DefaultActions);
    if (actions.length === 0) throw err.missing('defaultActions');
    return actions.map((a) => {
      const type = str(a.Type);
      if (type !== 'forward') {
        throw new AwsError(
          'InvalidLoadBalancerAction',
          `The action type '${type}' is not supported by the local control plane; use 'forward'`,
          400,
        );
      }
      const tgArn =
        str(a.TargetGroupArn) ?? str(objList(obj(a.ForwardConfig).TargetGroups)[0]?.TargetGroupArn);
      tgOf(tgArn, ctx);
      return { type, targetGroupArn: tgArn };
    });
  };

  const sync = () => runtime.sync().catch((e) => deps.log('elbv2: sync failed', { err: String(e) }));

  const taggable = (
    arn: string,
    ctx: CallContext,
  ): { tags: { key: string; value: string }[]; save: (tags: { key: string; value: string }[]) => void } => {
    const lb = store.loadBalancers.get(arn);
    if (lb && lb.region === ctx.region)
      return { tags: lb.tags, save: (tags) => store.loadBalancers.put(arn, { ...lb, tags }) };
    const tg = store.targetGroups.get(arn);
    if (tg && tg.region === ctx.region)
      return { tags: tg.tags, save: (tags) => store.targetGroups.put(arn, { ...tg, tags }) };
    const l = store.listeners.get(arn);
    if (l && l.region === ctx.region)
      return { tags: l.tags, save: (tags) => store.listeners.put(arn, { ...l, tags }) };
    if (arn.includes(':targetgroup/')) throw err.tgNotFound();
    if (arn.includes(':listener/')) throw err.listenerNotFound();
    throw err.lbNotFound();
  };

  const actions: Record<string, ActionHandler> = {
    async CreateLoadBalancer(input: Params, ctx) {
      const name = str(input.Name);
      if (!name) throw err.missing('name');
      if (!NAME.test(name)) {
        throw err.invalid(
          `LoadBalancer name '${name}' can have a maximum of 32 characters, can contain only alphanumeric characters and hyphens, cannot begin or end with a hyphen, and cannot begin with 'internal-'`,
        );
      }
      const type = (str(input.Type) ?? 'application') as LoadBalancerRecord['type'];
      if (type !== 'application' && type !== 'network') {
        throw err.invalid(`Load balancer type '${type}' is not supported by the local control plane`);
      }
      const existing = store.loadBalancers.find({ region: ctx.region }).find((l) => l.name === name);
      if (existing) return { LoadBalancers: [renderLb(existing)] };
      const subnetIds = [
        ...strList(input.Subnets),
        ...objList(input.SubnetMappings).map((m) => str(m.SubnetId) ?? ''),
      ];
      let subnets: { subnetId: string; zoneName: string; vpcId: string }[] = [];
      if (subnetIds.length) {
        try {
          const out = await deps.services.call<{
            subnetSet?: { subnetId: string; availabilityZone: string; vpcId: string }[];
          }>('ec2', 'DescribeSubnets', { SubnetId: subnetIds }, { region: ctx.region });
          subnets = (out.subnetSet ?? []).map((s) => ({
            subnetId: s.subnetId,
            zoneName: s.availabilityZone,
            vpcId: s.vpcId,
          }));
        } catch (e) {
          if (!isAwsError(e)) throw e;
          throw new AwsError('SubnetNotFound', `The subnet ID '${subnetIds.join("', '")}' is not valid`, 400);
        }
      }
      if (type === 'application' && new Set(subnets.map((s) => s.zoneName)).size < 2) {
        throw err.invalid('At least two subnets in two different Availability Zones must be specified');
      }
      if (type === 'network' && subnets.length === 0)
        throw err.invalid('At least one subnet must be specified');
      if (new Set(subnets.map((s) => s.vpcId)).size > 1)
        throw new AwsError('InvalidSubnet', 'The subnets must belong to the same VPC', 400);
      const lb = db.tx(() => {
        const again = store.loadBalancers.find({ region: ctx.region }).find((l) => l.name === name);
        if (again) return again;
        const kind = type === 'application' ? 'app' : 'net';
        const record: LoadBalancerRecord = {
          arn: `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.accountId}:loadbalancer/${kind}/${name}/${hex16()}`,
          name,
          region: ctx.region,
          accountId: ctx.accountId,
          type,
          scheme: str(input.Scheme) ?? 'internet-facing',
          address: allocateAddress(deps, 'load-balancer'),
          vpcId: subnets[0]?.vpcId,
          subnets: subnets.map((s) => ({ subnetId: s.subnetId, zoneName: s.zoneName })),
          securityGroups: strList(input.SecurityGroups),
          ipAddressType: str(input.IpAddressType) ?? 'ipv4',
          createdTime: deps.clock.now(),
          tags: keyValues(input.Tags),
        };
        store.loadBalancers.put(record.arn, record);
        return record;
      });
      return { LoadBalancers: [renderLb(lb)] };
    },

    DescribeLoadBalancers(input: Params, ctx) {
      const all = store.loadBalancers.find({ region: ctx.region });
      return { LoadBalancers: pick(all, input, 'LoadBalancerArns', err.lbNotFound).map(renderLb) };
    },

    async DeleteLoadBalancer(input: Params, ctx) {
      const arn = str(input.LoadBalancerArn);
      db.tx(() => {
        const lb = arn ? store.loadBalancers.get(arn) : undefined;
        if (!lb || lb.region !== ctx.region) return; // deleting a missing load balancer succeeds, as in AWS
        for (const l of listenersOf(lb.arn)) store.listeners.delete(l.arn);
        store.loadBalancers.delete(lb.arn);
      });
      await sync();
      return {};
    },

    async CreateTargetGroup(input: Params, ctx) {
      const name = str(input.Name);
      if (!name) throw err.missing('name');
      if (!NAME.test(name)) {
        throw err.invalid(
          `Target group name '${name}' can have a maximum of 32 characters, can contain only alphanumeric characters and hyphens, and cannot begin or end with a hyphen`,
        );
      }
      const targetType = (str(input.TargetType) ?? 'instance') as TargetGroupRecord['targetType'];
      if (targetType !== 'instance' && targetType !== 'ip') {
        throw err.invalid(`Target type '${targetType}' is not supported by the local control plane`);
      }
      const protocol = str(input.Protocol);
      const port = intIn(input, 'Port', 1, 65535);
      const vpcId = str(input.VpcId);
      if (!protocol) throw err.invalid('A protocol must be specified');
      if (!['HTTP', 'HTTPS', 'TCP'].includes(protocol))
        throw new AwsError('UnsupportedProtocol', `Protocol '${protocol}' is not supported`, 400);
      if (port === undefined) throw err.invalid('A port must be specified');
      if (!vpcId) throw err.invalid('A VPC ID must be specified');
      try {
        await deps.services.call('ec2', 'DescribeVpcs', { VpcId: [vpcId] }, { region: ctx.region });
      } catch (e) {
        if (!isAwsError(e)) throw e;
        throw err.invalid(`The VPC ID '${vpcId}' is not found`);
      }
      const health = readHealth(input, protocol);
      const tg = db.tx(() => {
        const existing = store.targetGroups.find({ region: ctx.region }).find((t) => t.name === name);
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
          arn: `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.accountId}:targetgroup/${name}/${hex16()}`,
          name,
          region: ctx.region,
          protocol,
          port,
          vpcId,
          targetType,
          health,
          createdTime: deps.clock.now(),
          tags: keyValues(input.Tags),
        };
        store.targetGroups.put(record.arn, record);
        return record;
      });
      return { TargetGroups: [renderTg(tg)] };
    },

    DescribeTargetGroups(input: Params, ctx) {
      const lbArn = str(input.LoadBalancerArn);
      let tgs = pick(
        store.targetGroups.find({ region: ctx.region }),
        input,
        'TargetGroupArns',
        err.tgNotFound,
      );
      if (lbArn) {
        lbOf(lbArn, ctx);
        tgs = tgs.filter((t) => lbArnsOf(t.arn).includes(lbArn));
      }
      return { TargetGroups: tgs.map(renderTg) };
    },

    async ModifyTargetGroup(input: Params, ctx) {
      const tg = db.tx(() => {
        const current = tgOf(str(input.TargetGroupArn), ctx);
        const updated = { ...current, health: readHealth(input, current.protocol, current.health) };
        store.targetGroups.put(updated.arn, updated);
        return updated;
      });
      await sync();
      return { TargetGroups: [renderTg(tg)] };
    },

    async DeleteTargetGroup(input: Params, ctx) {
      db.tx(() => {
        const tg = tgOf(str(input.TargetGroupArn), ctx);
        if (lbArnsOf(tg.arn).length > 0) {
          throw new AwsError(
            'ResourceInUse',
            `Target group '${tg.arn}' is currently in use by a listener or a rule`,
            400,
          );
        }
        for (const t of store.targets.find({ tg: tg.arn })) store.targets.delete(targetKey(t));
        store.targetGroups.delete(tg.arn);
      });
      await sync();
      return {};
    },

    async CreateListener(input: Params, ctx) {
      const protocol = str(input.Protocol) ?? 'HTTP';
      const port = intIn(input, 'Port', 1, 65535);
      if (port === undefined) throw err.invalid('A listener port must be specified');
      if (protocol === 'HTTPS' || protocol === 'TLS') {
        throw new AwsError(
          'UnsupportedProtocol',
          `Protocol '${protocol}' is not supported by the local control plane (no certificates)`,
          400,
        );
      }
      if (!['HTTP', 'TCP'].includes(protocol))
        throw new AwsError('UnsupportedProtocol', `Protocol '${protocol}' is not supported`, 400);
      const listener = db.tx(() => {
        const lb = lbOf(str(input.LoadBalancerArn), ctx);
        const defaultActions = readActions(input, ctx);
        if ((lb.type === 'application') !== (protocol === 'HTTP')) {
          throw new AwsError(
            'IncompatibleProtocols',
            `The protocol '${protocol}' is not valid for a ${lb.type} load balancer`,
            400,
          );
        }
        const same = listenersOf(lb.arn).find((l) => l.port === port);
        if (same) throw err.duplicateListener();
        for (const a of defaultActions) {
          const other = lbArnsOf(a.targetGroupArn ?? '').find((x) => x !== lb.arn);
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
          arn: `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.accountId}:listener/${lbId}/${hex16()}`,
          loadBalancerArn: lb.arn,
          region: ctx.region,
          port,
          protocol,
          defaultActions,
          tags: keyValues(input.Tags),
        };
        store.listeners.put(record.arn, record);
        return record;
      });
      await sync();
      return { Listeners: [renderListener(listener)] };
    },

    DescribeListeners(input: Params, ctx) {
      const arns = strList(input.ListenerArns);
      const lbArn = str(input.LoadBalancerArn);
      if (!lbArn && arns.length === 0)
        throw err.invalid('You must specify either listener ARNs or a load balancer ARN');
      let listeners: ListenerRecord[];
      if (lbArn) {
        lbOf(lbArn, ctx);
        listeners = listenersOf(lbArn);
      } else {
        listeners = arns.map((a) => listenerOf(a, ctx));
      }
      if (arns.length && lbArn) listeners = listeners.filter((l) => arns.includes(l.arn));
      listeners.sort((a, b) => a.port - b.port);
      return { Listeners: listeners.map(renderListener) };
    },

    async ModifyListener(input: Params, ctx) {
      const listener = db.tx(() => {
        const l = listenerOf(str(input.ListenerArn), ctx);
        const port = intIn(input, 'Port', 1, 65535);
        if (
          port !== undefined &&
          port !== l.port &&
          listenersOf(l.loadBalancerArn).some((x) => x.port === port)
        ) {
          throw err.duplicateListener();
        }
        const updated: ListenerRecord = {
          ...l,
          port: port ?? l.port,
          defaultActions: input.DefaultActions !== undefined ? readActions(input, ctx) : l.defaultActions,
        };
        store.listeners.put(l.arn, updated);
        return updated;
      });
      await sync();
      return { Listeners: [renderListener(listener)] };
    },

    async DeleteListener(input: Params, ctx) {
      db.tx(() => {
        const l = listenerOf(str(input.ListenerArn), ctx);
        store.listeners.delete(l.arn);
      });
      await sync();
      return {};
    },

    async RegisterTargets(input: Params, ctx) {
      const tg = tgOf(str(input.TargetGroupArn), ctx);
      const targets = objList(input.Targets).map((t) => ({
        id: str(t.Id) ?? '',
        port: intIn(t, 'Port', 1, 65535) ?? tg.port,
        availabilityZone: str(t.AvailabilityZone),
      }));
      if (targets.length === 0) throw err.missing('targets');
      const addresses = new Map<string, { address: string; zone?: string }>();
      if (tg.targetType === 'instance') {
        const found = await resolveInstances(
          deps,
          ctx.region,
          targets.map((t) => t.id).filter((id) => /^i-[0-9a-f]+$/.test(id)),
        );
        const invalid = targets.filter((t) => !found.has(t.id)).map((t) => t.id);
        if (invalid.length)
          throw new AwsError(
            'InvalidTarget',
            `The following targets are not valid instances: '${invalid.join("', '")}'`,
            400,
          );
        const notRunning = targets.filter((t) => found.get(t.id)?.state !== 'running').map((t) => t.id);
        if (notRunning.length) {
          throw new AwsError(
            'InvalidTarget',
            `The following targets are not in a running state and cannot be registered: '${notRunning.join("', '")}'`,
            400,
          );
        }
        for (const [id, i] of found) addresses.set(id, { address: i.address, zone: i.availabilityZone });
      } else {
        const bad = targets.filter((t) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(t.id)).map((t) => t.id);
        if (bad.length)
          throw new AwsError(
            'InvalidTarget',
            `The following targets are not valid IP addresses: '${bad.join("', '")}'`,
            400,
          );
        for (const t of targets) addresses.set(t.id, { address: t.id, zone: t.availabilityZone });
      }
      db.tx(() => {
        tgOf(tg.arn, ctx);
        for (const t of targets) {
          if (t.port === undefined)
            throw err.invalid('A port must be specified for each target when the target group has none');
          const key = targetKey({ targetGroupArn: tg.arn, id: t.id, port: t.port });
          const existing = store.targets.get(key);
          if (existing && existing.state !== 'draining') continue;
          const where = addresses.get(t.id);
          store.targets.put(key, {
            targetGroupArn: tg.arn,
            id: t.id,
            port: t.port,
            address: where?.address ?? t.id,
            availabilityZone: tg.targetType === 'ip' ? where?.zone : undefined,
            state: 'initial',
            reason: 'Elb.RegistrationInProgress',
            description: 'Target registration is in progress',
            successes: 0,
            failures: 0,
            registeredAt: deps.clock.now(),
          });
        }
      });
      await sync();
      return {};
    },

    DeregisterTargets(input: Params, ctx) {
      const targets = objList(input.Targets).map((t) => ({
        id: str(t.Id) ?? '',
        port: int(t.Port, 'Port', err.invalid),
      }));
      if (targets.length === 0) throw err.missing('targets');
      db.tx(() => {
        const tg = tgOf(str(input.TargetGroupArn), ctx);
        const inUse = lbArnsOf(tg.arn).length > 0;
        for (const t of targets) {
          const matches = store.targets
            .find({ tg: tg.arn })
            .filter(
              (x) => x.id === t.id && (t.port === undefined || x.port === t.port) && x.state !== 'draining',
            );
          for (const m of matches) {
            if (!inUse) {
              store.targets.delete(targetKey(m));
              continue;
            }
            // Draining lasts one task step locally (AWS's default deregistration delay is 300 s).
            store.targets.put(targetKey(m), {
              ...m,
              state: 'draining',
              reason: 'Target.DeregistrationInProgress',
              description: 'Target deregistration is in progress',
              drainUntil: deps.clock.now() + deps.config.taskStepMs,
            });
            draining = true;
          }
        }
      });
      return {};
    },

    DescribeTargetHealth(input: Params, ctx) {
      const tg = tgOf(str(input.TargetGroupArn), ctx);
      const inUse = lbArnsOf(tg.arn).length > 0;
      const wanted = objList(input.Targets).map((t) => ({
        id: str(t.Id) ?? '',
        port: int(t.Port, 'Port', err.invalid),
      }));
      let targets = store.targets.find({ tg: tg.arn }).sort((a, b) => a.registeredAt - b.registeredAt);
      if (wanted.length) {
        targets = targets.filter((t) =>
          wanted.some((w) => w.id === t.id && (w.port === undefined || w.port === t.port)),
        );
      }
      const rows = targets.map((t) => {
        const unused = !inUse && t.state !== 'draining';
        const health = unused
          ? {
              State: 'unused',
              Reason: 'Target.NotInUse',
              Description: 'Target group is not configured to receive traffic from the load balancer',
            }
          : !tg.health.enabled && t.state !== 'draining'
            ? {
                State: 'unavailable',
                Reason: 'Target.HealthCheckDisabled',
                Description: 'Health checks are disabled',
              }
            : { State: t.state, Reason: t.reason, Description: t.description };
        return {
          Target: { Id: t.id, Port: t.port, AvailabilityZone: t.availabilityZone },
          HealthCheckPort: tg.health.port === 'traffic-port' ? String(t.port) : tg.health.port,
          TargetHealth: health,
        };
      });
      // Asked-for targets that are not registered are reported as such.
      for (const w of wanted) {
        if (rows.some((r) => r.Target.Id === w.id)) continue;
        rows.push({
          Target: { Id: w.id, Port: w.port ?? tg.port ?? 0, AvailabilityZone: undefined },
          HealthCheckPort: String(w.port ?? tg.port ?? ''),
          TargetHealth: {
            State: 'unused',
            Reason: 'Target.NotRegistered',
            Description: 'Target is not registered to the target group',
          },
        });
      }
      return { TargetHealthDescriptions: rows };
    },

    AddTags(input: Params, ctx) {
      const arns = strList(input.ResourceArns);
      const tags = keyValues(input.Tags);
      db.tx(() => {
        for (const arn of arns) {
          const t = taggable(arn, ctx);
          const merged = [...t.tags.filter((x) => !tags.some((n) => n.key === x.key)), ...tags];
          t.save(merged);
        }
      });
      return {};
    },

    RemoveTags(input: Params, ctx) {
      const arns = strList(input.ResourceArns);
      const keys = strList(input.TagKeys);
      db.tx(() => {
        for (const arn of arns) {
          const t = taggable(arn, ctx);
          t.save(t.tags.filter((x) => !keys.includes(x.key)));
        }
      });
      return {};
    },

    DescribeTags(input: Params, ctx) {
      const arns = strList(input.ResourceArns);
      return {
        TagDescriptions: arns.map((arn) => ({
          ResourceArn: arn,
          Tags: taggable(arn, ctx).tags.map((t) => ({ Key: t.key, Value: t.value })),
        })),
      };
    },

    DescribeTargetGroupAttributes(input: Params, ctx) {
      tgOf(str(input.TargetGroupArn), ctx);
      return {
        Attributes: [
          {
            Key: 'deregistration_delay.timeout_seconds',
            Value: String(Math.round(deps.config.taskStepMs / 1000)),
          },
          { Key: 'stickiness.enabled', Value: 'false' },
          { Key: 'load_balancing.algorithm.type', Value: 'round_robin' },
        ],
      };
    },
  };

  return {
    id: 'elasticloadbalancingv2',
    protocol: 'query',
    version: '2015-12-01',
    xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
    actions,
    background: runtime,
  };
}

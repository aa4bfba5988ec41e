/**
 * Classic Elastic Load Balancing (awsQuery, 2012-06-01), as the 2015 wizard used: a load balancer
 * with listeners LoadBalancerPort -> InstancePort, registered EC2 instances, one health check.
 * Also a real proxy on its own loopback address.
 */
import { allocateAddress } from '../common/addresses';
import type { LocalDeps } from '../deps';
import { AwsError, isAwsError } from '../protocol/errors';
import type { ActionHandler, CallContext, ServiceDefinition } from '../protocol/types';
import { int, keyValues, obj, objList, str, strList, type Params } from '../protocol/params';
import {
  elbStore,
  type ClassicInstance,
  type ClassicListener,
  type ClassicLoadBalancerRecord,
} from './model';
import { createLbRuntime, type HealthGroup, type LbSource } from './runtime';
import { applyProbe, resolveInstances } from './targets';

const invalid = (m: string) => new AwsError('ValidationError', m, 400);
const notFound = (name: string) =>
  new AwsError('LoadBalancerNotFound', `There is no ACTIVE Load Balancer named '${name}'`, 400);
const NAME = /^(?!-)[a-zA-Z0-9-]{1,32}(?<!-)$/;
const PROTOCOLS = ['HTTP', 'TCP', 'HTTPS', 'SSL'];
const REGISTERING = 'Instance registration is still in progress.';

/** `HTTP:80/path`, `TCP:80` -> parts, or undefined when malformed. */
function parseTarget(target: string): { protocol: 'HTTP' | 'TCP'; port: number; path: string } | undefined {
  const m = /^(HTTP|HTTPS|TCP|SSL):(\d{1,5})(\/.*)?$/.exec(target);
  if (!m) return undefined;
  const protocol = m[1] === 'HTTP' || m[1] === 'HTTPS' ? 'HTTP' : 'TCP';
  if (protocol === 'HTTP' && !m[3]) return undefined;
  return { protocol, port: Number(m[2]), path: m[3] ?? '/' };
}

export function createElbClassicService(deps: LocalDeps): ServiceDefinition {
  const store = elbStore(deps.db).classic;
  const { db } = deps;
  const key = (region: string, name: string) => `${region}/${name}`;

  const lbOf = (ctx: CallContext, name: string | undefined): ClassicLoadBalancerRecord => {
    const lb = name ? store.get(key(ctx.region, name)) : undefined;
    if (!lb) throw notFound(name ?? '');
    return lb;
  };

  const source: LbSource = {
    listeners: () =>
      store.all().flatMap((lb) =>
        lb.listeners.map((l) => ({
          key: `${key(lb.region, lb.name)}#${l.loadBalancerPort}`,
          host: lb.address,
          port: l.loadBalancerPort,
        })),
      ),
    backends(listenerKey) {
      const [lbKey, port] = listenerKey.split('#') as [string, string];
      const lb = store.get(lbKey);
      const listener = lb?.listeners.find((l) => l.loadBalancerPort === Number(port));
      if (!lb || !listener) return [];
      return lb.instances
        .filter((i) => i.state === 'InService')
        .map((i) => ({ host: i.address, port: listener.instancePort }));
    },
    healthGroups() {
      const groups: HealthGroup[] = [];
      for (const lb of store.all()) {
        const target = parseTarget(lb.healthCheck.target);
        if (!target) continue;
        groups.push({
          key: key(lb.region, lb.name),
          check: {
            protocol: target.protocol,
            port: target.port,
            path: target.path,
            intervalMs: lb.healthCheck.interval * 1000,
            timeoutMs: lb.healthCheck.timeout * 1000,
            matcher: (status) => status === 200,
          },
          targets: lb.instances.map((i) => ({
            key: i.instanceId,
            host: i.address,
            port: target.port,
            registering: i.description === REGISTERING,
          })),
        });
      }
      return groups;
    },
    report(lbKey, instanceId, result) {
      db.tx(() => {
        const lb = store.get(lbKey);
        const inst = lb?.instances.find((i) => i.instanceId === instanceId);
        if (!lb || !inst) return;
        const current =
          inst.state === 'InService'
            ? 'healthy'
            : inst.description === REGISTERING
              ? 'registering'
              : 'unhealthy';
        const { next, counters } = applyProbe(current, inst, result, {
          healthy: lb.healthCheck.healthyThreshold,
          unhealthy: lb.healthCheck.unhealthyThreshold,
        });
        Object.assign(inst, counters);
        if (next === 'healthy') {
          Object.assign(inst, { state: 'InService', reasonCode: 'N/A', description: 'N/A' });
        } else if (next === 'unhealthy') {
          Object.assign(inst, {
            state: 'OutOfService',
            reasonCode: 'Instance',
            description:
              'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.',
          });
        }
        store.put(lbKey, lb);
      });
    },
    housekeeping() {},
  };
  const runtime = createLbRuntime(deps, 'elb', source);
  const sync = () => runtime.sync().catch((e) => deps.log('elb: sync failed', { err: String(e) }));

  const render = (lb: ClassicLoadBalancerRecord) => ({
    LoadBalancerName: lb.name,
    DNSName: lb.address,
    CanonicalHostedZoneName: lb.address,
    CanonicalHostedZoneNameID: 'Z35SXDOTRQ7X7K',
    ListenerDescriptions: lb.listeners.map((l) => ({
      Listener: {
        Protocol: l.protocol,
        LoadBalancerPort: l.loadBalancerPort,
        InstanceProtocol: l.instanceProtocol,
        InstancePort: l.instancePort,
      },
      PolicyNames: [],
    })),
    Policies: { AppCookieStickinessPolicies: [], LBCookieStickinessPolicies: [], OtherPolicies: [] },
    BackendServerDescriptions: [],
    AvailabilityZones: lb.availabilityZones,
    Subnets: lb.subnets,
    VPCId: lb.vpcId,
    Instances: lb.instances.map((i) => ({ InstanceId: i.instanceId })),
    HealthCheck: {
      Target: lb.healthCheck.target,
      Interval: lb.healthCheck.interval,
      Timeout: lb.healthCheck.timeout,
      UnhealthyThreshold: lb.healthCheck.unhealthyThreshold,
      HealthyThreshold: lb.healthCheck.healthyThreshold,
    },
    SourceSecurityGroup: { OwnerAlias: 'amazon-elb', GroupName: 'amazon-elb-sg' },
    SecurityGroups: lb.securityGroups,
    CreatedTime: new Date(lb.createdTime).toISOString(),
    Scheme: lb.scheme,
  });

  const readListeners = (input: Params): ClassicListener[] =>
    objList(input.Listeners).map((l) => {
      const protocol = (str(l.Protocol) ?? '').toUpperCase();
      const lbPort = int(l.LoadBalancerPort, 'LoadBalancerPort', invalid);
      const instancePort = int(l.InstancePort, 'InstancePort', invalid);
      if (!PROTOCOLS.includes(protocol)) throw invalid(`Invalid protocol '${str(l.Protocol)}'`);
      if (protocol === 'HTTPS' || protocol === 'SSL') {
        throw new AwsError(
          'UnsupportedProtocol',
          `Protocol '${protocol}' is not supported by the local control plane (no certificates)`,
          400,
        );
      }
      if (lbPort === undefined || lbPort < 1 || lbPort > 65535)
        throw invalid('LoadBalancerPort must be between 1 and 65535');
      if (instancePort === undefined || instancePort < 1 || instancePort > 65535)
        throw invalid('InstancePort must be between 1 and 65535');
      return {
        protocol,
        loadBalancerPort: lbPort,
        instanceProtocol: (str(l.InstanceProtocol) ?? protocol).toUpperCase(),
        instancePort,
      };
    });

  const readHealthCheck = (hc: Params): ClassicLoadBalancerRecord['healthCheck'] => {
    const target = str(hc.Target);
    if (!target || !parseTarget(target)) throw invalid(`Invalid health check target '${target ?? ''}'`);
    const num = (name: string, min: number, max: number) => {
      const v = int(hc[name], name, invalid);
      if (v === undefined) throw invalid(`HealthCheck.${name} is required`);
      // AWS allows an interval of 5-300 s; locally shorter intervals are accepted too.
      if (v < min || v > max) throw invalid(`HealthCheck.${name} must be between ${min} and ${max}`);
      return v;
    };
    const out = {
      target,
      interval: num('Interval', 1, 300),
      timeout: num('Timeout', 1, 60),
      unhealthyThreshold: num('UnhealthyThreshold', 2, 10),
      healthyThreshold: num('HealthyThreshold', 2, 10),
    };
    if (out.timeout > out.interval) throw invalid('HealthCheck Timeout must be less than Interval');
    return out;
  };

  const actions: Record<string, ActionHandler> = {
    async CreateLoadBalancer(input: Params, ctx) {
      const name = str(input.LoadBalancerName);
      if (!name) throw invalid('LoadBalancerName is required');
      if (!NAME.test(name)) {
        throw invalid(
          `LoadBalancerName '${name}' must have at most 32 characters, contain only alphanumeric characters or hyphens, and not begin or end with a hyphen`,
        );
      }
      const listeners = readListeners(input);
      if (listeners.length === 0) throw invalid('At least one listener is required');
      const ports = listeners.map((l) => l.loadBalancerPort);
      if (new Set(ports).size !== ports.length)
        throw new AwsError('DuplicateListener', 'A listener already exists with that port', 400);
      const subnetIds = strList(input.Subnets);
      let zones = strList(input.AvailabilityZones);
      let vpcId: string | undefined;
      if (subnetIds.length) {
        try {
          const out = await deps.services.call<{ Subnets?: { AvailabilityZone: string; VpcId: string }[] }>(
            'ec2',
            'DescribeSubnets',
            { SubnetIds: subnetIds },
            { region: ctx.region },
          );
          zones = [...new Set((out.Subnets ?? []).map((s) => s.AvailabilityZone))];
          vpcId = out.Subnets?.[0]?.VpcId;
        } catch (e) {
          if (!isAwsError(e)) throw e;
          throw new AwsError('SubnetNotFound', e.message, 400);
        }
      }
      if (zones.length === 0) throw invalid('Either AvailabilityZones or SubnetIds must be specified');
      const existing = store.get(key(ctx.region, name));
      if (existing) {
        const same = JSON.stringify(existing.listeners) === JSON.stringify(listeners);
        if (!same) {
          throw new AwsError(
            'DuplicateLoadBalancerName',
            `Load Balancer named '${name}' already exists and it is configured with different parameters.`,
            400,
          );
        }
        return { DNSName: existing.address };
      }
      const first = listeners[0] as ClassicListener;
      const lb: ClassicLoadBalancerRecord = {
        name,
        region: ctx.region,
        address: '',
        scheme: str(input.Scheme) ?? 'internet-facing',
        listeners,
        availabilityZones: zones,
        subnets: subnetIds,
        vpcId,
        securityGroups: strList(input.SecurityGroups),
        healthCheck: {
          target: `TCP:${first.instancePort}`,
          interval: 30,
          timeout: 5,
          unhealthyThreshold: 2,
          healthyThreshold: 10,
        },
        instances: [],
        createdTime: deps.clock.now(),
        tags: keyValues(input.Tags),
      };
      db.tx(() => {
        if (store.has(key(ctx.region, name))) return;
        lb.address = allocateAddress(deps, 'load-balancer');
        store.put(key(ctx.region, name), lb);
      });
      await sync();
      return { DNSName: lbOf(ctx, name).address };
    },

    DescribeLoadBalancers(input: Params, ctx) {
      const names = strList(input.LoadBalancerNames);
      for (const n of names) lbOf(ctx, n);
      const lbs = store
        .find({ region: ctx.region })
        .filter((l) => names.length === 0 || names.includes(l.name))
        .sort((a, b) => a.createdTime - b.createdTime);
      return { LoadBalancerDescriptions: lbs.map(render) };
    },

    async DeleteLoadBalancer(input: Params, ctx) {
      const name = str(input.LoadBalancerName);
      if (!name) throw invalid('LoadBalancerName is required');
      store.delete(key(ctx.region, name)); // a missing load balancer is not an error, as in AWS
      await sync();
      return {};
    },

    async ConfigureHealthCheck(input: Params, ctx) {
      const hc = readHealthCheck(obj(input.HealthCheck));
      db.tx(() => {
        const lb = lbOf(ctx, str(input.LoadBalancerName));
        store.put(key(lb.region, lb.name), { ...lb, healthCheck: hc });
      });
      await sync();
      return {
        HealthCheck: {
          Target: hc.target,
          Interval: hc.interval,
          Timeout: hc.timeout,
          UnhealthyThreshold: hc.unhealthyThreshold,
          HealthyThreshold: hc.healthyThreshold,
        },
      };
    },

    async RegisterInstancesWithLoadBalancer(input: Params, ctx) {
      const name = str(input.LoadBalancerName);
      lbOf(ctx, name);
      const ids = objList(input.Instances).map((i) => str(i.InstanceId) ?? '');
      if (ids.length === 0) throw invalid('Instances is required');
      const found = await resolveInstances(
        deps,
        ctx.region,
        ids.filter((id) => /^i-[0-9a-f]+$/.test(id)),
      );
      const bad = ids.filter((id) => !found.has(id) || found.get(id)?.state !== 'running');
      if (bad.length)
        throw new AwsError(
          'InvalidInstance',
          `The requested instance ids are invalid: [${bad.join(', ')}]`,
          400,
        );
      const lb = db.tx(() => {
        const current = lbOf(ctx, name);
        for (const id of ids) {
          if (current.instances.some((i) => i.instanceId === id)) continue;
          const entry: ClassicInstance = {
            instanceId: id,
            address: found.get(id)?.address ?? '',
            state: 'OutOfService',
            reasonCode: 'ELB',
            description: REGISTERING,
            successes: 0,
            failures: 0,
          };
          current.instances.push(entry);
        }
        store.put(key(current.region, current.name), current);
        return current;
      });
      await sync();
      return { Instances: lb.instances.map((i) => ({ InstanceId: i.instanceId })) };
    },

    async DeregisterInstancesFromLoadBalancer(input: Params, ctx) {
      const ids = objList(input.Instances).map((i) => str(i.InstanceId) ?? '');
      const lb = db.tx(() => {
        const current = lbOf(ctx, str(input.LoadBalancerName));
        current.instances = current.instances.filter((i) => !ids.includes(i.instanceId));
        store.put(key(current.region, current.name), current);
        return current;
      });
      await sync();
      return { Instances: lb.instances.map((i) => ({ InstanceId: i.instanceId })) };
    },

    DescribeInstanceHealth(input: Params, ctx) {
      const lb = lbOf(ctx, str(input.LoadBalancerName));
      const ids = objList(input.Instances).map((i) => str(i.InstanceId) ?? '');
      for (const id of ids) {
        if (!lb.instances.some((i) => i.instanceId === id)) {
          throw new AwsError('InvalidInstance', `Could not find EC2 instance ${id}.`, 400);
        }
      }
      return {
        InstanceStates: lb.instances
          .filter((i) => ids.length === 0 || ids.includes(i.instanceId))
          .map((i) => ({
            InstanceId: i.instanceId,
            State: i.state,
            ReasonCode: i.reasonCode,
            Description: i.description,
          })),
      };
    },

    AddTags(input: Params, ctx) {
      const tags = keyValues(input.Tags);
      db.tx(() => {
        for (const name of strList(input.LoadBalancerNames)) {
          const lb = lbOf(ctx, name);
          lb.tags = [...lb.tags.filter((t) => !tags.some((n) => n.key === t.key)), ...tags];
          store.put(key(lb.region, lb.name), lb);
        }
      });
      return {};
    },

    DescribeTags(input: Params, ctx) {
      return {
        TagDescriptions: strList(input.LoadBalancerNames).map((name) => ({
          LoadBalancerName: name,
          Tags: lbOf(ctx, name).tags.map((t) => ({ Key: t.key, Value: t.value })),
        })),
      };
    },
  };

  return {
    id: 'elasticloadbalancing',
    protocol: 'query',
    version: '2012-06-01',
    xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/',
    actions,
    background: runtime,
  };
}

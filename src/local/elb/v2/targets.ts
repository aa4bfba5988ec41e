/** RegisterTargets, DeregisterTargets, DescribeTargetHealth. */
import type * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsError } from '../../protocol/errors';
import type { Wire } from '../../protocol/types';
import { targetKey } from '../model';
import { resolveInstances } from '../targets';
import { err, lbArnsOf, tgOf, type Scope } from './common';

const invalidTarget = (message: string) => new AwsError('InvalidTarget', message, 400);

export async function registerTargets(
  s: Scope,
  input: Wire<elbv2.RegisterTargetsInput>,
): Promise<Wire<elbv2.RegisterTargetsOutput>> {
  const tg = tgOf(s, input.TargetGroupArn);
  const targets = (input.Targets ?? []).map((t) => ({
    id: t.Id as string,
    port: t.Port ?? tg.port,
    availabilityZone: t.AvailabilityZone,
  }));
  if (targets.length === 0) {
    throw err.invalid(
      "1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null",
    );
  }
  const addresses = new Map<string, { address: string; zone?: string }>();
  if (tg.targetType === 'instance') {
    const found = await resolveInstances(
      s.deps,
      s.region,
      targets.map((t) => t.id).filter((id) => /^i-[0-9a-f]+$/.test(id)),
    );
    const unknown = targets.filter((t) => !found.has(t.id)).map((t) => t.id);
    if (unknown.length)
      throw invalidTarget(`The following targets are not valid instances: '${unknown.join("', '")}'`);
    const notRunning = targets.filter((t) => found.get(t.id)?.state !== 'running').map((t) => t.id);
    if (notRunning.length) {
      throw invalidTarget(
        `The following targets are not in a running state and cannot be registered: '${notRunning.join("', '")}'`,
      );
    }
    for (const [id, i] of found) addresses.set(id, { address: i.address, zone: i.availabilityZone });
  } else {
    const bad = targets.filter((t) => !/^\d{1,3}(\.\d{1,3}){3}$/.test(t.id)).map((t) => t.id);
    if (bad.length)
      throw invalidTarget(`The following targets are not valid IP addresses: '${bad.join("', '")}'`);
    for (const t of targets) addresses.set(t.id, { address: t.id, zone: t.availabilityZone });
  }
  const { store } = s;
  s.deps.db.tx(() => {
    tgOf(s, tg.arn);
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
        registeredAt: s.deps.clock.now(),
      });
    }
  });
  await s.sync();
  return {};
}

export function deregisterTargets(
  s: Scope,
  input: Wire<elbv2.DeregisterTargetsInput>,
): Wire<elbv2.DeregisterTargetsOutput> {
  const targets = (input.Targets ?? []).map((t) => ({ id: t.Id as string, port: t.Port }));
  const { store } = s;
  s.deps.db.tx(() => {
    const tg = tgOf(s, input.TargetGroupArn);
    const inUse = lbArnsOf(store, tg.arn).length > 0;
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
          drainUntil: s.deps.clock.now() + s.deps.config.taskStepMs,
        });
        s.draining();
      }
    }
  });
  return {};
}

export function describeTargetHealth(
  s: Scope,
  input: Wire<elbv2.DescribeTargetHealthInput>,
): Wire<elbv2.DescribeTargetHealthOutput> {
  const tg = tgOf(s, input.TargetGroupArn);
  const inUse = lbArnsOf(s.store, tg.arn).length > 0;
  const wanted = (input.Targets ?? []).map((t) => ({ id: t.Id as string, port: t.Port }));
  let targets = s.store.targets.find({ tg: tg.arn }).sort((a, b) => a.registeredAt - b.registeredAt);
  if (wanted.length) {
    targets = targets.filter((t) =>
      wanted.some((w) => w.id === t.id && (w.port === undefined || w.port === t.port)),
    );
  }
  const rows: Wire<elbv2.TargetHealthDescription>[] = targets.map((t) => {
    const unused = !inUse && t.state !== 'draining';
    const health: Wire<elbv2.TargetHealth> = unused
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
        : {
            State: t.state,
            Reason: t.reason as elbv2.TargetHealthReasonEnum | undefined,
            Description: t.description,
          };
    return {
      Target: { Id: t.id, Port: t.port, AvailabilityZone: t.availabilityZone },
      HealthCheckPort: tg.health.port === 'traffic-port' ? String(t.port) : tg.health.port,
      TargetHealth: health,
    };
  });
  // Asked-for targets that are not registered are reported as such.
  for (const w of wanted) {
    if (rows.some((r) => r.Target?.Id === w.id)) continue;
    rows.push({
      Target: { Id: w.id, Port: w.port ?? tg.port ?? 0 },
      HealthCheckPort: String(w.port ?? tg.port ?? ''),
      TargetHealth: {
        State: 'unused',
        Reason: 'Target.NotRegistered',
        Description: 'Target is not registered to the target group',
      },
    });
  }
  return { TargetHealthDescriptions: rows };
}

/**
 * Instance state timers: pending -> running and shutting-down -> terminated after
 * `config.instanceBootMs`. Level-triggered: timers are derived from the stored state, so a restart
 * resumes them, and every running instance is announced again on start so its agent resumes.
 */
import type { LocalDeps, Runnable } from '../deps';
import { INSTANCE_TYPES, instanceTypeInfo } from '../../facts/instance-types';
import { tagKey, type Ec2Store, type InstanceRecord } from './model';

export interface InstanceLifecycle extends Runnable {
  /** Re-reads these instances and schedules their next transition. */
  kick(instanceIds: string[]): void;
}

/** Like EC2, terminated instances stay visible for about an hour, then disappear. */
const TERMINATED_VISIBLE_MS = 60 * 60 * 1000;

export function createInstanceLifecycle(deps: LocalDeps, store: Ec2Store): InstanceLifecycle {
  const timers = new Map<string, NodeJS.Timeout>();
  let sweeper: NodeJS.Timeout | undefined;
  let active = false;

  const sweep = (): void => {
    const cutoff = deps.clock.now() - TERMINATED_VISIBLE_MS;
    deps.db.tx(() => {
      for (const inst of store.instances.find({ state: 'terminated' })) {
        if (inst.stateSince > cutoff) continue;
        store.instances.delete(inst.instanceId);
        for (const t of store.tags.find({ resource: inst.instanceId }))
          store.tags.delete(tagKey(inst.instanceId, t.key));
      }
    });
  };

  const schedule = (inst: InstanceRecord): void => {
    if (!active || timers.has(inst.instanceId)) return;
    if (inst.state !== 'pending' && inst.state !== 'shutting-down') return;
    const due = Math.max(0, inst.stateSince + deps.config.instanceBootMs - deps.clock.now());
    const t = setTimeout(() => {
      timers.delete(inst.instanceId);
      advance(inst.instanceId);
    }, due);
    t.unref?.();
    timers.set(inst.instanceId, t);
  };

  const advance = (instanceId: string): void => {
    if (!active) return;
    const next = deps.db.tx(() => {
      const cur = store.instances.get(instanceId);
      if (!cur || (cur.state !== 'pending' && cur.state !== 'shutting-down')) return undefined;
      const updated: InstanceRecord = {
        ...cur,
        state: cur.state === 'pending' ? 'running' : 'terminated',
        stateSince: deps.clock.now(),
      };
      store.instances.put(instanceId, updated);
      return updated;
    });
    if (next) announce(next);
  };

  const announce = (inst: InstanceRecord): void => {
    try {
      if (inst.state === 'running') {
        const info = instanceTypeInfo(inst.instanceType) ?? INSTANCE_TYPES['t2.micro'];
        deps.bus.emit('ec2.instance.running', {
          instanceId: inst.instanceId,
          instanceType: inst.instanceType,
          address: inst.address,
          userData: inst.userData ?? '',
          region: inst.region,
          accountId: inst.accountId,
          availabilityZone: inst.availabilityZone,
          vcpus: info.vcpus,
          memoryMiB: info.memoryMiB,
        });
      } else if (inst.state === 'terminated') {
        deps.bus.emit('ec2.instance.terminated', {
          instanceId: inst.instanceId,
          region: inst.region,
          accountId: inst.accountId,
        });
      }
    } catch (err) {
      deps.log('ec2: instance event listener failed', { instanceId: inst.instanceId, err: String(err) });
    }
  };

  return {
    kick(instanceIds) {
      for (const id of instanceIds) {
        const inst = store.instances.get(id);
        if (inst) schedule(inst);
      }
    },
    start() {
      active = true;
      for (const inst of store.instances.find({ state: 'pending' })) schedule(inst);
      for (const inst of store.instances.find({ state: 'shutting-down' })) schedule(inst);
      for (const inst of store.instances.find({ state: 'running' })) announce(inst);
      sweeper = setInterval(sweep, 60_000);
      sweeper.unref?.();
    },
    stop() {
      active = false;
      if (sweeper) clearInterval(sweeper);
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}

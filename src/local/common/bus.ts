/**
 * In-process notifications between parts of the control plane. Level-triggered consumers treat
 * these only as hints to re-read state: a lost or duplicated event is harmless.
 */
import { EventEmitter } from 'node:events';

export interface LocalEvents {
  /** An EC2 instance reached `running`; the agent starts if UserData names an ECS cluster. */
  'ec2.instance.running': {
    instanceId: string;
    instanceType: string;
    /** Loopback address that serves as the instance's private and public IP. */
    address: string;
    userData: string;
    region: string;
    accountId: string;
    availabilityZone: string;
    vcpus: number;
    memoryMiB: number;
  };
  'ec2.instance.terminated': { instanceId: string; region: string; accountId: string };
  /**
   * Instances of an Auto Scaling group wait for its lifecycle hooks (`Pending:Wait` or
   * `Terminating:Wait`): whoever completes those actions (ECS managed draining) should look.
   */
  'autoscaling.instances.waiting': { groupName: string; region: string; accountId: string };
  /**
   * Something about a service changed (spec, tasks, instances): its worker should reconcile. Hints
   * from the simulation coalesce (at most one pass per interval); `prompt` (an API action on the
   * service itself) is looked at at once.
   */
  'ecs.service.dirty': { clusterArn: string; serviceArn: string; prompt?: boolean };
  /** A cluster's capacity or tasks changed: reconcile all its services. */
  'ecs.cluster.dirty': { clusterArn: string };
  /**
   * A task's desired or last status changed: the agent should look at it, at once, or at `dueAt`
   * (epoch ms by the clock) when the record as written asks nothing of it before then (a quiet stop:
   * its next write is due steps later), so the agent runs no batch just to find that out.
   */
  'ecs.task.changed': { clusterArn: string; taskArn: string; containerInstanceArn?: string; dueAt?: number };
  /** A CloudWatch alarm changed state (by evaluation, or SetAlarmState): its owners may look again. */
  'cloudwatch.alarm.changed': { region: string; alarmName: string; manual: boolean };
}

export class Bus {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(0);
  }
  emit<K extends keyof LocalEvents>(event: K, payload: LocalEvents[K]): void {
    this.emitter.emit(event, payload);
  }
  on<K extends keyof LocalEvents>(event: K, listener: (payload: LocalEvents[K]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
}

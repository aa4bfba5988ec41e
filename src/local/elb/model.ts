/** ELB v2 and classic records and collections. */
import type { Collection } from '../store/collection';
import type { Db } from '../store/db';

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unused';

export interface HealthSettings {
  protocol: string;
  /** 'traffic-port' or a number as a string. */
  port: string;
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  matcher: string;
  enabled: boolean;
}

export interface LoadBalancerRecord {
  arn: string;
  name: string;
  region: string;
  accountId: string;
  type: 'application' | 'network';
  scheme: string;
  address: string;
  vpcId?: string;
  subnets: { subnetId: string; zoneName: string }[];
  securityGroups: string[];
  ipAddressType: string;
  createdTime: number;
  tags: { key: string; value: string }[];
}

export interface TargetGroupRecord {
  arn: string;
  name: string;
  region: string;
  protocol: string;
  port?: number;
  vpcId?: string;
  targetType: 'instance' | 'ip';
  health: HealthSettings;
  createdTime: number;
  tags: { key: string; value: string }[];
}

export interface ListenerRecord {
  arn: string;
  loadBalancerArn: string;
  region: string;
  port: number;
  protocol: string;
  defaultActions: { type: string; targetGroupArn?: string }[];
  tags: { key: string; value: string }[];
}

export interface TargetRecord {
  targetGroupArn: string;
  id: string;
  port: number;
  address: string;
  availabilityZone?: string;
  state: TargetState;
  reason?: string;
  description?: string;
  successes: number;
  failures: number;
  drainUntil?: number;
  registeredAt: number;
}

export interface ClassicListener {
  protocol: string;
  loadBalancerPort: number;
  instanceProtocol: string;
  instancePort: number;
}

export interface ClassicInstance {
  instanceId: string;
  address: string;
  state: 'InService' | 'OutOfService' | 'Unknown';
  reasonCode: string;
  description: string;
  successes: number;
  failures: number;
}

export interface ClassicLoadBalancerRecord {
  name: string;
  region: string;
  address: string;
  scheme: string;
  listeners: ClassicListener[];
  availabilityZones: string[];
  subnets: string[];
  vpcId?: string;
  securityGroups: string[];
  healthCheck: {
    target: string;
    interval: number;
    timeout: number;
    unhealthyThreshold: number;
    healthyThreshold: number;
  };
  instances: ClassicInstance[];
  createdTime: number;
  tags: { key: string; value: string }[];
}

export interface ElbStore {
  loadBalancers: Collection<LoadBalancerRecord>;
  targetGroups: Collection<TargetGroupRecord>;
  listeners: Collection<ListenerRecord>;
  targets: Collection<TargetRecord>;
  classic: Collection<ClassicLoadBalancerRecord>;
}

export const targetKey = (t: { targetGroupArn: string; id: string; port: number }): string =>
  `${t.targetGroupArn}|${t.id}|${t.port}`;

export function elbStore(db: Db): ElbStore {
  return {
    loadBalancers: db.collection<LoadBalancerRecord>('elbv2_load_balancers', [
      { name: 'region', key: (l) => l.region },
    ]),
    targetGroups: db.collection<TargetGroupRecord>('elbv2_target_groups', [
      { name: 'region', key: (t) => t.region },
    ]),
    listeners: db.collection<ListenerRecord>('elbv2_listeners', [
      { name: 'lb', key: (l) => l.loadBalancerArn },
    ]),
    targets: db.collection<TargetRecord>('elbv2_targets', [{ name: 'tg', key: (t) => t.targetGroupArn }]),
    classic: db.collection<ClassicLoadBalancerRecord>('elb_classic', [
      { name: 'region', key: (l) => l.region },
    ]),
  };
}

/**
 * ECS state as stored. Each record holds the API object exactly as DescribeX returns it on the
 * wire (`Wire<T>`: SDK shapes with timestamps as epoch seconds) plus the internal facts the
 * scheduler and agent need. Counts that can be derived (cluster task counts, service running
 * counts) are derived when described, not stored.
 *
 * Owners: the ECS provider creates and validates records; the scheduler places tasks and books
 * resources; the agent walks tasks through their lifecycle and releases resources at STOPPED.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import type { Db } from '../store/db';
import {
  INSTANCE_KEYS_VERSION,
  SERVICE_KEYS_VERSION,
  TASK_KEYS_VERSION,
  instanceCounters,
  serviceCounters,
  taskCounters,
  taskLookups,
  taskMember,
} from './counts';

import type { Wire } from '../protocol/types';
import { taskRecordJson } from './task-json';
import { instanceRecordJson, remainingResourcesPart } from './instance-json';

export type { Wire };

export type WireCluster = Wire<ecs.Cluster> & { clusterArn: string; clusterName: string; status: string };
export type WireTaskDefinition = Wire<ecs.TaskDefinition> & {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  status: string;
  containerDefinitions: Wire<ecs.ContainerDefinition>[];
};
export type WireContainerInstance = Wire<ecs.ContainerInstance> & {
  containerInstanceArn: string;
  ec2InstanceId: string;
  status: string;
};
export type WireTask = Wire<ecs.Task> & {
  taskArn: string;
  clusterArn: string;
  lastStatus: string;
  desiredStatus: string;
};
export type WireService = Wire<ecs.Service> & {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: string;
  desiredCount: number;
  deployments: Wire<ecs.Deployment>[];
  events: Wire<ecs.ServiceEvent>[];
};

export type WireCapacityProvider = Wire<ecs.CapacityProvider> & {
  capacityProviderArn: string;
  name: string;
  status: string;
};

/**
 * What managed scaling last worked out for an Auto Scaling group provider (written by the capacity
 * controller, scheduler/capacity.ts). `reservation` is the CapacityProviderReservation figure
 * (M / N x 100) a CloudWatch reader can publish.
 */
export interface CapacityScaling {
  /** CapacityProviderReservation, percent. */
  reservation: number;
  /** M: instances the provider's tasks need (busy, still starting, and to launch for waiting tasks). */
  instancesNeeded: number;
  /** N: instances in the Auto Scaling group. */
  instances: number;
  /** The desired capacity managed scaling wants (before the group's min/max). */
  desiredCapacity: number;
  /** Tasks waiting in PROVISIONING for this provider's capacity. */
  waitingTasks: number;
  /** When the figure was computed (epoch seconds). */
  updatedAt: number;
  /** Since when the reservation has been below the target (scale-in waits for it, epoch ms). */
  lowSince?: number;
  /** The last desired capacity managed scaling set on the group, and when (epoch seconds). */
  lastScaling?: { from: number; to: number; at: number };
}

export interface CapacityProviderRecord {
  capacityProvider: WireCapacityProvider;
  region: string;
  /** The Auto Scaling group's name (from its ARN or name), for the Auto Scaling API. */
  autoScalingGroupName?: string;
  scaling?: CapacityScaling;
}

/** One item of a capacity provider strategy, resolved: its provider's kind. */
export interface StrategyItem {
  capacityProvider: string;
  base: number;
  weight: number;
  kind: 'FARGATE' | 'FARGATE_SPOT' | 'EC2_AUTOSCALING';
}

/** Where a launch's tasks run: a launch type, or a capacity provider strategy. */
export type LaunchCapacity =
  | { launchType: 'EC2' }
  | { launchType: 'FARGATE'; platformVersion: string }
  | { strategy: StrategyItem[]; platformVersion?: string };

/** An awsvpc network configuration with its subnets' zones (read from EC2 when the request was checked). */
export interface ResolvedNetwork {
  subnets: { subnetId: string; availabilityZone: string }[];
  securityGroups: string[];
  assignPublicIp: boolean;
}

export interface ClusterRecord {
  cluster: WireCluster;
  region: string;
}

export interface TaskDefinitionRecord {
  taskDefinition: WireTaskDefinition;
  tags: ecs.Tag[];
  region: string;
}

export interface ContainerInstanceRecord {
  containerInstance: WireContainerInstance;
  clusterArn: string;
  region: string;
  /** The instance's own address (127.0.x.y): its private and public IP. Host ports listen here. */
  address: string;
  /** Set when the instance is backed by a simulated EC2 instance with a running agent. */
  simulated: boolean;
}

/**
 * An awsvpc task's elastic network interface: the intent is written with the task (subnet, groups,
 * client token); the agent creates it in PROVISIONING (EC2 CreateNetworkInterface, attached to the
 * instance on EC2) and deletes it in DEPROVISIONING. The task's containers are served on its address.
 */
export interface TaskEni {
  attachmentId: string;
  subnetId: string;
  securityGroups: string[];
  assignPublicIp: boolean;
  /** Makes CreateNetworkInterface idempotent across restarts. */
  clientToken: string;
  networkInterfaceId?: string;
  macAddress?: string;
  privateIp?: string;
  /** The EC2 attachment when attached to a container instance's EC2 instance. */
  ec2AttachmentId?: string;
  /** Set once the interface has been deleted (DEPROVISIONING, or cleanup after a kill). */
  deleted?: boolean;
}

/** What a task waiting for capacity keeps of its launch, to be placed once an instance has room. */
export interface WaitingPlacement {
  placementConstraints: Wire<ecs.PlacementConstraint>[];
  placementStrategy: Wire<ecs.PlacementStrategy>[];
  /** awsvpc: the subnets (and zones), groups and public IP choice of the launch. */
  network?: ResolvedNetwork;
}

/** A host port the task holds on its instance (resolved at placement; dynamic ports included). */
export interface PortBinding {
  containerName: string;
  containerPort: number;
  hostPort: number;
  protocol: 'tcp' | 'udp';
}

export interface TaskRecord {
  task: WireTask;
  region: string;
  /** Service that owns the task (group `service:NAME`), if any. */
  serviceArn?: string;
  /** Deployment (ecs-svc/...) of that service the task belongs to. */
  deploymentId?: string;
  /** Host ports booked on the instance, released when the task reaches STOPPED. */
  ports: PortBinding[];
  /** CPU units and MiB booked on the instance, released when the task reaches STOPPED. */
  reservedCpu: number;
  reservedMemory: number;
  /** When the agent should take the next lifecycle step (epoch ms); absent when at rest. */
  nextTransitionAt?: number;
  /**
   * A quiet stop's lifecycle steps (issue 14): for a task with no network interface, no ports and
   * simulated containers, STOPPING and DEPROVISIONING need nothing done, so they are taken at these
   * times (epoch ms) but not written. Readers show the task as of now (agent/lifecycle.ts `asOf`);
   * the agent's next write (`nextTransitionAt`: STOPPED) holds them in its history.
   */
  unwritten?: { status: 'STOPPING' | 'DEPROVISIONING'; at: number }[];
  /** Every lastStatus the task went through, with the time (epoch seconds), for the timeline view. */
  history: { status: string; at: number }[];
  /** Why the service scheduler stopped it (stopCode ServiceSchedulerInitiated); stoppedReason is worded from it. */
  stopCause?: SchedulerStopCause;
  /** Scale-in protection (UpdateTaskProtection) until then (epoch seconds). */
  protectedUntil?: number;
  /** awsvpc: the task's own network interface. */
  eni?: TaskEni;
  /**
   * Set while the task waits in PROVISIONING for its capacity provider (`task.capacityProviderName`)
   * to have room: no container instance yet; the capacity controller places it.
   */
  awaitingCapacity?: WaitingPlacement;
}

export { PENDING_STATUSES } from './counts';

/** Why the service scheduler stops a task. */
export type SchedulerStopCause =
  | { kind: 'scaling'; deploymentId: string }
  | { kind: 'instanceDraining' }
  | { kind: 'instanceGone' }
  | { kind: 'unhealthyTarget'; targetGroupArn: string };

export interface ServiceRecord {
  service: WireService;
  region: string;
  /** Set while the service is in a steady state: when it reached it (epoch seconds). Written by the scheduler. */
  steadySince?: number;
  /** When the scheduler last reported it could not place a task, or a blocked deployment (epoch seconds). */
  lastNotice?: { unableToPlace?: number; deploymentBlocked?: number; waitingForCapacity?: number };
  /** awsvpc: the availability zone of each subnet its deployments use (read from EC2 when the spec was written). */
  subnetZones?: [string, string][];
  /** CreateTaskSet's recent clientTokens and the task sets they created (idempotent retries). */
  taskSetTokens?: { token: string; taskSetId: string }[];
}

/** An account setting as PutAccountSetting stores it: a principal's own value (the root user's is the account default). */
export interface AccountSettingRecord {
  region: string;
  principalArn: string;
  name: string;
  value: string;
}

export type WireServiceDeployment = Wire<ecs.ServiceDeployment> & {
  serviceDeploymentArn: string;
  serviceArn: string;
  clusterArn: string;
  status: string;
  createdAt: number;
};

/**
 * A service deployment (DescribeServiceDeployments), kept after its deployment leaves the
 * service's `deployments`. The ids tie it to the service's deployments (`ecs-svc/...`): the one
 * that runs its target revision, those that ran the source revisions, and the one a rollback
 * made PRIMARY. The scheduler advances `status` from these (scheduler/deployment-history.ts).
 */
export interface ServiceDeploymentRecord {
  deployment: WireServiceDeployment;
  region: string;
  targetDeploymentId: string;
  sourceDeploymentIds: string[];
  rollbackDeploymentId?: string;
}

export type WireServiceRevision = Wire<ecs.ServiceRevision> & {
  serviceRevisionArn: string;
  serviceArn: string;
  clusterArn: string;
};

/** A service revision: the service's configuration a deployment ran (DescribeServiceRevisions). */
export interface ServiceRevisionRecord {
  revision: WireServiceRevision;
  region: string;
}

/** A daemon task definition revision (RegisterDaemonTaskDefinition). */
export interface DaemonTaskDefinitionRecord {
  definition: Wire<ecs.DaemonTaskDefinition> & { daemonTaskDefinitionArn: string };
  tags: ecs.Tag[];
  region: string;
}

/**
 * Parsed documents kept for `peek` (placement reads every instance of a cluster on each launch,
 * DescribeTasks reads up to 100 tasks): see Collection.peek.
 */
const CACHE = { cacheSize: 20_000 };

/** Service deployment statuses that do not change any more. */
export const FINISHED_DEPLOYMENT: ReadonlySet<string> = new Set([
  'SUCCESSFUL',
  'STOPPED',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
]);

/** The ECS collections, created once per Db. Index keys are part of the contract: */
export function ecsCollections(db: Db) {
  return {
    /** Keyed by `${region}|${principalArn}|${name}`. */
    accountSettings: db.collection<AccountSettingRecord>('ecs_account_settings', [
      { name: 'principal', key: (r) => `${r.region}|${r.principalArn}` },
    ]),
    /** Keyed by service deployment ARN. */
    serviceDeployments: db.collection<ServiceDeploymentRecord>('ecs_service_deployments', [
      { name: 'service', key: (r) => r.deployment.serviceArn },
      {
        name: 'open',
        key: (r) => (FINISHED_DEPLOYMENT.has(r.deployment.status) ? null : r.deployment.serviceArn),
      },
    ]),
    /** Keyed by daemon task definition ARN. */
    daemonTaskDefinitions: db.collection<DaemonTaskDefinitionRecord>('ecs_daemon_task_definitions', [
      { name: 'family', key: (r) => `${r.region}|${r.definition.family ?? ''}` },
    ]),
    /** Keyed by service revision ARN. */
    serviceRevisions: db.collection<ServiceRevisionRecord>('ecs_service_revisions', [
      { name: 'service', key: (r) => r.revision.serviceArn },
    ]),
    clusters: db.collection<ClusterRecord>(
      'ecs_clusters',
      [
        { name: 'region', key: (r) => r.region },
        { name: 'status', key: (r) => r.cluster.status },
      ],
      // Every task call names its cluster (StopTask, RunTask, DescribeTasks...): kept parsed.
      { cacheSize: 1000 },
    ),
    taskDefinitions: db.collection<TaskDefinitionRecord>(
      'ecs_task_definitions',
      [
        { name: 'family', key: (r) => `${r.region}|${r.taskDefinition.family}` },
        { name: 'regionStatus', key: (r) => `${r.region}|${r.taskDefinition.status}` },
      ],
      // The agent reads a task's definition at each step (simulated exits): kept parsed.
      { cacheSize: 2000 },
    ),
    containerInstances: db.collection<ContainerInstanceRecord>(
      'ecs_container_instances',
      [
        { name: 'cluster', key: (r) => r.clusterArn },
        { name: 'ec2InstanceId', key: (r) => r.containerInstance.ec2InstanceId },
      ],
      {
        ...CACHE,
        serialize: instanceRecordJson,
        // Bookings write the remaining resources alone (a side row), not the 4.5 KB record.
        part: remainingResourcesPart,
        derived: { version: INSTANCE_KEYS_VERSION, counters: instanceCounters },
      },
    ),
    /**
     * Keyed by task ARN, no index: a cluster's tasks by desired status, counts, the ListTasks
     * filters and a container instance's tasks are derived keys (counts.ts): each index more is one
     * more B-tree written by every task placed (an existing state file loses its `clusterDesired`
     * index when it opens).
     */
    tasks: db.collection<TaskRecord>('ecs_tasks', [], {
      ...CACHE,
      serialize: taskRecordJson,
      derived: {
        version: TASK_KEYS_VERSION,
        lookups: taskLookups,
        counters: taskCounters,
        member: taskMember,
      },
    }),
    services: db.collection<ServiceRecord>(
      'ecs_services',
      [
        { name: 'cluster', key: (r) => r.service.clusterArn },
        { name: 'clusterName', key: (r) => `${r.service.clusterArn}|${r.service.serviceName}` },
      ],
      { derived: { version: SERVICE_KEYS_VERSION, counters: serviceCounters } },
    ),
    capacityProviders: db.collection<CapacityProviderRecord>('ecs_capacity_providers', [
      { name: 'region', key: (r) => r.region },
    ]),
  };
}

export type EcsCollections = ReturnType<typeof ecsCollections>;

/**
 * Service deployments and service revisions as records (what ListServiceDeployments,
 * DescribeServiceDeployments and DescribeServiceRevisions read). A revision is the service's
 * configuration one of its deployments (`ecs-svc/N`) runs, with the id N; a service deployment is
 * the move from the revisions running (sources) to a new one (target). CreateService and
 * UpdateService start one (`startServiceDeployment`, inside their transaction); the scheduler
 * advances it as the service's deployments progress (scheduler/deployment-history.ts).
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { randomBytes } from 'node:crypto';
import {
  FINISHED_DEPLOYMENT,
  type EcsCollections,
  type ServiceDeploymentRecord,
  type ServiceRevisionRecord,
  type Wire,
  type WireService,
  type WireServiceDeployment,
  type WireTaskDefinition,
} from './model';

/** `arn:...:service/c/s` with the resource type changed (`service-revision`, `service-deployment`). */
function serviceChild(serviceArn: string, type: string, id: string): string {
  return `${serviceArn.replace(/:service\//, `:${type}/`)}/${id}`;
}

/** The revision a deployment (`ecs-svc/N`) runs: `service-revision/cluster/service/N`. */
export const revisionArnOf = (serviceArn: string, deploymentId: string): string =>
  serviceChild(serviceArn, 'service-revision', deploymentId.slice(deploymentId.lastIndexOf('/') + 1));

/** The deployment id (`ecs-svc/N`) whose revision this is. */
export const deploymentIdOfRevision = (revisionArn: string): string =>
  `ecs-svc/${revisionArn.slice(revisionArn.lastIndexOf('/') + 1)}`;

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A service deployment id like ECS's (20 letters and digits). */
function serviceDeploymentId(): string {
  return [...randomBytes(20)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

/** Service deployments are kept for 90 days, as in AWS. */
export const HISTORY_SECONDS = 90 * 24 * 3600;

/** Counts of one revision as the service deployment reports them. */
export function revisionSummary(serviceArn: string, d: Wire<ecs.Deployment> | undefined, id: string) {
  return {
    arn: revisionArnOf(serviceArn, id),
    requestedTaskCount: d?.desiredCount ?? 0,
    runningTaskCount: d?.runningCount ?? 0,
    pendingTaskCount: d?.pendingCount ?? 0,
  };
}

/** The service's `currentServiceRevisions`: one per deployment it still has. */
export function currentServiceRevisions(svc: WireService): Wire<ecs.ServiceRevisionSummary>[] {
  return svc.deployments.map((d) => revisionSummary(svc.serviceArn, d, d.id ?? ''));
}

function revisionOf(
  svc: WireService,
  deployment: Wire<ecs.Deployment>,
  td: WireTaskDefinition | undefined,
  now: number,
  region: string,
): ServiceRevisionRecord {
  const id = deployment.id ?? '';
  return {
    region,
    revision: {
      serviceRevisionArn: revisionArnOf(svc.serviceArn, id),
      serviceArn: svc.serviceArn,
      clusterArn: svc.clusterArn,
      ...(deployment.taskDefinition ? { taskDefinition: deployment.taskDefinition } : {}),
      ...(deployment.capacityProviderStrategy?.length
        ? { capacityProviderStrategy: deployment.capacityProviderStrategy }
        : {}),
      ...(deployment.launchType ? { launchType: deployment.launchType } : {}),
      ...(deployment.platformVersion ? { platformVersion: deployment.platformVersion } : {}),
      loadBalancers: svc.loadBalancers ?? [],
      serviceRegistries: svc.serviceRegistries ?? [],
      ...(deployment.networkConfiguration ? { networkConfiguration: deployment.networkConfiguration } : {}),
      containerImages: (td?.containerDefinitions ?? []).map((c) => ({
        containerName: c.name,
        image: c.image,
      })),
      guardDutyEnabled: false,
      createdAt: now,
    },
  };
}

/**
 * Records a new service deployment to `svc`'s PRIMARY deployment (just created by CreateService or
 * UpdateService), from the revisions its other deployments run, and the target revision. Service
 * deployments still open are STOPPED: the new one supersedes them. Returns the service with
 * `currentServiceDeployment` set. Call inside the caller's transaction.
 */
export function startServiceDeployment(
  col: EcsCollections,
  svc: WireService,
  td: WireTaskDefinition | undefined,
  now: number,
  region: string,
): WireService {
  const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
  if (!primary?.id) return svc;
  const revision = revisionOf(svc, primary, td, now, region);
  if (!col.serviceRevisions.has(revision.revision.serviceRevisionArn)) {
    col.serviceRevisions.put(revision.revision.serviceRevisionArn, revision);
  }
  stopOpenDeployments(col, svc.serviceArn, now, 'A newer service deployment started.');
  const sources = svc.deployments.filter((d) => d.id && d.id !== primary.id);
  const arn = serviceChild(svc.serviceArn, 'service-deployment', serviceDeploymentId());
  const config = svc.deploymentConfiguration ?? {};
  const breaker = config.deploymentCircuitBreaker;
  const alarms = config.alarms;
  const deployment: WireServiceDeployment = {
    serviceDeploymentArn: arn,
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    createdAt: now,
    updatedAt: now,
    sourceServiceRevisions: sources.map((d) => revisionSummary(svc.serviceArn, d, d.id ?? '')),
    targetServiceRevision: revisionSummary(
      svc.serviceArn,
      { ...primary, runningCount: 0, pendingCount: 0 },
      primary.id,
    ),
    status: 'PENDING',
    deploymentConfiguration: config,
    deploymentCircuitBreaker: breaker?.enable
      ? { status: 'MONITORING', failureCount: 0, threshold: 0 }
      : { status: 'DISABLED', failureCount: 0, threshold: 0 },
    alarms: {
      status: alarms?.enable ? 'MONITORING' : 'DISABLED',
      alarmNames: alarms?.alarmNames ?? [],
      triggeredAlarmNames: [],
    },
  };
  col.serviceDeployments.put(arn, {
    deployment,
    region,
    targetDeploymentId: primary.id,
    sourceDeploymentIds: sources.map((d) => d.id ?? ''),
  });
  return { ...svc, currentServiceDeployment: arn };
}

/** Marks the service's open service deployments STOPPED (superseded, or the service deleted). */
export function stopOpenDeployments(
  col: EcsCollections,
  serviceArn: string,
  now: number,
  reason: string,
): void {
  for (const rec of col.serviceDeployments.find({ open: serviceArn })) {
    col.serviceDeployments.put(rec.deployment.serviceDeploymentArn, stopped(rec, now, reason));
  }
}

export function stopped(rec: ServiceDeploymentRecord, now: number, reason: string): ServiceDeploymentRecord {
  if (FINISHED_DEPLOYMENT.has(rec.deployment.status)) return rec;
  const breaker = rec.deployment.deploymentCircuitBreaker;
  return {
    ...rec,
    deployment: {
      ...rec.deployment,
      status: 'STOPPED',
      statusReason: reason,
      stoppedAt: now,
      finishedAt: now,
      updatedAt: now,
      ...(breaker && breaker.status === 'MONITORING'
        ? { deploymentCircuitBreaker: { ...breaker, status: 'MONITORING_COMPLETE' } }
        : {}),
    },
  };
}

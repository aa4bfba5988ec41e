/**
 * ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions,
 * StopServiceDeployment (ROLLBACK) and ContinueServiceDeployment. The records are written by
 * CreateService/UpdateService (history.ts) and advanced by the scheduler; a rollback asked for here
 * only changes the service's desired state (the previous revision's deployment PRIMARY again) and
 * hints the scheduler, which stops and starts the tasks.
 */
import type * as ecs from '@aws-sdk/client-ecs';
import { AwsError } from '../protocol/errors';
import {
  anyCluster,
  batch,
  ecsResource,
  errors,
  findService,
  pageOf,
  type Failure,
  type Scope,
} from './common';
import { HISTORY_SECONDS, revisionArnOf } from './history';
import {
  FINISHED_DEPLOYMENT,
  type ServiceDeploymentRecord,
  type ServiceRecord,
  type Wire,
  type WireService,
} from './model';

const deploymentNotFound = () =>
  new AwsError('ServiceDeploymentNotFoundException', 'The service deployment does not exist.', 400);
const conflict = (message: string) => new AwsError('ConflictException', message, 400);

/** A service deployment or revision ARN of this region and account, or null. */
function ownArn(s: Scope, arn: string, type: 'service-deployment' | 'service-revision'): string | null {
  const resource = ecsResource(s, arn);
  return resource?.startsWith(`${type}/`) && resource.split('/').length === 4 ? arn : null;
}

/** Kept for 90 days, like AWS's history. */
const retained = (s: Scope, createdAt: number) => createdAt >= s.now - HISTORY_SECONDS;

export function listServiceDeployments(s: Scope, input: Wire<ecs.ListServiceDeploymentsRequest>) {
  const max = input.maxResults ?? 20;
  if (max < 1 || max > 100) throw errors.invalid('maxResults must be between 1 and 100.');
  const cluster = anyCluster(s, input.cluster);
  const service = findService(s, cluster, input.service ?? '');
  if (!service) throw errors.serviceNotFound();
  const statuses = input.status?.length ? new Set<string>(input.status) : null;
  const { before, after } = input.createdAt ?? {};
  const items = s.col.serviceDeployments
    .find({ service: service.service.serviceArn })
    .map((r) => r.deployment)
    .filter((d) => retained(s, d.createdAt))
    .filter((d) => !statuses || statuses.has(d.status))
    .filter(
      (d) => (before === undefined || d.createdAt < before) && (after === undefined || d.createdAt > after),
    )
    .sort((a, b) => b.createdAt - a.createdAt || (a.serviceDeploymentArn < b.serviceDeploymentArn ? -1 : 1));
  const query = `ListServiceDeployments|${service.service.serviceArn}|${[...(statuses ?? [])].join(',')}|${before ?? ''}|${after ?? ''}`;
  const { page, nextToken } = pageOf(items, (d) => d.serviceDeploymentArn, input.nextToken, max, query);
  return {
    serviceDeployments: page.map((d) => ({
      serviceDeploymentArn: d.serviceDeploymentArn,
      serviceArn: d.serviceArn,
      clusterArn: d.clusterArn,
      ...(d.startedAt !== undefined ? { startedAt: d.startedAt } : {}),
      createdAt: d.createdAt,
      ...(d.finishedAt !== undefined ? { finishedAt: d.finishedAt } : {}),
      ...(d.targetServiceRevision?.arn ? { targetServiceRevisionArn: d.targetServiceRevision.arn } : {}),
      status: d.status,
      ...(d.statusReason ? { statusReason: d.statusReason } : {}),
    })),
    ...(nextToken ? { nextToken } : {}),
  };
}

export function describeServiceDeployments(s: Scope, input: Wire<ecs.DescribeServiceDeploymentsRequest>) {
  const arns = batch(input.serviceDeploymentArns, 'serviceDeploymentArns', 20);
  const serviceDeployments: Wire<ecs.ServiceDeployment>[] = [];
  const failures: Failure[] = [];
  for (const arn of arns) {
    const key = ownArn(s, arn, 'service-deployment');
    const rec = key ? s.col.serviceDeployments.get(key) : undefined;
    if (rec && retained(s, rec.deployment.createdAt)) serviceDeployments.push(rec.deployment);
    else failures.push({ arn: arn.slice(0, 1600), reason: 'MISSING' });
  }
  return { serviceDeployments, failures };
}

export function describeServiceRevisions(s: Scope, input: Wire<ecs.DescribeServiceRevisionsRequest>) {
  const arns = batch(input.serviceRevisionArns, 'serviceRevisionArns', 20);
  const serviceRevisions: Wire<ecs.ServiceRevision>[] = [];
  const failures: Failure[] = [];
  for (const arn of arns) {
    const key = ownArn(s, arn, 'service-revision');
    const rec = key ? s.col.serviceRevisions.get(key) : undefined;
    if (rec) serviceRevisions.push(rec.revision);
    else failures.push({ arn: arn.slice(0, 1600), reason: 'MISSING' });
  }
  return { serviceRevisions, failures };
}

function findDeployment(s: Scope, arn: string | undefined): ServiceDeploymentRecord {
  const key = ownArn(s, arn ?? '', 'service-deployment');
  const rec = key ? s.col.serviceDeployments.get(key) : undefined;
  if (!rec || !retained(s, rec.deployment.createdAt)) throw deploymentNotFound();
  return rec;
}

/** Statuses a stop request leaves as they are: the stop or rollback is under way. */
const ALREADY_STOPPING = new Set(['STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS']);

export const ROLLBACK_REQUESTED_REASON = 'Service deployment rolled back because of a stop request.';

export function stopServiceDeployment(s: Scope, input: Wire<ecs.StopServiceDeploymentRequest>) {
  if (input.stopType === 'ABORT') {
    throw errors.invalid('The ABORT stop type is not supported. The valid value is ROLLBACK.');
  }
  const changed = s.deps.db.tx(() => {
    const rec = findDeployment(s, input.serviceDeploymentArn);
    const d = rec.deployment;
    if (ALREADY_STOPPING.has(d.status)) return null;
    if (FINISHED_DEPLOYMENT.has(d.status)) {
      throw conflict(`The service deployment is ${d.status} and can no longer be stopped.`);
    }
    const service = s.col.services.get(d.serviceArn);
    if (!service || service.service.status !== 'ACTIVE') throw errors.serviceNotActive();
    const sourceId = rollbackSource(rec, service.service);
    const revision = sourceId ? s.col.serviceRevisions.get(revisionArnOf(d.serviceArn, sourceId)) : undefined;
    if (!sourceId || !revision) {
      throw conflict('The service deployment has no previous service revision to roll back to.');
    }
    const svc = rolledBack(s, service.service, rec.targetDeploymentId, sourceId, revision.revision);
    const updated: ServiceRecord = { ...service, service: svc };
    s.col.services.put(svc.serviceArn, updated);
    s.col.serviceDeployments.put(d.serviceDeploymentArn, {
      ...rec,
      rollbackDeploymentId: sourceId,
      deployment: {
        ...d,
        status: 'ROLLBACK_REQUESTED',
        statusReason: ROLLBACK_REQUESTED_REASON,
        updatedAt: s.now,
        rollback: {
          reason: ROLLBACK_REQUESTED_REASON,
          startedAt: s.now,
          serviceRevisionArn: revision.revision.serviceRevisionArn,
        },
      },
    });
    return updated;
  });
  if (changed) {
    s.deps.bus.emit('ecs.service.dirty', {
      clusterArn: changed.service.clusterArn,
      serviceArn: changed.service.serviceArn,
      prompt: true,
    });
  }
  return { serviceDeploymentArn: input.serviceDeploymentArn };
}

/** The previous revision: a source whose deployment COMPLETED, else the one PRIMARY before. */
function rollbackSource(rec: ServiceDeploymentRecord, svc: WireService): string | undefined {
  const completed = rec.sourceDeploymentIds.find(
    (id) => svc.deployments.find((d) => d.id === id)?.rolloutState === 'COMPLETED',
  );
  return completed ?? rec.sourceDeploymentIds[0];
}

/**
 * The service with `sourceId`'s deployment PRIMARY and IN_PROGRESS again (re-created from its
 * revision when it has left the service), and the deployment being stopped FAILED.
 */
function rolledBack(
  s: Scope,
  svc: WireService,
  targetId: string,
  sourceId: string,
  revision: Wire<ecs.ServiceRevision>,
): WireService {
  const reason = `ECS deployment ${sourceId} in progress.`;
  const others = svc.deployments
    .filter((d) => d.id !== sourceId)
    .map((d) =>
      d.status === 'PRIMARY' || d.id === targetId
        ? {
            ...d,
            status: 'ACTIVE',
            rolloutState: 'FAILED' as const,
            rolloutStateReason: ROLLBACK_REQUESTED_REASON,
            updatedAt: s.now,
          }
        : d,
    );
  const existing = svc.deployments.find((d) => d.id === sourceId);
  const primary: Wire<ecs.Deployment> = existing
    ? {
        ...existing,
        status: 'PRIMARY',
        desiredCount: svc.desiredCount,
        rolloutState: 'IN_PROGRESS',
        rolloutStateReason: reason,
        updatedAt: s.now,
      }
    : {
        id: sourceId,
        status: 'PRIMARY',
        ...(revision.taskDefinition ? { taskDefinition: revision.taskDefinition } : {}),
        desiredCount: svc.desiredCount,
        pendingCount: 0,
        runningCount: 0,
        failedTasks: 0,
        createdAt: s.now,
        updatedAt: s.now,
        ...(revision.launchType ? { launchType: revision.launchType } : {}),
        ...(revision.capacityProviderStrategy?.length
          ? { capacityProviderStrategy: revision.capacityProviderStrategy }
          : {}),
        ...(revision.platformVersion ? { platformVersion: revision.platformVersion } : {}),
        ...(revision.networkConfiguration ? { networkConfiguration: revision.networkConfiguration } : {}),
        rolloutState: 'IN_PROGRESS',
        rolloutStateReason: reason,
      };
  return {
    ...svc,
    ...(primary.taskDefinition ? { taskDefinition: primary.taskDefinition } : {}),
    deployments: [primary, ...others],
  };
}

/**
 * Lifecycle hooks belong to the blue/green deployment strategy, which is not served: no service
 * deployment here ever pauses at one, so no hook can be continued.
 */
export function continueServiceDeployment(s: Scope, input: Wire<ecs.ContinueServiceDeploymentRequest>) {
  findDeployment(s, input.serviceDeploymentArn);
  throw errors.invalid(
    `The service deployment is not paused at lifecycle hook ${(input.hookId ?? '').slice(0, 256)}.`,
  );
}

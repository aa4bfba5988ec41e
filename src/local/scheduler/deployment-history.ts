/**
 * Advancing a service deployment record (ecs/history.ts) after a scheduler pass: a pure function of
 * the record, the service as the pass left it and the pass's events. The states follow ECS:
 * PENDING -> IN_PROGRESS on the first pass; SUCCESSFUL when the target deployment COMPLETED;
 * ROLLBACK_IN_PROGRESS when the circuit breaker rolled back (or a StopServiceDeployment asked for it:
 * ROLLBACK_REQUESTED), then ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED by the rollback deployment's
 * outcome; STOPPED when the breaker failed it without rollback or the service is deleted. Counts
 * (requested, running, pending per revision) and the breaker's verdict follow the deployments.
 */
import {
  FINISHED_DEPLOYMENT,
  type EcsCollections,
  type ServiceDeploymentRecord,
  type WireService,
} from '../ecs/model';
import { revisionArnOf, revisionSummary, stopped } from '../ecs/history';
import { CIRCUIT_BREAKER_FAILED, circuitBreakerThreshold, type ReconcileEvent } from './reconcile';

export const ROLLBACK_BY_BREAKER = 'The deployment circuit breaker detected failed tasks and rolled back.';

export function advanceServiceDeployment(
  rec: ServiceDeploymentRecord,
  svc: WireService,
  events: readonly ReconcileEvent[],
  now: number,
): ServiceDeploymentRecord {
  const before = rec.deployment;
  if (FINISHED_DEPLOYMENT.has(before.status)) return rec;
  if (svc.status !== 'ACTIVE') return stopped(rec, now, 'The service was deleted.');
  const byId = new Map(svc.deployments.map((d) => [d.id ?? '', d]));
  const target = byId.get(rec.targetDeploymentId);
  let next: ServiceDeploymentRecord = { ...rec, deployment: { ...before } };
  const d = next.deployment;

  if (d.status === 'PENDING') {
    d.status = 'IN_PROGRESS';
    d.startedAt = now;
  }
  if (d.status === 'ROLLBACK_REQUESTED') d.status = 'ROLLBACK_IN_PROGRESS';

  const failed = events.some(
    (e) => e.kind === 'deploymentFailed' && e.deploymentId === rec.targetDeploymentId,
  );
  const rollingBack = events.find((e) => e.kind === 'rollingBack');
  if (d.status === 'IN_PROGRESS') {
    if (failed && rollingBack?.kind === 'rollingBack') {
      d.status = 'ROLLBACK_IN_PROGRESS';
      d.statusReason = CIRCUIT_BREAKER_FAILED;
      d.rollback = {
        reason: ROLLBACK_BY_BREAKER,
        startedAt: now,
        serviceRevisionArn: revisionArnOf(svc.serviceArn, rollingBack.deploymentId),
      };
      next = { ...next, rollbackDeploymentId: rollingBack.deploymentId };
    } else if (target?.rolloutState === 'FAILED') {
      next = stopped(next, now, target.rolloutStateReason ?? CIRCUIT_BREAKER_FAILED);
    } else if (target?.rolloutState === 'COMPLETED') {
      d.status = 'SUCCESSFUL';
      d.statusReason = 'Service deployment completed successfully.';
      d.finishedAt = now;
    } else if (!target) {
      next = stopped(next, now, 'The target service revision is no longer deployed.');
    }
  }
  if (next.deployment.status === 'ROLLBACK_IN_PROGRESS') {
    const rollback = byId.get(next.rollbackDeploymentId ?? '');
    const r = next.deployment;
    if (rollback?.rolloutState === 'COMPLETED') {
      r.status = 'ROLLBACK_SUCCESSFUL';
      r.finishedAt = now;
    } else if (rollback?.rolloutState === 'FAILED' || !rollback) {
      r.status = 'ROLLBACK_FAILED';
      r.finishedAt = now;
    }
  }

  const out = next.deployment;
  if (target) out.targetServiceRevision = revisionSummary(svc.serviceArn, target, rec.targetDeploymentId);
  else if (out.targetServiceRevision)
    out.targetServiceRevision = { ...out.targetServiceRevision, runningTaskCount: 0, pendingTaskCount: 0 };
  out.sourceServiceRevisions = rec.sourceDeploymentIds.map((id) =>
    revisionSummary(svc.serviceArn, byId.get(id), id),
  );
  const breaker = svc.deploymentConfiguration?.deploymentCircuitBreaker;
  if (breaker?.enable) {
    const desired = target?.desiredCount ?? out.targetServiceRevision?.requestedTaskCount ?? 0;
    const triggered =
      failed || out.deploymentCircuitBreaker?.status === 'TRIGGERED' || target?.rolloutState === 'FAILED';
    out.deploymentCircuitBreaker = {
      status: triggered
        ? 'TRIGGERED'
        : FINISHED_DEPLOYMENT.has(out.status)
          ? 'MONITORING_COMPLETE'
          : 'MONITORING',
      failureCount: target?.failedTasks ?? out.deploymentCircuitBreaker?.failureCount ?? 0,
      threshold: circuitBreakerThreshold(desired),
    };
  }
  if (
    JSON.stringify(out) === JSON.stringify(before) &&
    next.rollbackDeploymentId === rec.rollbackDeploymentId
  )
    return rec;
  out.updatedAt = now;
  return next;
}

/** Advances the service's open service deployments after a pass (inside the pass's transaction). */
export function recordServiceDeployments(
  col: EcsCollections,
  svc: WireService,
  events: readonly ReconcileEvent[],
  now: number,
): void {
  for (const rec of col.serviceDeployments.find({ open: svc.serviceArn })) {
    const next = advanceServiceDeployment(rec, svc, events, now);
    if (next !== rec) col.serviceDeployments.put(next.deployment.serviceDeploymentArn, next);
  }
}

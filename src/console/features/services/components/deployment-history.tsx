import type { ServiceDeployment } from '@aws-sdk/client-ecs';
import { useState } from 'react';
import { TRANSITION_POLL_MS } from '../../../aws/poll';
import {
  SERVICE_DEPLOYMENTS_POLL,
  useServiceDeployments,
  type DeploymentEntry,
} from '../../../aws/queries/service-deployments';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { queryRows, ResourceTable, type Column } from '../../../components/ui/resource-table';
import { StatusBadge, type StatusTone } from '../../../components/ui/status-badge';
import { formatTime, lastPart } from '../../../lib/format';
import { notify } from '../../../lib/notices';
import { rollbackInput, useStopServiceDeployment } from '../api/stop-service-deployment';
import { taskDefinitionLink } from './services-table';

/** The tone of a service deployment status (SUCCESSFUL is not one of the generic success words). */
export function deploymentTone(status: string | undefined): StatusTone {
  switch (status) {
    case 'SUCCESSFUL':
      return 'success';
    case 'ROLLBACK_SUCCESSFUL':
      return 'info';
    case 'ROLLBACK_FAILED':
      return 'danger';
    case 'STOPPED':
      return 'neutral';
    default:
      return 'progress';
  }
}

/** The circuit breaker's verdict in words: off, watching, passed or triggered, with the failure count. */
export function circuitBreakerVerdict(d: Pick<ServiceDeployment, 'deploymentCircuitBreaker'>): string {
  const cb = d.deploymentCircuitBreaker;
  if (!cb || cb.status === undefined || cb.status === 'DISABLED') return 'Off';
  const failures = `${cb.failureCount ?? 0} of ${cb.threshold ?? 0} failed tasks`;
  switch (cb.status) {
    case 'TRIGGERED':
      return `Triggered (${failures})`;
    case 'MONITORING':
      return `Watching (${failures})`;
    case 'MONITORING_COMPLETE':
      return `Passed (${failures})`;
    default:
      return `${cb.status} (${failures})`;
  }
}

/** Whether the console offers to roll this deployment back: under way, with a revision to go back to. */
export const canRollBack = (d: ServiceDeployment): boolean =>
  (d.status === 'IN_PROGRESS' || d.status === 'PENDING') && (d.sourceServiceRevisions ?? []).length > 0;

function columns(onRollBack: (d: DeploymentEntry) => void): Array<Column<DeploymentEntry>> {
  return [
    {
      id: 'id',
      header: 'Deployment',
      className: 'font-mono text-xs',
      cell: (d) => lastPart(d.serviceDeploymentArn),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (d) => (
        <div className="space-y-1">
          <StatusBadge status={d.status ?? '—'} tone={deploymentTone(d.status)} />
          {d.statusReason && <p className="text-xs text-slate-600 dark:text-slate-400">{d.statusReason}</p>}
          {d.rollback && (
            <p className="text-xs text-slate-600 dark:text-slate-400">
              Rolled back to revision {lastPart(d.rollback.serviceRevisionArn)}
              {d.rollback.reason && d.rollback.reason !== d.statusReason ? `: ${d.rollback.reason}` : ''}
            </p>
          )}
        </div>
      ),
    },
    { id: 'started', header: 'Started', cell: (d) => formatTime(d.startedAt ?? d.createdAt) },
    { id: 'finished', header: 'Finished', cell: (d) => formatTime(d.finishedAt ?? d.stoppedAt) },
    {
      id: 'tasks',
      header: 'Running / wanted / pending',
      className: 'tabular-nums',
      cell: (d) => {
        const t = d.targetServiceRevision;
        return `${t?.runningTaskCount ?? 0} / ${t?.requestedTaskCount ?? 0} / ${t?.pendingTaskCount ?? 0}`;
      },
    },
    { id: 'breaker', header: 'Circuit breaker', cell: (d) => circuitBreakerVerdict(d) },
    {
      id: 'target',
      header: 'Target revision',
      cell: (d) => (
        <span>
          {lastPart(d.targetServiceRevision?.arn)}
          {d.targetTaskDefinition && <> · {taskDefinitionLink(d.targetTaskDefinition)}</>}
        </span>
      ),
    },
    {
      id: 'actions',
      header: 'Actions',
      cell: (d) =>
        canRollBack(d) ? (
          <Button
            size="sm"
            variant="danger"
            onClick={() => onRollBack(d)}
            aria-label={`Roll back deployment ${lastPart(d.serviceDeploymentArn)}`}
          >
            Roll back
          </Button>
        ) : null,
    },
  ];
}

/**
 * A service's deployment history (ListServiceDeployments, DescribeServiceDeployments, the target
 * revisions' task definitions), newest first, with a confirmed "Roll back" (StopServiceDeployment,
 * stopType ROLLBACK) on a deployment under way. `serviceChanging` reads it at the transition rate, so a
 * deployment the service just started shows at once.
 */
export function DeploymentHistory({
  cluster,
  service,
  serviceChanging,
}: {
  cluster: string;
  service: string;
  serviceChanging: boolean;
}) {
  const history = useServiceDeployments(
    cluster,
    service,
    serviceChanging
      ? { changing: TRANSITION_POLL_MS, settled: TRANSITION_POLL_MS }
      : SERVICE_DEPLOYMENTS_POLL,
  );
  const stop = useStopServiceDeployment(cluster, service);
  const [target, setTarget] = useState<DeploymentEntry | null>(null);
  const input = target ? rollbackInput(target.serviceDeploymentArn ?? '') : null;
  const close = () => {
    setTarget(null);
    stop.reset();
  };
  return (
    <>
      <ResourceTable
        caption={`Deployment history of ${service}`}
        resourceName="service deployments"
        columns={columns(setTarget)}
        {...queryRows(history)}
        rowKey={(d) => d.serviceDeploymentArn ?? ''}
        empty={{
          title: 'No service deployments',
          description: 'ECS records a deployment each time the service is created or updated.',
        }}
      />
      <ConfirmDialog
        open={target !== null}
        onClose={close}
        title={`Roll back deployment ${lastPart(target?.serviceDeploymentArn)}`}
        confirmLabel="Roll back"
        calls={input ? [{ service: 'ecs', operation: 'StopServiceDeployment', input }] : []}
        pending={stop.isPending}
        error={stop.error}
        errorTitle="Could not roll back the deployment"
        onConfirm={() => {
          if (!input) return;
          stop.mutate(input, {
            onSuccess: () => {
              close();
              notify(
                'success',
                `Rolling back ${service}: ECS returns it to revision ${lastPart(
                  target?.sourceServiceRevisions?.[0]?.arn,
                )} and stops the new tasks.`,
              );
            },
          });
        }}
      >
        <p>
          ECS stops this deployment and returns {service} to the revision it ran before (revision{' '}
          {lastPart(target?.sourceServiceRevisions?.[0]?.arn)}); the new revision&apos;s tasks are stopped.
          The deployment ends as ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED.
        </p>
      </ConfirmDialog>
    </>
  );
}

import type { Container, Task } from '@aws-sdk/client-ecs';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { Breadcrumbs, clusterTrail } from '../../../components/ui/breadcrumbs';
import { QueryView } from '../../../components/ui/query-view';
import { Button } from '../../../components/ui/button';
import { PageHeader } from '../../../components/ui/page-header';
import { ResourceTable, type Column } from '../../../components/ui/resource-table';
import { StatusBadge } from '../../../components/ui/status-badge';
import { cn } from '../../../lib/cn';
import { useTask, type TaskDetail } from '../api/describe-task';
import { useStopTasks } from '../api/stop-tasks';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { TagsSection } from '../../../components/tags/tags-section';
import { notify } from '../../../lib/notices';
import { formatTime, lastPart, linkClass } from '../../../lib/format';
import { lifecycleSteps, sinceCreated } from '../lifecycle';
import { LoadingBlock } from '../../../components/ui/skeleton';

/** The Logs section and its CloudWatch Logs client load only when a task page shows. */
const ContainerLogsSection = lazy(() =>
  import('./container-logs').then((m) => ({ default: m.ContainerLogsSection })),
);

/** awsvpc: the container's ports on the task's own address (hostPort = containerPort). */
function ExternalLinks({
  container,
  host,
  ports,
}: {
  container: Container;
  host: string | undefined;
  ports: number[];
}) {
  if (ports.length === 0) return <>—</>;
  return (
    <ul>
      {ports.map((port) => (
        <li key={port}>
          {host ? (
            <a
              className={linkClass}
              href={`http://${host}:${port}/`}
              target="_blank"
              rel="noreferrer noopener"
              aria-label={`External link: open ${container.name ?? 'container'} on http://${host}:${port}/ (new tab)`}
            >
              http://{host}:{port}/
            </a>
          ) : (
            `${port}/tcp`
          )}
        </li>
      ))}
    </ul>
  );
}

function containerColumns(
  host: string | undefined,
  containerPorts?: Map<string, number[]>,
): Array<Column<Container>> {
  if (containerPorts) {
    return [
      { id: 'name', header: 'Container', cell: (c) => c.name },
      { id: 'status', header: 'Status', cell: (c) => <StatusBadge status={c.lastStatus ?? '—'} /> },
      { id: 'exit', header: 'Exit code', cell: (c) => c.exitCode ?? '—', className: 'tabular-nums' },
      { id: 'reason', header: 'Reason', cell: (c) => c.reason ?? '' },
      {
        id: 'external',
        header: 'External link',
        cell: (c) => (
          <ExternalLinks container={c} host={host} ports={containerPorts.get(c.name ?? '') ?? []} />
        ),
      },
    ];
  }
  return legacyColumns(host);
}

function legacyColumns(host: string | undefined): Array<Column<Container>> {
  return [
    { id: 'name', header: 'Container', cell: (c) => c.name },
    { id: 'status', header: 'Status', cell: (c) => <StatusBadge status={c.lastStatus ?? '—'} /> },
    { id: 'exit', header: 'Exit code', cell: (c) => c.exitCode ?? '—', className: 'tabular-nums' },
    { id: 'reason', header: 'Reason', cell: (c) => c.reason ?? '' },
    {
      id: 'bindings',
      header: 'Network bindings',
      cell: (c) => (
        <ul>
          {(c.networkBindings ?? []).map((b) => {
            const label = `${b.containerPort ?? '?'} → ${b.hostPort ?? '?'}/${b.protocol ?? 'tcp'}`;
            return (
              <li key={`${b.hostPort}/${b.protocol}/${b.bindIP}`}>
                {host && b.hostPort !== undefined && (b.protocol ?? 'tcp') === 'tcp' ? (
                  <a
                    className={linkClass}
                    href={`http://${host}:${b.hostPort}/`}
                    target="_blank"
                    rel="noreferrer noopener"
                    aria-label={`Open ${c.name ?? 'container'} on http://${host}:${b.hostPort}/ (new tab)`}
                  >
                    http://{host}:{b.hostPort}/
                  </a>
                ) : (
                  label
                )}
              </li>
            );
          })}
        </ul>
      ),
    },
  ];
}

function Lifecycle({ task }: { task: Task }) {
  const steps = lifecycleSteps(task);
  return (
    <ol
      aria-label="Task lifecycle"
      className="relative ml-2 border-l border-slate-300 dark:border-slate-700"
      data-testid="task-lifecycle"
    >
      {steps.map((s) => (
        <li key={s.id} className="mb-3 ml-4" data-step={s.id} data-done={Boolean(s.at)}>
          <span
            aria-hidden="true"
            className={cn(
              'absolute -left-1.5 mt-1 size-3 rounded-full border-2 border-white dark:border-slate-950',
              s.at ? 'bg-emerald-500' : 'bg-slate-300 dark:bg-slate-700',
            )}
          />
          <p className={cn('text-sm font-medium', !s.at && 'text-slate-500 dark:text-slate-400')}>
            {s.label}
          </p>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            {s.at ? (
              <>
                <time dateTime={s.at.toISOString()}>{formatTime(s.at)}</time> {sinceCreated(task, s.at)}
              </>
            ) : (
              'not yet'
            )}
          </p>
        </li>
      ))}
    </ol>
  );
}

function StopTask({ cluster, task }: { cluster: string; task: Task }) {
  const id = lastPart(task.taskArn);
  const stop = useStopTasks();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('Stopped from the ECS console');
  if (task.desiredStatus === 'STOPPED') return null;
  const input = { cluster, task: task.taskArn ?? id, ...(reason.trim() && { reason: reason.trim() }) };
  return (
    <div className="mb-6">
      <Button variant="danger" onClick={() => setOpen(true)}>
        Stop task
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Stop task ${id}`}
        confirmLabel="Stop task"
        calls={[{ service: 'ecs', operation: 'StopTask', input }]}
        pending={stop.isPending}
        error={stop.error}
        errorTitle="Could not stop the task"
        onConfirm={() =>
          stop.mutate([input], {
            onSuccess: () => {
              notify('success', `Task ${id} is stopping.`);
              setOpen(false);
            },
          })
        }
      >
        <p>
          ECS stops the task&apos;s containers
          {task.group?.startsWith('service:') ? '; its service starts a replacement' : ''}.
        </p>
        <label className="flex flex-col gap-1">
          <span>Stop reason</span>
          <input
            value={reason}
            maxLength={255}
            onChange={(e) => setReason(e.target.value)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
          />
        </label>
      </ConfirmDialog>
    </div>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-600 uppercase dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 text-sm break-words">{children}</dd>
    </div>
  );
}

/** The pure renderer of a task. */
export function TaskView({ cluster, detail }: { cluster: string; detail: TaskDetail }) {
  const { task, instance, host, hostError, eni, containerPorts } = detail;
  const [family, revision] = lastPart(task.taskDefinitionArn).split(':');
  return (
    <>
      <StopTask cluster={cluster} task={task} />
      <dl className="mb-8 grid gap-4 sm:grid-cols-3">
        <Field label="Last / desired status">
          <StatusBadge status={task.lastStatus ?? '—'} /> → {task.desiredStatus}
        </Field>
        <Field label="Task definition">
          {family && revision ? (
            <Link className={linkClass} to={`/task-definitions/${encodeURIComponent(family)}/${revision}`}>
              {family}:{revision}
            </Link>
          ) : (
            '—'
          )}
        </Field>
        <Field label="Started by / group">
          {task.startedBy ?? '—'} · {task.group ?? '—'}
        </Field>
        <Field label="Stop code">
          <span data-testid="stop-code">{task.stopCode ?? '—'}</span>
        </Field>
        <Field label="Stopped reason">
          <span data-testid="stopped-reason">{task.stoppedReason ?? '—'}</span>
        </Field>
        <Field label="Launch type / capacity provider">
          <span data-testid="launch-type">
            {task.launchType ?? '—'}
            {task.platformVersion ? ` (platform ${task.platformVersion})` : ''} ·{' '}
            {task.capacityProviderName ?? 'no capacity provider'}
          </span>
        </Field>
        {eni && (
          <Field label="Network interface">
            <span className="font-mono text-xs" data-testid="task-eni">
              {eni.networkInterfaceId}
            </span>
            <span className="block">
              Private IP <span data-testid="task-private-ip">{eni.privateIp ?? '—'}</span> · Public IP{' '}
              <span data-testid="task-public-ip">{eni.publicIp ?? '—'}</span>
            </span>
            {eni.subnetId && <span className="block text-xs">{eni.subnetId}</span>}
          </Field>
        )}
        <Field label="Container instance">
          {instance ? (
            <>
              <span className="font-mono text-xs">{lastPart(instance.containerInstanceArn)}</span> ·{' '}
              {instance.ec2InstanceId} {host && `· ${host}`}
              {instance.status && <StatusBadge className="ml-1" status={instance.status} />}
            </>
          ) : (
            '—'
          )}
          {hostError && (
            <span className="block text-xs text-slate-600 dark:text-slate-400">
              No address for the links: {hostError.code} {hostError.message}
            </span>
          )}
        </Field>
      </dl>
      <section className="mb-8" aria-labelledby="containers-heading">
        <h2 id="containers-heading" className="mb-3 text-lg font-semibold">
          Containers
        </h2>
        <ResourceTable
          caption="Containers of the task"
          resourceName="containers"
          columns={containerColumns(host, containerPorts)}
          rows={task.containers}
          rowKey={(c) => c.containerArn ?? c.name ?? ''}
        />
      </section>
      <Suspense fallback={<LoadingBlock label="Loading the logs" lines={2} />}>
        <ContainerLogsSection task={task} />
      </Suspense>
      <TagsSection resourceArn={task.taskArn ?? ''} resourceName={`task ${lastPart(task.taskArn)}`} />
      <section aria-labelledby="lifecycle-heading">
        <h2 id="lifecycle-heading" className="mb-3 text-lg font-semibold">
          Lifecycle
        </h2>
        <Lifecycle task={task} />
      </section>
    </>
  );
}

export function TaskPage() {
  const params = useParams();
  const cluster = params['cluster'] ?? '';
  const taskId = params['task'] ?? '';
  const detail = useTask(cluster, taskId);
  const group = detail.data?.task.group;
  const service = group?.startsWith('service:') ? group.slice(8) : undefined;
  return (
    <>
      <PageHeader
        eyebrow={
          <Breadcrumbs
            trail={[
              ...clusterTrail(cluster, 'tasks'),
              ...(service
                ? [
                    {
                      to: `/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}`,
                      label: service,
                    },
                  ]
                : []),
            ]}
          />
        }
        title={`Task ${taskId}`}
        description={detail.data?.task.taskArn}
      />
      <QueryView
        query={detail}
        errorTitle={`Could not describe task ${taskId}`}
        loadingLabel="Loading the task"
      >
        {(data) => <TaskView cluster={cluster} detail={data} />}
      </QueryView>
    </>
  );
}

import type { ContainerInstance, Resource } from '@aws-sdk/client-ecs';
import { Button } from '../../../components/ui/button';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { DataTable, type DataColumn } from '../../../components/ui/data-table';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { notify } from '../../../lib/notices';
import { useState } from 'react';
import { StatusBadge } from '../../../components/ui/status-badge';
import { moreOf } from '../../../aws/paged';
import { usePagedContainerInstances } from '../api/list-container-instances';
import { useUpdateInstancesState } from '../api/update-instances-state';

function amount(resources: Resource[] | undefined, name: string): number {
  return resources?.find((r) => r.name === name)?.integerValue ?? 0;
}

function Usage({
  instance,
  name,
  unit,
}: {
  instance: ContainerInstance;
  name: 'CPU' | 'MEMORY';
  unit: string;
}) {
  const registered = amount(instance.registeredResources, name);
  const remaining = amount(instance.remainingResources, name);
  const used = registered - remaining;
  const id = instance.ec2InstanceId ?? '';
  return (
    <div className="min-w-36">
      <ProgressBar label={`${name} used on ${id}`} value={used} max={registered} />
      <p className="mt-1 text-xs text-slate-600 tabular-nums dark:text-slate-400">
        {used} of {registered} {unit} used · {remaining} free
      </p>
    </div>
  );
}

function columns(
  onState: (arn: string, status: 'ACTIVE' | 'DRAINING') => void,
  busy: boolean,
): Array<DataColumn<ContainerInstance>> {
  return [
    {
      id: 'instance',
      header: 'Instance',
      value: (i) => i.ec2InstanceId,
      cell: (i) => (
        <div>
          <p className="font-mono text-xs">{i.ec2InstanceId}</p>
          <p className="text-xs text-slate-600 dark:text-slate-400">
            {i.attributes?.find((a) => a.name === 'ecs.instance-type')?.value}{' '}
            {i.attributes?.find((a) => a.name === 'ecs.availability-zone')?.value}
          </p>
        </div>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      value: (i) => i.status,
      cell: (i) => <StatusBadge status={i.status ?? '—'} />,
    },
    {
      id: 'agent',
      header: 'Agent',
      value: (i) => (i.agentConnected ? 'connected' : 'disconnected'),
      cell: (i) => (
        <StatusBadge
          status={i.agentConnected ? 'Connected' : 'Disconnected'}
          tone={i.agentConnected ? 'success' : 'danger'}
        />
      ),
    },
    {
      id: 'tasks',
      header: 'Running / pending',
      value: (i) => i.runningTasksCount ?? 0,
      className: 'tabular-nums',
      cell: (i) => (
        <span data-testid={`instance-tasks-${i.ec2InstanceId ?? ''}`}>
          {i.runningTasksCount ?? 0} / {i.pendingTasksCount ?? 0}
        </span>
      ),
    },
    {
      id: 'cpu',
      header: 'CPU',
      value: (i) => amount(i.remainingResources, 'CPU'),
      cell: (i) => <Usage instance={i} name="CPU" unit="units" />,
    },
    {
      id: 'memory',
      header: 'Memory',
      value: (i) => amount(i.remainingResources, 'MEMORY'),
      cell: (i) => <Usage instance={i} name="MEMORY" unit="MiB" />,
    },
    {
      id: 'actions',
      header: 'Actions',
      cell: (i) =>
        i.status === 'ACTIVE' ? (
          <Button size="sm" disabled={busy} onClick={() => onState(i.containerInstanceArn ?? '', 'DRAINING')}>
            Drain <span className="sr-only">{i.ec2InstanceId}</span>
          </Button>
        ) : i.status === 'DRAINING' ? (
          <Button size="sm" disabled={busy} onClick={() => onState(i.containerInstanceArn ?? '', 'ACTIVE')}>
            Activate <span className="sr-only">{i.ec2InstanceId}</span>
          </Button>
        ) : null,
    },
  ];
}

/** The ECS Instances tab: capacity as bars, agent and status, drain / activate after a confirmation. */
export function ClusterInstances({ cluster }: { cluster: string }) {
  const instances = usePagedContainerInstances(cluster);
  const update = useUpdateInstancesState(cluster);
  const [pending, setPending] = useState<{ arn: string; status: 'ACTIVE' | 'DRAINING' } | null>(null);
  const target = (instances.rows ?? []).find((i) => i.containerInstanceArn === pending?.arn);
  const id = target?.ec2InstanceId ?? '';
  const input = pending ? { cluster, containerInstances: [pending.arn], status: pending.status } : null;
  return (
    <div className="space-y-3">
      <DataTable
        tableId="instances"
        caption={`Container instances in cluster ${cluster}`}
        resourceName="container instances"
        columns={columns((arn, status) => setPending({ arn, status }), update.isPending)}
        rows={instances.rows}
        rowKey={(i) => i.containerInstanceArn ?? ''}
        isLoading={instances.isPending}
        error={instances.error}
        onRetry={instances.refetch}
        more={moreOf(instances, 'Load 100 more instances')}
        empty={{
          title: 'No container instances',
          description:
            'EC2 instances join the cluster when their agent registers (ECS_CLUSTER in the user data). "Create cluster" with EC2 instances makes an Auto Scaling group that does this.',
        }}
      />
      <ConfirmDialog
        open={pending !== null}
        onClose={() => setPending(null)}
        title={pending?.status === 'DRAINING' ? `Drain ${id}` : `Activate ${id}`}
        confirmLabel={pending?.status === 'DRAINING' ? 'Drain' : 'Activate'}
        danger={pending?.status === 'DRAINING'}
        calls={input ? [{ service: 'ecs', operation: 'UpdateContainerInstancesState', input }] : undefined}
        pending={update.isPending}
        error={update.error}
        errorTitle="Could not change the instance state"
        onConfirm={() => {
          if (!pending) return;
          update.mutate(
            { containerInstances: [pending.arn], status: pending.status },
            {
              onSuccess: () => {
                notify(
                  'success',
                  pending.status === 'DRAINING'
                    ? `${id} is draining: its service tasks move to other instances.`
                    : `${id} is ACTIVE again: new tasks may be placed on it.`,
                );
                setPending(null);
              },
            },
          );
        }}
      >
        <p>
          {pending?.status === 'DRAINING'
            ? `ECS places no new task on ${id} and replaces its service tasks elsewhere (${target?.runningTasksCount ?? 0} running now). Standalone tasks keep running.`
            : `ECS may place new tasks on ${id} again.`}
        </p>
      </ConfirmDialog>
    </div>
  );
}

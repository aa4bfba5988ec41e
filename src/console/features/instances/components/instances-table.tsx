import type { ContainerInstance, Resource } from '@aws-sdk/client-ecs';
import { Button } from '../../../components/ui/button';
import { ErrorState } from '../../../components/ui/error-state';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { ResourceTable, type Column } from '../../../components/ui/resource-table';
import { StatusBadge } from '../../../components/ui/status-badge';
import { useContainerInstances } from '../api/list-container-instances';
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
): Array<Column<ContainerInstance>> {
  return [
    {
      id: 'instance',
      header: 'Instance',
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
    { id: 'status', header: 'Status', cell: (i) => <StatusBadge status={i.status ?? '—'} /> },
    {
      id: 'agent',
      header: 'Agent',
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
      className: 'tabular-nums',
      cell: (i) => (
        <span data-testid={`instance-tasks-${i.ec2InstanceId ?? ''}`}>
          {i.runningTasksCount ?? 0} / {i.pendingTasksCount ?? 0}
        </span>
      ),
    },
    { id: 'cpu', header: 'CPU', cell: (i) => <Usage instance={i} name="CPU" unit="units" /> },
    { id: 'memory', header: 'Memory', cell: (i) => <Usage instance={i} name="MEMORY" unit="MiB" /> },
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

/** The ECS Instances tab: capacity as bars, agent and status, drain / activate. */
export function ClusterInstances({ cluster }: { cluster: string }) {
  const instances = useContainerInstances(cluster);
  const update = useUpdateInstancesState(cluster);
  return (
    <div className="space-y-3">
      {update.isError && <ErrorState title="Could not change the instance state" error={update.error} />}
      <ResourceTable
        caption={`Container instances in cluster ${cluster}`}
        resourceName="container instances"
        columns={columns(
          (arn, status) => update.mutate({ containerInstances: [arn], status }),
          update.isPending,
        )}
        rows={instances.data}
        rowKey={(i) => i.containerInstanceArn ?? ''}
        isLoading={instances.isPending}
        error={instances.error}
        onRetry={() => void instances.refetch()}
        empty={{
          title: 'No container instances',
          description:
            'EC2 instances join the cluster when their agent registers (ECS_CLUSTER in the user data).',
        }}
      />
    </div>
  );
}

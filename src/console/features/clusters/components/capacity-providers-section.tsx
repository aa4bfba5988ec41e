import type { CapacityProvider, CapacityProviderStrategyItem, Cluster } from '@aws-sdk/client-ecs';
import { QueryView } from '../../../components/ui/query-view';
import { ResourceTable, type Column } from '../../../components/ui/resource-table';
import { StatusBadge } from '../../../components/ui/status-badge';
import { useCapacityProviders } from '../api/capacity-providers';

/** The Auto Scaling group's name, from its ARN (or the name itself). */
const groupName = (ref: string | undefined) => ref?.split('autoScalingGroupName/').pop() ?? '—';

function columns(strategy: CapacityProviderStrategyItem[]): Array<Column<CapacityProvider>> {
  const inStrategy = (p: CapacityProvider) => strategy.find((s) => s.capacityProvider === p.name);
  return [
    { id: 'name', header: 'Capacity provider', cell: (p) => p.name },
    { id: 'status', header: 'Status', cell: (p) => <StatusBadge status={p.status ?? '—'} /> },
    {
      id: 'type',
      header: 'Type',
      cell: (p) =>
        p.autoScalingGroupProvider
          ? `Auto Scaling group ${groupName(p.autoScalingGroupProvider.autoScalingGroupArn)}`
          : 'Fargate',
    },
    {
      id: 'scaling',
      header: 'Managed scaling',
      cell: (p) => {
        const s = p.autoScalingGroupProvider?.managedScaling;
        if (!p.autoScalingGroupProvider) return '—';
        return s?.status === 'ENABLED' ? `Enabled, target ${s.targetCapacity ?? 100}%` : 'Disabled';
      },
    },
    {
      id: 'protection',
      header: 'Termination protection',
      cell: (p) => p.autoScalingGroupProvider?.managedTerminationProtection ?? '—',
    },
    {
      id: 'strategy',
      header: 'Default strategy (base / weight)',
      cell: (p) => {
        const item = inStrategy(p);
        return item ? `${item.base ?? 0} / ${item.weight ?? 0}` : '—';
      },
      className: 'tabular-nums',
    },
  ];
}

/** The cluster's capacity providers (DescribeCapacityProviders) and its default strategy. */
export function CapacityProvidersSection({ cluster }: { cluster: Cluster }) {
  const names = cluster.capacityProviders ?? [];
  const providers = useCapacityProviders(names);
  return (
    <section className="mb-6" aria-labelledby="capacity-providers-heading">
      <h2 id="capacity-providers-heading" className="mb-3 text-lg font-semibold">
        Capacity providers
      </h2>
      {names.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No capacity providers: tasks use a launch type (EC2 or FARGATE).
        </p>
      ) : (
        <QueryView
          query={providers}
          errorTitle="Could not describe the capacity providers"
          loadingLabel="Loading the capacity providers"
        >
          {(rows) => (
            <ResourceTable
              caption={`Capacity providers of cluster ${cluster.clusterName ?? ''}`}
              resourceName="capacity providers"
              columns={columns(cluster.defaultCapacityProviderStrategy ?? [])}
              rows={rows}
              rowKey={(p) => p.capacityProviderArn ?? p.name ?? ''}
            />
          )}
        </QueryView>
      )}
    </section>
  );
}

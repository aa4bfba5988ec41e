import type { CapacityProviderStrategyItem, Cluster } from '@aws-sdk/client-ecs';
import type { ReactNode } from 'react';
import { QueryView } from '../../../components/ui/query-view';
import { ResourceTable, type Column } from '../../../components/ui/resource-table';
import { StatusBadge } from '../../../components/ui/status-badge';
import { groupName, useCapacityProviders, type ProviderRow } from '../api/capacity-providers';

function columns(strategy: CapacityProviderStrategyItem[]): Array<Column<ProviderRow>> {
  const inStrategy = ({ provider: p }: ProviderRow) => strategy.find((s) => s.capacityProvider === p.name);
  const of = (cell: (p: ProviderRow['provider']) => ReactNode) => (row: ProviderRow) => cell(row.provider);
  return [
    { id: 'name', header: 'Capacity provider', cell: of((p) => p.name) },
    { id: 'status', header: 'Status', cell: of((p) => <StatusBadge status={p.status ?? '—'} />) },
    {
      id: 'type',
      header: 'Type',
      cell: of((p) =>
        p.autoScalingGroupProvider
          ? `Auto Scaling group ${groupName(p.autoScalingGroupProvider.autoScalingGroupArn) ?? '—'}`
          : 'Fargate',
      ),
    },
    {
      id: 'scaling',
      header: 'Managed scaling',
      cell: of((p) => {
        const s = p.autoScalingGroupProvider?.managedScaling;
        if (!p.autoScalingGroupProvider) return '—';
        return s?.status === 'ENABLED' ? `Enabled, target ${s.targetCapacity ?? 100}%` : 'Disabled';
      }),
    },
    {
      id: 'group',
      header: 'Group capacity',
      cell: ({ group }) =>
        group ? (
          <span data-testid="group-capacity">
            desired {group.desired} · {group.instances} {group.instances === 1 ? 'instance' : 'instances'} (
            {group.protectedInstances} protected) · min {group.min}, max {group.max}
          </span>
        ) : (
          '—'
        ),
      className: 'tabular-nums',
    },
    {
      id: 'protection',
      header: 'Termination protection',
      cell: of((p) => p.autoScalingGroupProvider?.managedTerminationProtection ?? '—'),
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
              rowKey={(r) => r.provider.capacityProviderArn ?? r.provider.name ?? ''}
            />
          )}
        </QueryView>
      )}
    </section>
  );
}

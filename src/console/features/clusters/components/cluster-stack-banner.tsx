import { Link } from 'react-router';
import { useClusterStack } from '../../../aws/queries/cluster-stack';
import { StatusBadge } from '../../../components/ui/status-badge';
import { linkClass } from '../../../lib/format';

/** The cluster's stack (its instances), while it is being created or when it failed. */
export function ClusterStackBanner({ cluster }: { cluster: string }) {
  const stack = useClusterStack(cluster);
  const s = stack.data;
  if (!s?.StackStatus || s.StackStatus === 'CREATE_COMPLETE' || s.StackStatus === 'UPDATE_COMPLETE')
    return null;
  return (
    <p
      className="mb-4 flex flex-wrap items-center gap-2 rounded-md border border-slate-200 p-3 text-sm dark:border-slate-700"
      data-testid="cluster-stack"
    >
      Stack{' '}
      <Link className={linkClass} to={`/stacks/${encodeURIComponent(s.StackName ?? '')}`}>
        {s.StackName}
      </Link>
      <StatusBadge status={s.StackStatus} />
      {s.StackStatus.endsWith('_IN_PROGRESS')
        ? 'Instances join the cluster when it completes.'
        : s.StackStatusReason}
    </p>
  );
}

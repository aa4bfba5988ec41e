import type { DesiredStatus } from '@aws-sdk/client-ecs';
import { useSearchParams } from 'react-router';
import { useTasks } from '../api/list-tasks';
import { TasksTable } from './tasks-table';

const select =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-900';

function desiredFrom(value: string | null): DesiredStatus {
  return value === 'STOPPED' ? 'STOPPED' : 'RUNNING';
}

/**
 * The tasks of a cluster, or of one service when `service` is given. The desired-status filter (and, on
 * the cluster, the service filter) live in the URL: ?desired=RUNNING|STOPPED&taskService=name.
 */
export function ClusterTasks({
  cluster,
  service,
  serviceNames,
  pollFast = false,
}: {
  cluster: string;
  service?: string;
  serviceNames?: string[];
  /** Poll at the transition cadence (the page knows its service is deploying). */
  pollFast?: boolean;
}) {
  const [params, setParams] = useSearchParams();
  const desiredStatus = desiredFrom(params.get('desired'));
  const serviceName = service ?? params.get('taskService') ?? '';
  const tasks = useTasks(cluster, { desiredStatus, ...(serviceName ? { serviceName } : {}) }, pollFast);
  const set = (key: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  return (
    <div>
      <div className="mb-3 flex flex-wrap items-end gap-3 text-sm">
        <label className="flex flex-col gap-1">
          <span className="text-xs text-slate-600 dark:text-slate-400">Desired status</span>
          <select value={desiredStatus} onChange={(e) => set('desired', e.target.value)} className={select}>
            <option value="RUNNING">Running</option>
            <option value="STOPPED">Stopped</option>
          </select>
        </label>
        {service === undefined && (
          <label className="flex flex-col gap-1">
            <span className="text-xs text-slate-600 dark:text-slate-400">Service</span>
            <select
              value={serviceName}
              onChange={(e) => set('taskService', e.target.value)}
              className={select}
            >
              <option value="">All services</option>
              {[...new Set([...(serviceName ? [serviceName] : []), ...(serviceNames ?? [])])].map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
        )}
        <span
          className="text-xs text-slate-600 dark:text-slate-400"
          aria-live="polite"
          data-testid="tasks-count"
        >
          {tasks.data ? `${tasks.data.length} tasks` : ''}
        </span>
      </div>
      <TasksTable
        cluster={cluster}
        caption={serviceName ? `Tasks of service ${serviceName}` : `Tasks in cluster ${cluster}`}
        tasks={tasks.data}
        isLoading={tasks.isPending}
        error={tasks.error}
        onRetry={() => void tasks.refetch()}
      />
    </div>
  );
}
